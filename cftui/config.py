"""One `Settings` from flags > environment > profile file > defaults, with the key policy applied.

Each setting is declared once, in `cftui.settings_spec` (its field, flag and environment variable). The profile
file is TOML at `<user config dir>/cftui/config.toml` (or `$CFTUI_CONFIG`): top-level fields apply
to every profile, `[profiles.NAME]` tables override them, `default_profile` names the one used when neither
`--profile` nor `CFTUI_PROFILE` does. Every problem is a `ConfigError` whose text names the file and field.
"""

from __future__ import annotations

import argparse
import math
import os
import shlex
import stat
import subprocess
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from cftui.api.keys import ApiKey, KeyPolicyError, api_url_warning, check_api_url, mask_key
from cftui.api.sanitize import one_line
from cftui.settings_spec import BY_NAME, SETTINGS, Setting

if TYPE_CHECKING:
    from cftui.api.bearer import BearerProvider
    from cftui.auth.endpoints import OAuthEndpoints
    from cftui.auth.store import TokenStore

__all__ = ["DEFAULT_API_URL", "ApiKey", "ConfigError", "Settings", "config_path", "mask_key"]

DEFAULT_API_URL = "https://api.cloudforge.novatech.com/v2"
KEY_COMMAND_TIMEOUT_S = 10.0
KEY_FIELDS = ("api_key", "api_key_file", "api_key_command")
SIGN_IN_FIELDS = (*KEY_FIELDS, "auth")  # travel as a group: a profile naming any of them replaces the top level's
OAUTH_FIELDS = ("auth", "oauth_client_id", "auth_url", "token_url", "revoke_url", "userinfo_url", "oauth_scope")
WEBHOOK_SECRET_FIELDS = ("webhook_secret", "webhook_secret_file", "webhook_secret_command")
MIN_WEBHOOK_SECRET = 16  # characters: a short shared secret can be guessed offline from one signed delivery


class ConfigError(Exception):
    """Settings cftui cannot use. The message is a sentence that says what to change (keys masked)."""

    def __init__(self, message: str) -> None:
        super().__init__(mask_key(message))


def _field_type(setting: Setting) -> Any:
    """The profile field's type: `kind`, with its bounds (on a table: on each value), or None for "not set"."""
    kind: Any = setting.kind
    if (setting.gt, setting.ge, setting.le) != (None, None, None):
        limits = Field(gt=setting.gt, ge=setting.ge, le=setting.le)
        if get_origin(kind) is dict:
            key, value = get_args(kind)
            kind = dict[key, Annotated[value, limits]]  # type: ignore[valid-type]
        else:
            kind = Annotated[kind, limits]
    return kind | None


_STRICT = ConfigDict(extra="forbid", strict=True)  # unknown fields are refused: they are usually typos
# What a profile (or the file's top level) may set: one field per setting of the spec that lives in the file.
_FIELDS: dict[str, Any] = {setting.name: (_field_type(setting), None) for setting in SETTINGS if setting.in_file}
ProfileFields: type[BaseModel] = create_model("ProfileFields", __config__=_STRICT, **_FIELDS)
ConfigFile: type[BaseModel] = create_model(
    "ConfigFile",
    __base__=ProfileFields,
    default_profile=(str | None, None),
    profiles=(dict[str, ProfileFields], Field(default_factory=dict)),
)
Layer = dict[str, Any]  # the fields one table of the file sets (None omitted)


@dataclass(frozen=True)
class Settings:
    api_url: str
    api_key: ApiKey | BearerProvider  # a BearerProvider (an OAuthCredential) when the profile says auth = "oauth"
    profile: str | None = None
    interval: float = 5.0
    budget: float = 0.5
    theme: str | None = None
    allow_live_key: bool = False
    history: bool = True
    watch_operations: tuple[str, ...] = ()
    cost_thresholds: dict[str, Decimal] = field(default_factory=dict)
    bell: bool = False
    key_source: str = "CLOUDFORGE_API_KEY"
    config_file: Path | None = None
    warnings: tuple[str, ...] = ()  # sentences worth telling the user at start (a URL missing /v2)
    # the history file under a stable name instead of the API URL's hash; set by code (the demo), not by users
    history_name: str | None = None
    # the webhook receiver (push): where it listens ("host:port") and the shared secret (never shown)
    webhook_listen: str | None = None
    webhook_secret: str | None = field(default=None, repr=False)

    @property
    def key_hint(self) -> str:
        """What to check when the key is rejected, e.g. "CLOUDFORGE_API_KEY" or "profile 'prod' (api_key)"."""
        return self.key_source

    @classmethod
    def load(cls, args: argparse.Namespace | None = None, environ: Mapping[str, str] | None = None) -> Settings:
        """Build the settings; raise `ConfigError` with a clear sentence for anything unusable."""
        env = os.environ if environ is None else environ
        flags = vars(args) if args is not None else {}
        path = config_path(env)
        document = _read_config(path, explicit="CFTUI_CONFIG" in env)
        named = _layered(BY_NAME["profile"], flags, env, {}) or document.default_profile
        profile_name = named or _implicit_profile(document)
        chosen = _choose_profile(document, profile_name, path)
        merged = _merge(document, chosen)

        api_url = _layered(BY_NAME["api_url"], flags, env, merged) or DEFAULT_API_URL
        url_source = _url_source(flags, env, merged, profile_name, path)
        allow_live = bool(_layered(BY_NAME["allow_live_key"], flags, env, merged))
        try:
            api_url = check_api_url(api_url, source=url_source)
            url_warning = api_url_warning(api_url, source=url_source)
        except KeyPolicyError as exc:
            raise ConfigError(str(exc)) from None
        key: ApiKey | BearerProvider
        if _uses_oauth(flags, env, merged, chosen, profile_name, path):
            key, key_source = _signed_in(api_url, profile_name, merged)
        else:
            secret, key_source = _find_key(flags, env, document, chosen, profile_name, path)
            try:
                key = ApiKey.parse(secret, source=key_source, allow_live=allow_live)
            except KeyPolicyError as exc:
                raise ConfigError(str(exc)) from None

        # every other setting of the spec that Settings holds: flag > environment > profile > Settings' default
        plain = {
            setting.name: value
            for setting in SETTINGS
            if setting.name in _PLAIN and (value := _layered(setting, flags, env, merged)) is not None
        }
        watch = [*(merged.get("watch_operations") or ()), *(flags.get(BY_NAME["watch_operations"].dest) or ())]
        listen, webhook_secret = _webhook_settings(flags, env, merged, profile_name, path)
        return cls(
            **plain,
            api_url=api_url,
            api_key=key,
            profile=profile_name,
            allow_live_key=allow_live,
            watch_operations=tuple(dict.fromkeys(op.strip() for op in watch if op.strip())),
            cost_thresholds={name: Decimal(str(v)) for name, v in (merged.get("cost_thresholds") or {}).items()},
            key_source=key_source,
            config_file=path if path.exists() else None,
            warnings=tuple(
                note for note in (url_warning, _unchosen_note(document, profile_name, path)) if note is not None
            ),
            history_name=flags.get("history_name") or None,
            webhook_listen=listen,
            webhook_secret=webhook_secret,
        )


# Settings resolved by their own rules in `Settings.load` (the key's sources, the URL's checks, lists that add up).
_SPECIAL = {"profile", "api_url", "api_key", "api_key_file", "api_key_command", "allow_live_key"}
_SPECIAL |= {"watch_operations", "cost_thresholds", "webhook_listen", *WEBHOOK_SECRET_FIELDS}
_SPECIAL |= {*OAUTH_FIELDS, "token_store"}
_PLAIN = {f.name for f in fields(Settings)} & {s.name for s in SETTINGS} - _SPECIAL


@dataclass(frozen=True)
class Document:
    """The config file, validated: the top level's fields, each profile's, and `default_profile`."""

    top: Layer = field(default_factory=dict)
    profiles: dict[str, Layer] = field(default_factory=dict)
    default_profile: str | None = None


@dataclass(frozen=True)
class SignInSettings:
    """What `cftui login` / `logout` need: where to sign in, and where the tokens go."""

    api_url: str
    endpoints: OAuthEndpoints
    store: TokenStore


def load_sign_in(args: argparse.Namespace | None = None, environ: Mapping[str, str] | None = None) -> SignInSettings:
    """The chosen profile's OAuth settings (no tokens needed); `ConfigError` when it does not use OAuth."""
    env = os.environ if environ is None else environ
    flags = vars(args) if args is not None else {}
    path = config_path(env)
    document = _read_config(path, explicit="CFTUI_CONFIG" in env)
    named = _layered(BY_NAME["profile"], flags, env, {}) or document.default_profile
    profile_name = named or _implicit_profile(document)
    merged = _merge(document, _choose_profile(document, profile_name, path))
    if merged.get("auth") != "oauth":
        where = f"profile '{profile_name}'" if profile_name else f"the top level of {path}"
        raise ConfigError(
            f'{where} does not use OAuth: add auth = "oauth" to it (see docs/oauth.md), or keep using an API key.'
        )
    api_url = _layered(BY_NAME["api_url"], flags, env, merged) or DEFAULT_API_URL
    try:
        api_url = check_api_url(api_url, source=_url_source(flags, env, merged, profile_name, path))
        return _sign_in_parts(api_url, profile_name, merged)
    except KeyPolicyError as exc:
        raise ConfigError(str(exc)) from None


def _sign_in_parts(api_url: str, profile: str | None, merged: Layer) -> SignInSettings:
    from cftui.auth.endpoints import resolve_endpoints
    from cftui.auth.store import StoreError, open_store

    endpoints = resolve_endpoints(
        api_url,
        profile=profile,
        client_id=merged.get("oauth_client_id"),
        auth_url=merged.get("auth_url"),
        token_url=merged.get("token_url"),
        revoke_url=merged.get("revoke_url"),
        userinfo_url=merged.get("userinfo_url"),
        scope=merged.get("oauth_scope"),
    )
    try:
        store = open_store(endpoints.profile_label, merged.get("token_store") or "auto")
    except StoreError as exc:
        raise ConfigError(str(exc)) from None
    return SignInSettings(api_url, endpoints, store)


def _uses_oauth(
    flags: Mapping[str, Any],
    env: Mapping[str, str],
    merged: Layer,
    profile: Layer | None,
    profile_name: str | None,
    path: Path,
) -> bool:
    """A key from a flag or the environment beats `auth = "oauth"` (flags > env > profile); in the profile
    file, naming both a key and auth = "oauth" is refused as ambiguous."""
    if flags.get("api_key_file") or env.get("CLOUDFORGE_API_KEY", "").strip():
        return False
    if merged.get("auth") != "oauth":
        return False
    keys = [name for name in KEY_FIELDS if merged.get(name) is not None]
    if keys:
        label = _scope_label(profile_name, path, profile is not None)
        raise ConfigError(f'{label} sets auth = "oauth" and {keys[0]}; keep only one way to sign in.')
    return True


def _signed_in(api_url: str, profile: str | None, merged: Layer) -> tuple[BearerProvider, str]:
    from cftui.auth.credential import OAuthCredential
    from cftui.auth.store import StoreError

    try:
        parts = _sign_in_parts(api_url, profile, merged)
        tokens = parts.store.load()
    except (StoreError, KeyPolicyError) as exc:
        raise ConfigError(str(exc)) from None
    command = parts.endpoints.login_command
    label = parts.endpoints.profile_label
    if tokens is None:
        raise ConfigError(f"Not signed in to CloudForge for profile '{label}': run {command}.")
    if tokens.token_url != parts.endpoints.token_url or tokens.client_id != parts.endpoints.client_id:
        raise ConfigError(
            f"The stored sign-in of profile '{label}' was made with another authorization server or client "
            f"({tokens.token_url}); run {command}."
        )
    return OAuthCredential(parts.endpoints, parts.store, tokens), command


def config_path(environ: Mapping[str, str]) -> Path:
    """`$CFTUI_CONFIG`, else `config.toml` in the user's config directory (platformdirs: on Linux
    `$XDG_CONFIG_HOME/cftui`, by default `~/.config/cftui`)."""
    if environ.get("CFTUI_CONFIG"):
        return Path(environ["CFTUI_CONFIG"]).expanduser()
    from platformdirs import user_config_path

    return user_config_path("cftui") / "config.toml"


def _layered(setting: Setting, flags: Mapping[str, Any], env: Mapping[str, str], merged: Layer) -> Any:
    """The setting's value from the first layer that has it: its flag, its environment variable, the profile."""
    given = flags.get(setting.dest)
    if setting.flag is not None and setting.action != "append" and _was_given(given):
        if setting.action in ("true", "false"):
            return setting.action == "true"
        return _checked_flag(setting, given)
    if setting.env is not None and env.get(setting.env):
        return env[setting.env]
    value = merged.get(setting.name)
    return float(value) if setting.kind is float and value is not None else value


def _read_config(path: Path, *, explicit: bool) -> Document:
    if not path.exists():
        if explicit:
            raise ConfigError(f"The config file {path} named by CFTUI_CONFIG does not exist.")
        return Document()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"The config file {path} is not valid TOML: {exc}.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"The config file {path} cannot be read: {exc}.") from None
    try:
        valid = ConfigFile.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(_describe_validation(exc, path)) from None
    top = valid.model_dump(exclude_none=True)
    document = Document(top=top, profiles=top.pop("profiles", {}), default_profile=top.pop("default_profile", None))
    if _holds_key(document):
        _require_private(path, what="holds an api_key")
    if any("webhook_secret" in layer for layer in (document.top, *document.profiles.values())):
        _require_private(path, what="holds a webhook_secret")
    return document


def _describe_validation(exc: ValidationError, path: Path) -> str:
    problems = []
    for error in exc.errors()[:5]:
        name = ".".join(str(part) for part in error["loc"]) or "(top level)"
        given = error.get("input")
        secret = "api_key" in name or "secret" in name
        shown = "" if isinstance(given, dict) or secret else f" (got {given!r})"
        message = error["msg"].replace("Extra inputs are not permitted", "is not a known setting")
        problems.append(f"field '{name}': {message}{shown}")
    return f"The config file {path} has {'an invalid field' if len(problems) == 1 else 'invalid fields'}: " + (
        "; ".join(problems) + "."
    )


def _holds_key(document: Document) -> bool:
    return any("api_key" in layer for layer in (document.top, *document.profiles.values()))


def _require_private(path: Path, *, what: str) -> None:
    """A file holding a key must not be readable by group or others (POSIX only)."""
    if os.name != "posix":
        return
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise ConfigError(f"Cannot check the permissions of {path}: {exc}.") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError(
            f"{path} {what} but is readable by other users (mode {stat.S_IMODE(mode):04o}); "
            f"fix it with: chmod 600 {shlex.quote(str(path))}"
        )


def _choose_profile(document: Document, name: str | None, path: Path) -> Layer | None:
    if name is None:
        return None
    if name not in document.profiles:
        known = ", ".join(sorted(document.profiles)) or "none"
        if not path.exists():
            raise ConfigError(f"There is no config file at {path}, so no profile '{name}'.")
        raise ConfigError(f"Profile '{name}' is not defined in the config file {path}; profiles there: {known}.")
    return document.profiles[name]


def _merge(document: Document, profile: Layer | None) -> Layer:
    """Top-level fields, overridden by the profile's. Key fields travel as a group: a profile that names any
    key source replaces the top level's."""
    base = dict(document.top)
    if profile is not None:
        for group in (SIGN_IN_FIELDS, WEBHOOK_SECRET_FIELDS):
            if any(name in profile for name in group):
                for name in group:
                    base.pop(name, None)
        base.update(profile)
    return base


def _scope_label(profile_name: str | None, path: Path, uses_profile: bool) -> str:
    return f"profile '{profile_name}'" if uses_profile else f"the config file {path}"


def _url_source(
    flags: Mapping[str, Any], env: Mapping[str, str], merged: Layer, profile: str | None, path: Path
) -> str:
    if flags.get("api_url"):
        return "--api-url"
    if env.get("CLOUDFORGE_API_URL"):
        return "CLOUDFORGE_API_URL"
    if merged.get("api_url"):
        return f"api_url in {_scope_label(profile, path, profile is not None)}"
    return "the default API URL"


def _find_key(
    flags: Mapping[str, Any],
    env: Mapping[str, str],
    document: Document,
    profile: Layer | None,
    profile_name: str | None,
    path: Path,
) -> tuple[str, str]:
    """The secret and a description of where it came from (for messages)."""
    if flags.get("api_key_file"):
        key_path = Path(flags["api_key_file"]).expanduser()
        return _read_key_file(key_path, "--api-key-file"), f"--api-key-file {key_path}"
    if env.get("CLOUDFORGE_API_KEY", "").strip():
        return env["CLOUDFORGE_API_KEY"], "CLOUDFORGE_API_KEY"
    in_profile = profile is not None and any(name in profile for name in KEY_FIELDS)
    scope = profile if profile is not None and in_profile else document.top
    label = _scope_label(profile_name, path, in_profile)
    defined = [name for name in KEY_FIELDS if name in scope]
    if len(defined) > 1:
        raise ConfigError(f"{label} in {path} sets {' and '.join(defined)}; keep only one of them.")
    if "api_key" in scope:
        return scope["api_key"], f"{label} (api_key)"
    if "api_key_file" in scope:
        key_path = Path(scope["api_key_file"]).expanduser()
        key_path = key_path if key_path.is_absolute() else path.parent / key_path
        return _read_key_file(key_path, f"api_key_file in {label}"), f"{label} (api_key_file {key_path})"
    if "api_key_command" in scope:
        return _run_key_command(scope["api_key_command"], label), f"{label} (api_key_command)"
    unchosen = _unchosen_note(document, profile_name, path)
    if unchosen is not None:
        raise ConfigError(f"No API key found. {unchosen}")
    if profile is not None:
        raise ConfigError(
            f"No API key found: profile '{profile_name}' in {path} sets none of api_key, api_key_file, "
            "api_key_command, and neither does the file's top level. Add one to the profile, set "
            "CLOUDFORGE_API_KEY or pass --api-key-file PATH."
        )
    raise ConfigError(
        "No API key found: set CLOUDFORGE_API_KEY, pass --api-key-file PATH, or add api_key_command (or "
        f"api_key_file) to a profile in {path}. To try cftui without a key, run `cftui --demo`."
    )


def _implicit_profile(document: Document) -> str | None:
    """Like the AWS CLI: with no profile named, the one called `default`, else the only one there is."""
    if "default" in document.profiles:
        return "default"
    if len(document.profiles) == 1:
        return next(iter(document.profiles))
    return None


def _unchosen_note(document: Document, profile_name: str | None, path: Path) -> str | None:
    """What to say when the file has several profiles and none is chosen (only its top level is then used)."""
    if profile_name is not None or len(document.profiles) < 2:
        return None
    names = ", ".join(sorted(document.profiles))
    return (
        f"The config file {path} defines the profiles {names} and none is chosen, so only its top-level fields "
        'apply. Choose one with --profile NAME or CFTUI_PROFILE=NAME, or put default_profile = "NAME" at the '
        "top of the file (a profile named default is used when none is chosen)."
    )


def _read_key_file(path: Path, named_by: str) -> str:
    if not path.is_file():
        raise ConfigError(f"The key file {path} named by {named_by} does not exist or is not a file.")
    _require_private(path, what="holds an API key")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"The key file {path} cannot be read: {exc}.") from None
    return _first_line(text)


def _run_key_command(command: str | list[str], label: str, *, what: str = "api_key_command") -> str:
    source = f"The {what} of {label}"
    try:
        argv = shlex.split(command) if isinstance(command, str) else list(command)
    except ValueError as exc:
        raise ConfigError(f"{source} cannot be split into words: {exc}.") from None
    if not argv:
        raise ConfigError(f"{source} is empty.")
    shown = shlex.join(argv)
    try:
        done = subprocess.run(
            argv,
            capture_output=True,
            text=True,
            errors="replace",  # bytes that are not text become U+FFFD: then "not a key", never a traceback
            timeout=KEY_COMMAND_TIMEOUT_S,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except FileNotFoundError:
        raise ConfigError(f"{source} could not run: {argv[0]!r} was not found.") from None
    except PermissionError:
        raise ConfigError(f"{source} could not run: {argv[0]!r} is not executable.") from None
    except subprocess.TimeoutExpired:
        raise ConfigError(f"{source} ({shown}) did not finish within {KEY_COMMAND_TIMEOUT_S:g} s.") from None
    except OSError as exc:
        raise ConfigError(f"{source} could not run: {exc}.") from None
    if done.returncode != 0:
        said = _tail(done.stderr)
        raise ConfigError(
            f"{source} ({shown}) exited with status {done.returncode}"
            + (f": {said}" if said else " and printed nothing on stderr.")
        )
    secret = _first_line(done.stdout)
    if not secret:
        raise ConfigError(f"{source} ({shown}) printed nothing on stdout; it should print the secret.")
    return secret


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def _tail(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    return mask_key(one_line(" / ".join(lines[-3:])))[:300]


def _was_given(value: Any) -> bool:
    """An empty word or an unset switch means "not given"; 0 is given (and then refused as out of range)."""
    return value is not None and value is not False and value != ""


def _checked_flag(setting: Setting, value: Any) -> Any:
    """A number given as a flag, within the setting's bounds (the file's values are checked by the schema)."""
    if not isinstance(value, int | float):
        return value
    lower, upper = setting.gt, setting.le
    if not math.isfinite(value) or (lower is not None and value <= lower) or (upper is not None and value > upper):
        bound = f"between {lower:g} (excluded) and {upper:g}" if upper is not None else f"greater than {lower:g}"
        raise ConfigError(f"{setting.flag} {value:g} is out of range: it must be {bound}.")
    return float(value) if setting.kind is float else value


def _webhook_settings(
    flags: Mapping[str, Any], env: Mapping[str, str], merged: Layer, profile: str | None, path: Path
) -> tuple[str | None, str | None]:
    """The receiver's address (`--webhook-listen` > CFTUI_WEBHOOK_LISTEN > profile) and its secret
    (CFTUI_WEBHOOK_SECRET > profile's webhook_secret / _file / _command). No address: no receiver."""
    from cftui.monitor.push_listen import ListenError, parse_listen

    listen_setting, secret_setting = BY_NAME["webhook_listen"], BY_NAME["webhook_secret"]
    raw = _layered(listen_setting, flags, env, merged)
    if not raw:
        return None, None
    if _was_given(flags.get(listen_setting.dest)):
        source = "--webhook-listen"
    else:
        source = str(listen_setting.env) if env.get(str(listen_setting.env)) else "webhook_listen"
    try:
        listen = str(parse_listen(str(raw)))
    except ListenError as exc:
        raise ConfigError(f"{source}: {exc}.") from None
    label = _scope_label(profile, path, profile is not None)
    from_env = env.get(str(secret_setting.env), "").strip()
    if from_env:
        secret, where = from_env, str(secret_setting.env)
    else:
        defined = [name for name in WEBHOOK_SECRET_FIELDS if merged.get(name) is not None]
        if len(defined) > 1:
            raise ConfigError(f"{label} in {path} sets {' and '.join(defined)}; keep only one of them.")
        if not defined:
            raise ConfigError(
                f"{source} needs the webhook's shared secret, to check each delivery's signature: set "
                f"{secret_setting.env}, or webhook_secret_command (or webhook_secret_file, or webhook_secret) "
                f"in {path}."
            )
        where = f"{defined[0]} in {label}"
        if merged.get("webhook_secret") is not None:
            secret = str(merged["webhook_secret"]).strip()
        elif merged.get("webhook_secret_file") is not None:
            secret_path = Path(merged["webhook_secret_file"]).expanduser()
            secret_path = secret_path if secret_path.is_absolute() else path.parent / secret_path
            secret = _read_secret_file(secret_path, where)
        else:
            secret = _run_key_command(merged["webhook_secret_command"], label, what="webhook_secret_command")
    if len(secret) < MIN_WEBHOOK_SECRET:
        raise ConfigError(
            f"The webhook secret from {where} is too short: use at least {MIN_WEBHOOK_SECRET} characters."
        )
    return listen, secret


def _read_secret_file(path: Path, named_by: str) -> str:
    if not path.is_file():
        raise ConfigError(f"The secret file {path} named by {named_by} does not exist or is not a file.")
    _require_private(path, what="holds a webhook secret")
    try:
        return _first_line(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"The secret file {path} cannot be read: {exc}.") from None
