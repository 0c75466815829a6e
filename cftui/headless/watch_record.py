"""What `cftui watch` saw end goes into the same history as the live monitor's events, through the monitor.

`cftui events --since` then shows an operation's completion or failure even when only `watch` saw it end. An end
already recorded (by the dashboard, `cftui events` or an earlier `watch`) is not recorded again. Progress is not
recorded: the monitor `watch` runs on keeps only what is handed to `Monitor.record`.
"""

from __future__ import annotations

from datetime import datetime

from cftui.api.models import Operation
from cftui.headless.watch_names import NameFinder
from cftui.monitor import Monitor
from cftui.monitor.event_factory import operation_event
from cftui.monitor.events import ChangeEvent, EventKind

END_KINDS = (EventKind.OPERATION_COMPLETED.value, EventKind.OPERATION_FAILED.value)


class EndRecorder:
    """Collects the end of each operation as it is seen (named when `watch` found the resource); `save()` hands
    them to the monitor's history, skipping the ends it already holds."""

    def __init__(self, names: NameFinder | None = None) -> None:
        self._names = names
        self._ended: list[ChangeEvent] = []

    def ended(self, operation: Operation, previous: Operation | None, at: datetime) -> None:
        known = self._names.known(operation.resource_id) if self._names is not None else None
        name = known.resource_name if known else operation.resource_id or ""
        project_id = known.project_id if known else None
        self._ended.append(operation_event(operation, previous, name, project_id, at))

    async def save(self, monitor: Monitor) -> None:
        await monitor.record(self._ended, unless_held=END_KINDS)
