"""`cftui watch OP_ID ...`: follow operations to their end, live on a terminal, one line per change on a pipe.

Exit codes: 0 all completed, 1 one failed or was cancelled, 2 settings/key/API failure, unknown id or timeout.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from cftui.headless.durations import duration_argument
from cftui.headless.exit_codes import ExitCode

if TYPE_CHECKING:
    from cftui.config import Settings
    from cftui.monitor import Monitor
    from cftui.monitor.push import PushFeed
    from cftui.monitor.push_events import PushedChange


COMMAND = "watch"
TERMINATED = 128 + 15  # the shell's code for "ended by SIGTERM"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("operation_ids", nargs="+", metavar="OP_ID", help="operation ids (op_…) to follow")
    parser.add_argument(
        "--timeout",
        type=duration_argument,
        default=None,
        metavar="DURATION",
        help="give up after this long (e.g. 90s, 15m, 1h; default: no limit), exit 2",
    )
    parser.add_argument(
        "-o",
        "--format",
        choices=("text", "jsonl"),
        default="text",
        help="text (live bars on a terminal, one line per change on a pipe) or jsonl (one JSON object per change, "
        "schema cftui.watch/1)",
    )


def run(args: argparse.Namespace) -> int:
    import asyncio

    from cftui.headless.output import say_error
    from cftui.headless.session import CommandFailed, load_settings

    settings = load_settings(COMMAND, args)
    if settings is None:
        return ExitCode.FAILURE
    operation_ids = list(dict.fromkeys(op.strip() for op in args.operation_ids if op.strip()))
    if not operation_ids:
        say_error(COMMAND, "Name at least one operation id (op_…).")
        return ExitCode.FAILURE
    try:
        return asyncio.run(_watch(settings, operation_ids, limit=args.timeout, output_format=args.format))
    except CommandFailed as failure:
        say_error(COMMAND, str(failure))
        return ExitCode.FAILURE
    except asyncio.CancelledError:  # SIGTERM: the display was closed on the way out (cursor shown again)
        say_error(COMMAND, "Stopped by SIGTERM before every operation ended.")
        return TERMINATED


async def _watch(
    settings: Settings, operation_ids: list[str], *, limit: float | None, output_format: str = "text"
) -> int:
    import asyncio
    import signal

    from cftui.api.keys import KeyPolicyError
    from cftui.headless.output import is_terminal
    from cftui.headless.session import CommandFailed
    from cftui.headless.watch_display import LiveWatchDisplay, PlainWatchDisplay
    from cftui.headless.watch_follow import OUTAGE_MAX_WAIT, Follower, still_running
    from cftui.headless.watch_names import NameFinder
    from cftui.headless.watch_record import EndRecorder
    from cftui.headless.watch_track import OperationTracker
    from cftui.monitor import build_monitor

    this_task = asyncio.current_task()
    assert this_task is not None
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, this_task.cancel)
    trackers = {op_id: OperationTracker(op_id) for op_id in operation_ids}
    if is_terminal() and output_format == "text":
        from rich.console import Console

        display: LiveWatchDisplay | PlainWatchDisplay = LiveWatchDisplay(trackers, Console(highlight=False))
    else:
        display = PlainWatchDisplay(trackers, output_format=output_format)
    try:
        # the monitor follows these operations and polls nothing else
        monitor = build_monitor(settings, operations=operation_ids, max_backoff=OUTAGE_MAX_WAIT)
    except KeyPolicyError as error:
        raise CommandFailed(str(error)) from None
    names = NameFinder(monitor.client)
    recorder = EndRecorder(names)
    follower = Follower(monitor, operation_ids, display, trackers, names=names, on_end=recorder.ended)
    push = _push_wakes(settings, monitor, set(operation_ids))
    with follower:
        try:
            if push is not None:
                await push.start()
                if push.state(0.0).problem:
                    display.note(f"{push.state(0.0).problem}; following by polling alone.")
            with display:
                try:
                    async with asyncio.timeout(limit):
                        await follower.follow()
                except TimeoutError:
                    still = still_running(trackers)
                    raise CommandFailed(f"Timed out after {limit:g} s; still running: {still}.") from None
        finally:
            if push is not None:
                await asyncio.shield(push.stop())
            await asyncio.shield(recorder.save(monitor))  # what did end is history, whatever happened to the rest
            await asyncio.shield(monitor.aclose())
    failed = [t for t in trackers.values() if not t.succeeded]
    return ExitCode.TROUBLE if failed else ExitCode.OK


def _push_wakes(settings: Settings, monitor: Monitor, operation_ids: set[str]) -> PushFeed | None:
    """With --webhook-listen: a verified delivery about a followed operation makes the monitor look at it at once
    (the look is the confirmation: what is shown is always what the API answers)."""
    if not (settings.webhook_listen and settings.webhook_secret):
        return None
    from cftui.monitor.push import PushFeed
    from cftui.monitor.push_listen import parse_listen

    feed = PushFeed(parse_listen(settings.webhook_listen), settings.webhook_secret)

    def on_changes(changes: list[PushedChange]) -> None:
        for change in changes:
            if change.event.subject_id in operation_ids:
                monitor.look_now(change.event.subject_id)

    feed.connect(monitor.client, on_changes, lambda: None)
    return feed
