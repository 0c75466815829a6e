"""One `Settings` from flags > environment > profile file > defaults, with the key policy applied.

The profile file is TOML at `$XDG_CONFIG_HOME/cftui/config.toml` (or `$CFTUI_CONFIG`): top-level fields apply
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
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from cftui.api.keys import ApiKey, KeyPolicyError, api_url_warning, check_api_url, mask_key
from cftui.api.sanitize import one_line

__all__ = ["DEFAULT_API_URL", "ApiKey", "ConfigError", "Settings", "config_path", "mask_key"]

DEFAULT_API_URL = "https://api.cloudforge.novatech.com/v2"
KEY_COMMAND_TIMEOUT_S = 10.0
KEY_FIELDS = ("api_key", "api_key_file", "api_key_command")


class ConfigError(Exception):
    """Settings cftui cannot use. The message is a sentence that says what to change (keys masked)."""

    def __init__(self, message: str) -> None:
        super().__init__(mask_key(message))


Positive = Annotated[float, Field(gt=0)]
Fraction = Annotated[float, Field(gt=0, le=1)]
NonNegative = Annotated[int | float, Field(ge=0)]


class ProfileFields(BaseModel):
    """What a profile (or the file's top level) may set. Unknown fields are refused: they are usually typos."""

    model_config = ConfigDict(extra="forbid", strict=True)

    api_url: str | None = None
    api_key: str | None = None
    api_key_file: str | None = None
    api_key_command: str | list[str] | None = None
    interval: Positive | None = None
    budget: Fraction | None = None
    theme: str | None = None
    allow_live_key: bool | None = None
    history: bool | None = None
    bell: bool | None = None
    watch_operations: list[str] | None = None
    cost_thresholds: dict[str, NonNegative] | None = None


class ConfigFile(ProfileFields):
    default_profile: str | None = None
    profiles: dict[str, ProfileFields] = Field(default_factory=dict)


@dataclass(frozen=True)
class Settings:
    api_url: str
    api_key: ApiKey
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
        profile_name = flags.get("profile") or env.get("CFTUI_PROFILE") or document.default_profile
        chosen = _choose_profile(document, profile_name, path)
        merged = _merge(document, chosen)

        api_url = flags.get("api_url") or env.get("CLOUDFORGE_API_URL") or merged.api_url or DEFAULT_API_URL
        url_source = _url_source(flags, env, merged, profile_name, path)
        allow_live = bool(flags.get("allow_live_key")) or bool(merged.allow_live_key)
        secret, key_source = _find_key(flags, env, document, chosen, profile_name, path)
        try:
            api_url = check_api_url(api_url, source=url_source)
            url_warning = api_url_warning(api_url, source=url_source)
            key = ApiKey.parse(secret, source=key_source, allow_live=allow_live)
        except KeyPolicyError as exc:
            raise ConfigError(str(exc)) from None

        interval = _flag_number(flags, "interval", "--interval", merged.interval, 5.0, upper=None)
        budget = _flag_number(flags, "budget", "--budget", merged.budget, 0.5, upper=1.0)
        watch = [*(merged.watch_operations or ()), *(flags.get("watch_op") or ())]
        return cls(
            api_url=api_url,
            api_key=key,
            profile=profile_name,
            interval=interval,
            budget=budget,
            theme=flags.get("theme") or merged.theme,
            allow_live_key=allow_live,
            history=not flags.get("no_history") and merged.history is not False,
            watch_operations=tuple(dict.fromkeys(op.strip() for op in watch if op.strip())),
            cost_thresholds={name: Decimal(str(v)) for name, v in (merged.cost_thresholds or {}).items()},
            bell=bool(merged.bell),
            key_source=key_source,
            config_file=path if path.exists() else None,
            warnings=(url_warning,) if url_warning else (),
            history_name=flags.get("history_name") or None,
        )


def config_path(environ: Mapping[str, str]) -> Path:
    """`$CFTUI_CONFIG`, else `$XDG_CONFIG_HOME/cftui/config.toml` (XDG default `~/.config`)."""
    if environ.get("CFTUI_CONFIG"):
        return Path(environ["CFTUI_CONFIG"]).expanduser()
    base = environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base).expanduser() / "cftui" / "config.toml"


def _read_config(path: Path, *, explicit: bool) -> ConfigFile:
    if not path.exists():
        if explicit:
            raise ConfigError(f"The config file {path} named by CFTUI_CONFIG does not exist.")
        return ConfigFile()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"The config file {path} is not valid TOML: {exc}.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"The config file {path} cannot be read: {exc}.") from None
    try:
        document = ConfigFile.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(_describe_validation(exc, path)) from None
    if _holds_key(document):
        _require_private(path, what="holds an api_key")
    return document


def _describe_validation(exc: ValidationError, path: Path) -> str:
    problems = []
    for error in exc.errors()[:5]:
        name = ".".join(str(part) for part in error["loc"]) or "(top level)"
        given = error.get("input")
        shown = "" if isinstance(given, dict) or "api_key" in name else f" (got {given!r})"
        message = error["msg"].replace("Extra inputs are not permitted", "is not a known setting")
        problems.append(f"field '{name}': {message}{shown}")
    return f"The config file {path} has {'an invalid field' if len(problems) == 1 else 'invalid fields'}: " + (
        "; ".join(problems) + "."
    )


def _holds_key(document: ConfigFile) -> bool:
    return document.api_key is not None or any(p.api_key is not None for p in document.profiles.values())


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


def _choose_profile(document: ConfigFile, name: str | None, path: Path) -> ProfileFields | None:
    if name is None:
        return None
    if name not in document.profiles:
        known = ", ".join(sorted(document.profiles)) or "none"
        if not path.exists():
            raise ConfigError(f"There is no config file at {path}, so no profile '{name}'.")
        raise ConfigError(f"Profile '{name}' is not defined in the config file {path}; profiles there: {known}.")
    return document.profiles[name]


def _merge(document: ConfigFile, profile: ProfileFields | None) -> ProfileFields:
    """Top-level fields, overridden by the profile's. Key fields travel as a group: a profile that names any
    key source replaces the top level's."""
    base = document.model_dump(include=set(ProfileFields.model_fields), exclude_none=True)
    if profile is not None:
        override = profile.model_dump(exclude_none=True)
        if any(name in override for name in KEY_FIELDS):
            for name in KEY_FIELDS:
                base.pop(name, None)
        base.update(override)
    return ProfileFields.model_construct(**base)


def _scope_label(profile_name: str | None, path: Path, uses_profile: bool) -> str:
    return f"profile '{profile_name}'" if uses_profile else f"the config file {path}"


def _url_source(
    flags: Mapping[str, Any], env: Mapping[str, str], merged: ProfileFields, profile: str | None, path: Path
) -> str:
    if flags.get("api_url"):
        return "--api-url"
    if env.get("CLOUDFORGE_API_URL"):
        return "CLOUDFORGE_API_URL"
    if merged.api_url:
        return f"api_url in {_scope_label(profile, path, profile is not None)}"
    return "the default API URL"


def _find_key(
    flags: Mapping[str, Any],
    env: Mapping[str, str],
    document: ConfigFile,
    profile: ProfileFields | None,
    profile_name: str | None,
    path: Path,
) -> tuple[str, str]:
    """The secret and a description of where it came from (for messages)."""
    if flags.get("api_key_file"):
        key_path = Path(flags["api_key_file"]).expanduser()
        return _read_key_file(key_path, "--api-key-file"), f"--api-key-file {key_path}"
    if env.get("CLOUDFORGE_API_KEY", "").strip():
        return env["CLOUDFORGE_API_KEY"], "CLOUDFORGE_API_KEY"
    in_profile = profile is not None and any(getattr(profile, name) is not None for name in KEY_FIELDS)
    scope: ProfileFields = profile if profile is not None and in_profile else document
    label = _scope_label(profile_name, path, in_profile)
    defined = [name for name in KEY_FIELDS if getattr(scope, name) is not None]
    if len(defined) > 1:
        raise ConfigError(f"{label} in {path} sets {' and '.join(defined)}; keep only one of them.")
    if scope.api_key is not None:
        return scope.api_key, f"{label} (api_key)"
    if scope.api_key_file is not None:
        key_path = Path(scope.api_key_file).expanduser()
        key_path = key_path if key_path.is_absolute() else path.parent / key_path
        return _read_key_file(key_path, f"api_key_file in {label}"), f"{label} (api_key_file {key_path})"
    if scope.api_key_command is not None:
        return _run_key_command(scope.api_key_command, label), f"{label} (api_key_command)"
    raise ConfigError(
        "No API key found: set CLOUDFORGE_API_KEY, pass --api-key-file PATH, or add api_key_command (or "
        f"api_key_file) to a profile in {path}. To try cftui without a key, run `cftui --demo`."
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


def _run_key_command(command: str | list[str], label: str) -> str:
    source = f"The api_key_command of {label}"
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
        raise ConfigError(f"{source} ({shown}) printed nothing on stdout; it should print the key.")
    return secret


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def _tail(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    return mask_key(one_line(" / ".join(lines[-3:])))[:300]


def _flag_number(
    flags: Mapping[str, Any], name: str, flag: str, profile_value: float | None, default: float, upper: float | None
) -> float:
    value = flags.get(name)
    if value is None:
        return float(profile_value) if profile_value is not None else default
    if not math.isfinite(value) or value <= 0 or (upper is not None and value > upper):
        bound = f"between 0 (excluded) and {upper:g}" if upper is not None else "greater than 0"
        raise ConfigError(f"{flag} {value:g} is out of range: it must be {bound}.")
    return float(value)
