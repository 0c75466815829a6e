"""The config file: where it is, reading it against a strict schema built from the spec, the permissions a
file holding a secret must have, and which profile applies, merged over the file's top level.

The file is TOML at `<user config dir>/cftui/config.toml` (or `$CFTUI_CONFIG`): top-level fields apply to every
profile, `[profiles.NAME]` tables override them, `default_profile` names the one used when neither `--profile`
nor `CFTUI_PROFILE` does.
"""

from __future__ import annotations

import os
import shlex
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from cftui.config.errors import ConfigError
from cftui.settings_spec import SETTINGS, Setting

KEY_FIELDS = ("api_key", "api_key_file", "api_key_command")
SIGN_IN_FIELDS = (*KEY_FIELDS, "auth")  # travel as a group: a profile naming any of them replaces the top level's
WEBHOOK_SECRET_FIELDS = ("webhook_secret", "webhook_secret_file", "webhook_secret_command")


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
class Document:
    """The config file, validated: the top level's fields, each profile's, and `default_profile`."""

    top: Layer = field(default_factory=dict)
    profiles: dict[str, Layer] = field(default_factory=dict)
    default_profile: str | None = None


def config_path(environ: Mapping[str, str]) -> Path:
    """`$CFTUI_CONFIG`, else `config.toml` in the user's config directory (platformdirs: on Linux
    `$XDG_CONFIG_HOME/cftui`, by default `~/.config/cftui`)."""
    if environ.get("CFTUI_CONFIG"):
        return Path(environ["CFTUI_CONFIG"]).expanduser()
    from platformdirs import user_config_path

    return user_config_path("cftui") / "config.toml"


def read_config(path: Path, *, explicit: bool) -> Document:
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
        require_private(path, what="holds an api_key")
    if any("webhook_secret" in layer for layer in (document.top, *document.profiles.values())):
        require_private(path, what="holds a webhook_secret")
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


def require_private(path: Path, *, what: str) -> None:
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


def choose_profile(document: Document, name: str | None, path: Path) -> Layer | None:
    if name is None:
        return None
    if name not in document.profiles:
        known = ", ".join(sorted(document.profiles)) or "none"
        if not path.exists():
            raise ConfigError(f"There is no config file at {path}, so no profile '{name}'.")
        raise ConfigError(f"Profile '{name}' is not defined in the config file {path}; profiles there: {known}.")
    return document.profiles[name]


def merge(document: Document, profile: Layer | None) -> Layer:
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


def implicit_profile(document: Document) -> str | None:
    """Like the AWS CLI: with no profile named, the one called `default`, else the only one there is."""
    if "default" in document.profiles:
        return "default"
    if len(document.profiles) == 1:
        return next(iter(document.profiles))
    return None


def unchosen_note(document: Document, profile_name: str | None, path: Path) -> str | None:
    """What to say when the file has several profiles and none is chosen (only its top level is then used)."""
    if profile_name is not None or len(document.profiles) < 2:
        return None
    names = ", ".join(sorted(document.profiles))
    return (
        f"The config file {path} defines the profiles {names} and none is chosen, so only its top-level fields "
        'apply. Choose one with --profile NAME or CFTUI_PROFILE=NAME, or put default_profile = "NAME" at the '
        "top of the file (a profile named default is used when none is chosen)."
    )
