"""What `cftui watch` saw end goes into the same history as the live monitor's events.

`cftui events --since` then shows an operation's completion or failure even when only `watch` saw it end. An end
already recorded (by the dashboard, `cftui events` or an earlier `watch`) is not recorded again.
"""

from __future__ import annotations

from datetime import datetime

from cftui.api.models import Operation
from cftui.headless.watch_names import NameFinder
from cftui.monitor.event_factory import operation_event
from cftui.monitor.events import ChangeEvent, EventKind
from cftui.monitor.history import History

END_KINDS = (EventKind.OPERATION_COMPLETED.value, EventKind.OPERATION_FAILED.value)


class EndRecorder:
    """Collects the end of each operation as it is seen; `save()` writes the new ones to the history."""

    def __init__(self, history: History | None, names: NameFinder | None = None) -> None:
        self._history = history
        self._names = names  # the resource's name and project, when `watch` found them
        self._ended: list[ChangeEvent] = []

    def ended(self, operation: Operation, previous: Operation | None, at: datetime) -> None:
        known = self._names.known(operation.resource_id) if self._names is not None else None
        name = known.resource_name if known else operation.resource_id or ""
        project_id = known.project_id if known else None
        self._ended.append(operation_event(operation, previous, name, project_id, at))

    async def save(self) -> None:
        """Write what ended (skipping ends the history already holds) and close the history."""
        if self._history is None:
            return
        try:
            fresh = [e for e in self._ended if not await self._history.has_event(e.subject_id, END_KINDS)]
            await self._history.write((), fresh)
        finally:
            await self._history.aclose()
