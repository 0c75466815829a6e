"""Where one run's settings come from, and which layer wins: the flags given, then the environment, then the
chosen profile of the config file (merged over the file's top level), then the default."""

from __future__ import annotations

import argparse
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cftui.config.document import Document, Layer, choose_profile, config_path, implicit_profile, merge, read_config
from cftui.config.errors import ConfigError
from cftui.settings_spec import BY_NAME, Setting

DEFAULT_API_URL = "https://api.cloudforge.novatech.com/v2"


@dataclass(frozen=True)
class Layers:
    """The layers of one run: flags, environment, the config file, the profile chosen in it."""

    flags: Mapping[str, Any]
    env: Mapping[str, str]
    path: Path  # the config file (it may not exist)
    document: Document
    profile_name: str | None
    profile: Layer | None  # the chosen profile's own fields; None when no profile applies
    merged: Layer  # the file's top level with the profile's fields over it

    @classmethod
    def read(cls, args: argparse.Namespace | None, environ: Mapping[str, str] | None) -> Layers:
        """Read the config file and choose its profile: `--profile` > CFTUI_PROFILE > `default_profile` >
        the implicit one (`implicit_profile`)."""
        env = os.environ if environ is None else environ
        flags = vars(args) if args is not None else {}
        path = config_path(env)
        document = read_config(path, explicit="CFTUI_CONFIG" in env)
        named = layered(BY_NAME["profile"], flags, env, {}) or document.default_profile
        profile_name = named or implicit_profile(document)
        profile = choose_profile(document, profile_name, path)
        return cls(flags, env, path, document, profile_name, profile, merge(document, profile))

    def value(self, setting: Setting) -> Any:
        return layered(setting, self.flags, self.env, self.merged)

    def scope(self, uses_profile: bool | None = None) -> str:
        """How messages name where a file field was set: the profile, or the file (its top level)."""
        in_profile = self.profile_name is not None if uses_profile is None else uses_profile
        return f"profile '{self.profile_name}'" if in_profile else f"the config file {self.path}"

    def api_url(self) -> tuple[str, str]:
        """The API URL before its checks, and where it came from (for messages)."""
        setting = BY_NAME["api_url"]
        url = self.value(setting) or DEFAULT_API_URL
        if self.flags.get(setting.dest):
            return url, str(setting.flag)
        if self.env.get(str(setting.env)):
            return url, str(setting.env)
        if self.merged.get(setting.name):
            return url, f"{setting.name} in {self.scope()}"
        return url, "the default API URL"


def layered(setting: Setting, flags: Mapping[str, Any], env: Mapping[str, str], merged: Layer) -> Any:
    """The setting's value from the first layer that has it: its flag, its environment variable, the profile."""
    given = flags.get(setting.dest)
    if setting.flag is not None and setting.action != "append" and was_given(given):
        if setting.action in ("true", "false"):
            return setting.action == "true"
        return _checked_flag(setting, given)
    if setting.env is not None and env.get(setting.env):
        return env[setting.env]
    value = merged.get(setting.name)
    return float(value) if setting.kind is float and value is not None else value


def was_given(value: Any) -> bool:
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
