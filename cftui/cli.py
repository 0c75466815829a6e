"""The `cftui` command line: the dashboard by default, and sub-commands.

Each sub-command lives in a module that offers `add_arguments(parser)` and `run(args) -> int`; only the
chosen one is imported, and it keeps heavy imports inside `run()`, so that start-up stays fast. The
dashboard's module (`cftui.ui.launch`) offers `run(args) -> int`; its flags are defined here.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from cftui import __version__
from cftui.settings_spec import CONNECTION, DASHBOARD, add_flags

# name -> (module, one-line help). The dashboard itself is `cftui.ui.launch`.
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "sim": ("cftui.sim.cli", "run the CloudForge simulator (a real HTTP server on loopback)"),
    "status": ("cftui.headless.status", "print one snapshot of projects; exit 0 healthy, 1 error, 2 failure"),
    "watch": ("cftui.headless.watch", "follow operations to their end; exit 0 completed, 1 failed, 2 failure"),
    "events": ("cftui.headless.events", "print change events as they happen, one per line"),
    "login": ("cftui.auth.login", "sign in with OAuth 2.0 (PKCE; paste-back over SSH); --status says who"),
    "logout": ("cftui.auth.logout", "revoke and delete the stored OAuth tokens"),
}
DASHBOARD_MODULE = "cftui.ui.launch"


def add_settings_arguments(parser: argparse.ArgumentParser, *, on_subcommand: bool = False) -> None:
    """Flags shared by every command that talks to the API (flags beat environment beat profile).

    They are accepted before and after a sub-command's name; on a sub-command their defaults are
    suppressed so that `cftui --profile prod status` keeps the value given first.
    """
    add_flags(parser, CONNECTION, suppress_defaults=on_subcommand)


def add_dashboard_arguments(parser: argparse.ArgumentParser) -> None:
    add_flags(parser, DASHBOARD).add_argument(
        "--demo", action="store_true", help="start the bundled simulator and open the dashboard on it"
    )


def _load(module_name: str):
    return importlib.import_module(module_name)


def _chosen_subcommand(argv: Sequence[str]) -> str | None:
    """The sub-command named in argv, found before parsing so only its module is imported."""
    return next((arg for arg in argv if arg in SUBCOMMANDS), None)


def build_parser(argv: Sequence[str] = ()) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cftui",
        description="Terminal dashboard for the CloudForge API v2.",
        epilog="Run `cftui --demo` to try it on the bundled simulator.",
    )
    parser.add_argument("--version", action="version", version=f"cftui {__version__}")
    add_settings_arguments(parser)
    add_dashboard_arguments(parser)
    parser.set_defaults(command_module=DASHBOARD_MODULE)

    chosen = _chosen_subcommand(argv)
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    for name, (module_name, help_text) in SUBCOMMANDS.items():
        sub = subparsers.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(command_module=module_name)
        if name != chosen:
            continue
        if name != "sim":
            add_settings_arguments(sub, on_subcommand=True)
        _load(module_name).add_arguments(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(argv).parse_args(argv)
    try:
        return int(_load(args.command_module).run(args) or 0)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
