"""Run the monitor and print its events until asked to stop (signal, closed pipe) or the key is refused."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from datetime import UTC, datetime, timedelta
from typing import TextIO

from cftui.headless.event_lines import jsonl_line, project_label, text_line
from cftui.headless.exit_codes import ExitCode
from cftui.headless.output import say_error, silence_stdout, with_request_id
from cftui.headless.session import CommandFailed
from cftui.monitor import Monitor
from cftui.monitor.events import ChangeEvent
from cftui.monitor.state import Changed, ConnectionState, ConnectionStatus, MonitorUpdate

HISTORY_LIMIT = 100_000  # --since: enough for days of a busy world; the history itself is bounded
COMMAND = "events"


class EventStream:
    def __init__(self, monitor: Monitor, output_format: str, out: TextIO | None = None) -> None:
        self.monitor = monitor
        self.jsonl = output_format == "jsonl"
        self.project_names: dict[str, str] = {}  # project id -> name, from the project list and project events
        self.out = sys.stdout if out is None else out
        self.stop = asyncio.Event()
        self.closed = False  # the reader of stdout went away
        self.refused: str | None = None  # the key was refused: the sentence to end with
        self.last_connection: ConnectionStatus | None = None

    def format_line(self, event: ChangeEvent) -> str:
        if self.jsonl:
            return jsonl_line(event)
        if event.kind.value.startswith("project.") and event.subject_name:
            self.project_names[event.subject_id] = event.subject_name
        return text_line(event, project_label(event, self.project_names))

    def write(self, events: list[ChangeEvent] | tuple[ChangeEvent, ...]) -> None:
        # Events published while stopping are still printed: the history keeps them, and --since replays must
        # match what was shown.
        if not events or self.closed:
            return
        try:
            self.out.write("".join(self.format_line(event) + "\n" for event in events))
            self.out.flush()  # a reader downstream sees each event as it happens
        except BrokenPipeError:
            self.closed = True
            silence_stdout()
            self.stop.set()

    def on_update(self, update: MonitorUpdate) -> None:
        projects = update.snapshot.projects
        if projects is not None and (Changed.PROJECTS in update.changed or not self.project_names):
            self.project_names.update({p.id: p.name for p in projects.value})
        self.write(update.events)
        self.on_connection(update.snapshot.connection)

    def on_connection(self, connection: ConnectionState) -> None:
        """Trouble goes to stderr once per change of state; a refused key ends the stream (exit 2)."""
        status = connection.status
        if status == self.last_connection:
            return
        previous, self.last_connection = self.last_connection, status
        if status is ConnectionStatus.AUTH_FAILED:
            self.refused = with_request_id(connection.last_error or "The API key was refused.", connection.request_id)
            self.stop.set()
        elif status in (ConnectionStatus.OFFLINE, ConnectionStatus.DEGRADED, ConnectionStatus.RATE_LIMITED):
            sentence = connection.last_error or f"The CloudForge API is {status.value}."
            say_error(COMMAND, with_request_id(sentence, connection.request_id) + " Still watching.")
        elif status is ConnectionStatus.OK and previous not in (None, ConnectionStatus.CONNECTING):
            say_error(COMMAND, "The CloudForge API answers again.")

    async def replay(self, since_seconds: float) -> int:
        """Print the history's events of the last `since_seconds`; how many there were."""
        since = datetime.now(UTC) - timedelta(seconds=since_seconds)
        recent = await self.monitor.recent_events(limit=HISTORY_LIMIT, since=since)
        self.write(sorted(recent, key=lambda event: event.at))
        return len(recent)

    async def run(self, since_seconds: float | None, *, follow: bool = True) -> int:
        if not follow:  # --no-follow: the history alone, no request sent
            if since_seconds is not None and not await self.replay(since_seconds):
                # an empty stdout alone reads like a broken command; stdout stays empty for scripts
                say_error(
                    COMMAND,
                    "The history holds no event of that time: it keeps what cftui saw while the dashboard or "
                    "`cftui events` ran against this API URL.",
                )
            return ExitCode.OK
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, self.stop.set)
        try:
            if since_seconds is not None:
                await self.replay(since_seconds)
            self.monitor.add_listener(self.on_update)
            engine = asyncio.create_task(self.monitor.run())
            stopper = asyncio.create_task(self.stop.wait())
            await asyncio.wait({engine, stopper}, return_when=asyncio.FIRST_COMPLETED)
            await self.monitor.stop()
            for task in (engine, stopper):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        finally:
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(signum)
        if self.refused:
            raise CommandFailed(self.refused)
        return ExitCode.OK
