"""Every user setting, declared once: its profile field, its command-line flag and its environment variable.

`cftui.config` builds the profile file's schema from `SETTINGS` and resolves each setting through the layers
(flag > environment > profile > default); `cftui.cli` builds the flags from it. To add a setting, add one
`Setting` here and the field of the same name to `cftui.config.settings.Settings`. This module imports nothing heavy:
the command line reads it before any sub-command runs.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

FlagAction = Literal["value", "true", "false", "append"]

CONNECTION = "connection settings"  # accepted by every command that talks to the API
DASHBOARD = "dashboard"  # accepted by the dashboard (`cftui` with no sub-command)


@dataclass(frozen=True)
class Setting:
    """One setting. `kind` is the profile field's type (validated strictly; None is always allowed, meaning
    "not set"); `gt`/`ge`/`le` bound a number, or each value of a table. `flag`, `env` and `in_file` say where
    else it may be given; `group` is the help section (and which commands accept) the flag."""

    name: str
    kind: object
    help: str
    flag: str | None = None
    metavar: str | None = None
    action: FlagAction = "value"  # "true"/"false": a switch that sets True/False; "append": repeatable
    group: str = CONNECTION
    env: str | None = None
    in_file: bool = True  # a field of the profile file (False: flag/environment only)
    gt: float | None = None
    ge: float | None = None
    le: float | None = None

    @property
    def dest(self) -> str:
        """The argparse attribute holding the flag's value (`--no-history` -> `no_history`)."""
        return (self.flag or self.name).lstrip("-").replace("-", "_")

    @property
    def flag_type(self) -> Callable[[str], Any]:
        """What argparse converts a flag's word to (numbers; everything else stays text)."""
        return float if self.kind is float else int if self.kind is int else str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "profile",
        str,
        "profile from the config file",
        flag="--profile",
        metavar="NAME",
        env="CFTUI_PROFILE",
        in_file=False,
    ),
    Setting(
        "api_url",
        str,
        "base URL including /v2",
        flag="--api-url",
        metavar="URL",
        env="CLOUDFORGE_API_URL",
    ),
    Setting("api_key", str, "the API key itself (the file must then be chmod 600)", env="CLOUDFORGE_API_KEY"),
    Setting(
        "api_key_file",
        str,
        "read the API key from this file (mode 0600)",
        flag="--api-key-file",
        metavar="PATH",
    ),
    Setting("api_key_command", str | list[str], "a command whose stdout's first line is the API key"),
    Setting("interval", float, "base refresh interval", flag="--interval", metavar="SECONDS", gt=0),
    Setting(
        "budget",
        float,
        "fraction of the rate limit cftui may use (default 0.5)",
        flag="--budget",
        metavar="FRACTION",
        gt=0,
        le=1,
    ),
    Setting("theme", str, "colour theme (see the command palette)", flag="--theme", metavar="NAME", group=DASHBOARD),
    Setting(
        "allow_live_key",
        bool,
        "accept a cf_live_ key (refused by default: cftui only reads)",
        flag="--allow-live-key",
        action="true",
    ),
    Setting(
        "history",
        bool,
        "keep no cost or event history on disk",
        flag="--no-history",
        action="false",
    ),
    Setting("bell", bool, "ring the terminal bell when a resource goes to error"),
    Setting(
        "watch_operations",
        list[str],
        "an operation to follow from the start (repeatable)",
        flag="--watch-op",
        metavar="OP_ID",
        action="append",
        group=DASHBOARD,
    ),
    Setting("cost_thresholds", dict[str, int | float], "monthly cost above which a project is flagged", ge=0),
    # the webhook receiver (push, docs/push.md); resolved by cftui.config.secret_sources.webhook_settings
    Setting(
        "webhook_listen",
        str,
        "push: receive webhooks",
        flag="--webhook-listen",
        metavar="HOST:PORT",
        env="CFTUI_WEBHOOK_LISTEN",
    ),
    Setting(
        "webhook_secret",
        str,
        "the webhook's shared secret (the file must then be chmod 600)",
        env="CFTUI_WEBHOOK_SECRET",
    ),
    Setting("webhook_secret_file", str, "read the webhook's shared secret from this file (mode 0600)"),
    Setting("webhook_secret_command", str | list[str], "a command whose stdout's first line is the webhook secret"),
    # OAuth 2.0 sign-in (`cftui login`, docs/oauth.md); resolved by cftui.config.sign_in
    Setting("auth", Literal["key", "oauth"], 'how to sign in: "key" (an API key) or "oauth" (cftui login)'),
    Setting("oauth_client_id", str, "the OAuth client id cftui is registered as (default cftui)"),
    Setting("auth_url", str, "the OAuth authorize URL (default: the reference's, or the simulator's)"),
    Setting("token_url", str, "the OAuth token URL (default: the reference's, or the simulator's)"),
    Setting("revoke_url", str, "the OAuth revocation URL, for cftui logout (default: the simulator's only)"),
    Setting("userinfo_url", str, "where to ask who signed in (default: the simulator's only)"),
    Setting("oauth_scope", str, "the scope asked for (default read, the narrowest the simulator offers)"),
    Setting("token_store", Literal["auto", "file", "keyring"], "where tokens are kept (default auto)"),
)

BY_NAME = {setting.name: setting for setting in SETTINGS}


def add_flags(
    parser: argparse.ArgumentParser, group: str, *, suppress_defaults: bool = False
) -> argparse._ArgumentGroup:
    """Add the flags of one group. With `suppress_defaults` (a sub-command) a flag not given leaves no
    attribute, so that `cftui --profile prod status` keeps the value given before the sub-command. Returns
    the help section, for flags that are not settings."""
    section = parser.add_argument_group(group)
    if suppress_defaults:
        section.argument_default = argparse.SUPPRESS
    for setting in SETTINGS:
        if setting.flag is None or setting.group != group:
            continue
        text = setting.help + (f" (env {setting.env})" if setting.env else "")
        if setting.action == "true" or setting.action == "false":
            section.add_argument(setting.flag, action="store_true", help=text)
        elif setting.action == "append":
            default: Any = argparse.SUPPRESS if suppress_defaults else []
            section.add_argument(setting.flag, action="append", default=default, metavar=setting.metavar, help=text)
        else:
            section.add_argument(setting.flag, type=setting.flag_type, metavar=setting.metavar, help=text)
    return section
