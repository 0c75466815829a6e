"""What `cftui watch` saw end goes into the same history as the live monitor's events.

`cftui events --since` then shows an operation's completion or failure even when only `watch` saw it end. An end
already recorded (by the dashboard, `cftui events` or an earlier `watch`) is not recorded again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from cftui.api.models import Operation
from cftui.headless.watch_names import NameFinder
from cftui.monitor.event_factory import operation_event
from cftui.monitor.events import ChangeEvent, EventKind
from cftui.monitor.history import History
from cftui.monitor.history_feed import HistoryFeed

END_KINDS = (EventKind.OPERATION_COMPLETED.value, EventKind.OPERATION_FAILED.value)


class EndRecorder:
    """Collects the end of each operation as it is seen; `save()` writes the new ones to the history through the
    monitor's `HistoryFeed` (the same writer, and the same sentences about a file in trouble, on stderr)."""

    def __init__(
        self, history: History | None, names: NameFinder | None = None, on_news: Callable[[str], None] | None = None
    ) -> None:
        self._history = history
        self._feed = HistoryFeed(history, self._tell, recent_limit=0)
        self._on_news = on_news
        self._names = names  # the resource's name and project, when `watch` found them
        self._ended: list[ChangeEvent] = []

    def _tell(self, sentences: list[str]) -> None:
        for sentence in sentences:
            if self._on_news is not None:
                self._on_news(sentence)

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
            self._feed.add((), fresh)
        finally:
            await self._feed.aclose()
