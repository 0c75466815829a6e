"""`cftui watch` on the monitor: the engine follows the operations (and polls nothing else); this turns its updates
into what the display says, in the order they came, and decides when the command is over.

Cadence, the request budget and the waits after an outage are the monitor's; the client's retries and rate-limit
waits, and the monitor giving up on a request until later, are said on stderr by `TroubleNotes`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol

from cftui.api.errors import NotFound, ValidationFailed
from cftui.api.models import Operation, OperationLog
from cftui.headless.output import with_request_id
from cftui.headless.session import CommandFailed, api_failure
from cftui.headless.trouble import TroubleNotes
from cftui.headless.watch_names import NameFinder
from cftui.headless.watch_track import OperationTracker
from cftui.monitor import Monitor
from cftui.monitor.state import Changed, ConnectionStatus, MonitorUpdate, OperationChanged

OUTAGE_MAX_WAIT = 8.0  # seconds at most between two tries while the API is down (the monitor's backoff cap)


class Display(Protocol):
    def show(self, operation: Operation, now: datetime, new_lines: tuple[OperationLog, ...]) -> None: ...
    def note(self, sentence: str) -> None: ...


def still_running(trackers: dict[str, OperationTracker]) -> str:
    parts = []
    for op_id, tracker in trackers.items():
        if tracker.finished:
            continue
        last = tracker.last
        parts.append(f"{op_id} ({last.status} {last.clamped_progress}%)" if last else f"{op_id} (no answer yet)")
    return ", ".join(parts)


def refusal_sentence(operation_id: str, error: NotFound | ValidationFailed) -> str:
    if isinstance(error, NotFound):
        hint = f"; {error.hint}" if error.hint else ""  # "is the API URL missing /v2?"
        return with_request_id(f"There is no operation {operation_id}{hint}.", error.request_id)
    return api_failure(error)  # an id that cannot be one: refused before sending, or by a 400


class Follower:
    """Listens to the monitor (inside `with`); `follow()` runs it and returns once every operation has ended, and
    raises CommandFailed for an unknown id or a refused key. With `names`, an operation's resource (and project) is
    named before anything is said about it."""

    def __init__(
        self,
        monitor: Monitor,
        operation_ids: Sequence[str],
        display: Display,
        trackers: dict[str, OperationTracker],
        *,
        names: NameFinder | None = None,
        on_end: Callable[[Operation, Operation | None, datetime], None] | None = None,
    ) -> None:
        self._monitor = monitor
        self._operation_ids = list(operation_ids)
        self._display = display
        self._trackers = trackers
        self._names = names
        self._on_end = on_end
        self._notes = TroubleNotes(display.note)
        self._updates: asyncio.Queue[MonitorUpdate | None] = asyncio.Queue()
        self._notes_seen: tuple[str, ...] = ()
        self._removers: list[Callable[[], None]] = []

    def _on_update(self, update: MonitorUpdate) -> None:
        """On the engine's turn: queued, so that names can be looked up before an operation is first shown."""
        notes = update.snapshot.notes
        if notes != self._notes_seen:
            # the monitor's own notes (the history file's trouble, an internal error), said at once, also while
            # stopping; an operation it stopped watching is said in this command's words instead
            refusals = set(update.snapshot.operation_errors.values())
            for sentence in notes:
                if sentence not in self._notes_seen and sentence not in refusals:
                    self._display.note(sentence)
            self._notes_seen = notes
        self._updates.put_nowait(update)

    def __enter__(self) -> Follower:
        """Listen from the monitor's first update to its last history write (closing it may still say one)."""
        self._removers = [
            self._monitor.client.add_listener(self._notes.on_client_event),
            self._monitor.add_listener(self._on_update),
        ]
        return self

    def __exit__(self, *exc: object) -> None:
        for remove in self._removers:
            remove()

    async def follow(self) -> None:
        engine = asyncio.create_task(self._monitor.run(), name="cftui-watch monitor")
        engine.add_done_callback(lambda _: self._updates.put_nowait(None))
        try:
            while not all(tracker.finished for tracker in self._trackers.values()):
                update = await self._updates.get()
                if update is None:  # the engine stopped by itself: only a bug does that
                    engine.result()
                    raise CommandFailed("The monitor stopped before every operation ended.")
                await self._take(update)
        finally:
            await asyncio.shield(self._monitor.stop())  # its requests stop, the history is flushed
            engine.cancel()  # in case it had not started yet (then stop() had nothing to wait for)
            await asyncio.shield(asyncio.gather(engine, return_exceptions=True))

    async def _take(self, update: MonitorUpdate) -> None:
        connection = update.snapshot.connection
        if Changed.CONNECTION in update.changed:
            if connection.status is ConnectionStatus.AUTH_FAILED:  # a refused key does not mend itself
                sentence = connection.last_error or "API key rejected."
                raise CommandFailed(with_request_id(sentence, connection.request_id))
            if connection.gave_up:
                self._notes.gave_up(connection)
        for op_id in self._operation_ids:
            if OperationChanged(op_id) not in update.changed:
                continue
            refusal = self._monitor.operation_refusal(op_id)
            if refusal is not None:
                raise CommandFailed(refusal_sentence(op_id, refusal))
            fetched = update.snapshot.operations.get(op_id)
            if fetched is None:
                continue
            tracker = self._trackers[op_id]
            operation, now = fetched.value, fetched.fetched_at
            if self._names is not None and tracker.last is None:
                tracker.name = await self._names.find(operation.resource_id)
            previous = tracker.last
            self._display.show(operation, now, update.new_log_lines.get(op_id, ()))
            if self._on_end is not None and operation.is_finished and (previous is None or not previous.is_finished):
                self._on_end(operation, previous, now)
