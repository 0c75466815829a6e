"""Where secrets come from: the API key (`--api-key-file`, CLOUDFORGE_API_KEY, or the profile's `api_key` /
`api_key_file` / `api_key_command`) and the webhook receiver's shared secret, read from a private file or the
first line a command prints. Secrets never appear in an error message."""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path

from cftui.api.keys import mask_key
from cftui.api.sanitize import one_line
from cftui.config.document import KEY_FIELDS, WEBHOOK_SECRET_FIELDS, require_private, unchosen_note
from cftui.config.errors import ConfigError
from cftui.config.layers import Layers, was_given
from cftui.settings_spec import BY_NAME

KEY_COMMAND_TIMEOUT_S = 10.0
MIN_WEBHOOK_SECRET = 16  # characters: a short shared secret can be guessed offline from one signed delivery


def key_outside_file(layers: Layers) -> bool:
    """A key given by flag or environment: it beats anything the config file says about signing in."""
    return bool(layers.flags.get(BY_NAME["api_key_file"].dest) or _key_env(layers))


def _key_env(layers: Layers) -> str:
    return layers.env.get(str(BY_NAME["api_key"].env), "").strip()


def find_key(layers: Layers) -> tuple[str, str]:
    """The secret and a description of where it came from (for messages)."""
    file_flag, key_env = BY_NAME["api_key_file"], str(BY_NAME["api_key"].env)
    if layers.flags.get(file_flag.dest):
        key_path = Path(layers.flags[file_flag.dest]).expanduser()
        return _read_key_file(key_path, str(file_flag.flag)), f"{file_flag.flag} {key_path}"
    if _key_env(layers):
        return layers.env[key_env], key_env
    profile, path = layers.profile, layers.path
    in_profile = profile is not None and any(name in profile for name in KEY_FIELDS)
    scope = profile if profile is not None and in_profile else layers.document.top
    label = layers.scope(in_profile)
    _only_one([name for name in KEY_FIELDS if name in scope], label, path)
    if "api_key" in scope:
        return scope["api_key"], f"{label} (api_key)"
    if "api_key_file" in scope:
        key_path = _beside(path, scope["api_key_file"])
        return _read_key_file(key_path, f"api_key_file in {label}"), f"{label} (api_key_file {key_path})"
    if "api_key_command" in scope:
        return run_secret_command(scope["api_key_command"], label), f"{label} (api_key_command)"
    unchosen = unchosen_note(layers.document, layers.profile_name, path)
    if unchosen is not None:
        raise ConfigError(f"No API key found. {unchosen}")
    if profile is not None:
        raise ConfigError(
            f"No API key found: profile '{layers.profile_name}' in {path} sets none of api_key, api_key_file, "
            "api_key_command, and neither does the file's top level. Add one to the profile, set "
            "CLOUDFORGE_API_KEY or pass --api-key-file PATH."
        )
    raise ConfigError(
        "No API key found: set CLOUDFORGE_API_KEY, pass --api-key-file PATH, or add api_key_command (or "
        f"api_key_file) to a profile in {path}. To try cftui without a key, run `cftui --demo`."
    )


def webhook_settings(layers: Layers) -> tuple[str | None, str | None]:
    """The receiver's address (`--webhook-listen` > CFTUI_WEBHOOK_LISTEN > profile) and its secret
    (CFTUI_WEBHOOK_SECRET > profile's webhook_secret / _file / _command). No address: no receiver."""
    from cftui.monitor.push_listen import ListenError, parse_listen

    listen_setting, secret_setting = BY_NAME["webhook_listen"], BY_NAME["webhook_secret"]
    raw = layers.value(listen_setting)
    if not raw:
        return None, None
    if was_given(layers.flags.get(listen_setting.dest)):
        source = str(listen_setting.flag)
    else:
        source = str(listen_setting.env) if layers.env.get(str(listen_setting.env)) else listen_setting.name
    try:
        listen = str(parse_listen(str(raw)))
    except ListenError as exc:
        raise ConfigError(f"{source}: {exc}.") from None
    label, merged, path = layers.scope(), layers.merged, layers.path
    from_env = layers.env.get(str(secret_setting.env), "").strip()
    if from_env:
        secret, where = from_env, str(secret_setting.env)
    else:
        defined = [name for name in WEBHOOK_SECRET_FIELDS if merged.get(name) is not None]
        _only_one(defined, label, path)
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
            secret_path = _beside(path, merged["webhook_secret_file"])
            secret = _read_secret_file(secret_path, where, noun="secret", holds="a webhook secret")
        else:
            secret = run_secret_command(merged["webhook_secret_command"], label, what="webhook_secret_command")
    if len(secret) < MIN_WEBHOOK_SECRET:
        raise ConfigError(
            f"The webhook secret from {where} is too short: use at least {MIN_WEBHOOK_SECRET} characters."
        )
    return listen, secret


def _only_one(defined: list[str], label: str, path: Path) -> None:
    """Two sources of one secret in one place are refused: which one wins would be a guess."""
    if len(defined) > 1:
        raise ConfigError(f"{label} in {path} sets {' and '.join(defined)}; keep only one of them.")


def _beside(config_file: Path, named: str) -> Path:
    """A file named in the config file: a relative path is relative to the config file's folder."""
    given = Path(named).expanduser()
    return given if given.is_absolute() else config_file.parent / given


def _read_key_file(path: Path, named_by: str) -> str:
    return _read_secret_file(path, named_by, noun="key", holds="an API key")


def _read_secret_file(path: Path, named_by: str, *, noun: str, holds: str) -> str:
    """The first non-blank line of a private file (`chmod 600`)."""
    if not path.is_file():
        raise ConfigError(f"The {noun} file {path} named by {named_by} does not exist or is not a file.")
    require_private(path, what=f"holds {holds}")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"The {noun} file {path} cannot be read: {exc}.") from None
    return _first_line(text)


def run_secret_command(command: str | list[str], label: str, *, what: str = "api_key_command") -> str:
    """The first non-blank line the command prints on stdout (within `KEY_COMMAND_TIMEOUT_S`)."""
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
