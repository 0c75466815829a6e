"""`cftui events`: the monitor's change events as they happen, one line each, for piping into other tools.

Text lines are `<time> <kind> <project> / <summary>`; `--format jsonl` prints `ChangeEvent.to_json()` per line.
`--since 1h` first prints the recent events kept in the history (`--no-follow`: only those, then exit 0). Ends with
exit 0 on Ctrl+C, SIGTERM or a closed pipe; exit 2 when the settings or the key are refused.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from cftui.headless.durations import duration_argument
from cftui.headless.exit_codes import ExitCode

if TYPE_CHECKING:
    from cftui.config import Settings


COMMAND = "events"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-o",
        "--format",
        choices=("text", "jsonl"),
        default="text",
        help="text: `<time> <kind> <summary>`; jsonl: one JSON object per line (see docs/headless.md)",
    )
    parser.add_argument(
        "--since",
        type=duration_argument,
        default=None,
        metavar="DURATION",
        help="first print the events of this recent past from the history (e.g. 30m, 1h, 2d)",
    )
    parser.add_argument(
        "--no-follow",
        action="store_true",
        help="with --since: print that history and exit (sends no request), e.g. for a report or a check",
    )


def run(args: argparse.Namespace) -> int:
    import asyncio

    from cftui.headless.output import say_error
    from cftui.headless.session import CommandFailed, load_settings

    settings = load_settings(COMMAND, args)
    if settings is None:
        return ExitCode.FAILURE
    if args.since is not None and not settings.history:
        say_error(COMMAND, "--since reads the event history, which --no-history (or history = false) turns off.")
        return ExitCode.FAILURE
    if args.no_follow and args.since is None:
        say_error(COMMAND, "--no-follow prints the history of --since DURATION and exits: give --since too.")
        return ExitCode.FAILURE
    try:
        return asyncio.run(_stream(settings, args.format, args.since, follow=not args.no_follow))
    except CommandFailed as failure:
        say_error(COMMAND, str(failure))
        return ExitCode.FAILURE
    except KeyboardInterrupt:  # Ctrl+C before the loop could take the signal over
        return ExitCode.OK


async def _stream(settings: Settings, output_format: str, since_seconds: float | None, *, follow: bool) -> int:
    from cftui.headless.event_stream import EventStream
    from cftui.headless.session import open_monitor

    async with open_monitor(settings) as monitor:
        stream = EventStream(monitor, output_format)
        return await stream.run(since_seconds, follow=follow)
