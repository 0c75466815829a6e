"""The monitor's memory: what waits to be written to its `History`, and what was seen, to read it back.

Writes happen after the listeners have been told, one writer task at a time on the history's own thread; the
engine never waits for the disk. A problem with the file (or a notice such as "moved aside") is handed back as
sentences to show. Reading back (recent events, a resource's costs) prefers the file and falls back to this
run's memory when there is no history, or it cannot be read.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Iterable
from datetime import datetime

from cftui.monitor.events import ChangeEvent
from cftui.monitor.history import History, SampleRow
from cftui.monitor.state import CostSample


class HistoryFeed:
    def __init__(self, history: History | None, on_news: Callable[[list[str]], None], *, recent_limit: int) -> None:
        self.history = history
        self.recent: deque[ChangeEvent] = deque(maxlen=recent_limit)  # this run's latest events, bounded
        self._on_news = on_news  # called with new sentences (maybe none) when the history's state changed
        self._samples: list[SampleRow] = []
        self._events: list[ChangeEvent] = []
        self._task: asyncio.Task[None] | None = None
        self._notices_told = 0

    @property
    def problem(self) -> str | None:
        return self.history.problem if self.history is not None else None

    async def load(self) -> tuple[dict[str, tuple[CostSample, ...]], list[str]]:
        """The cost series kept from earlier runs (their recent events join `recent`), and sentences to show (a
        file moved aside)."""
        if self.history is None:
            return {}, []
        series = await self.history.project_costs()
        self.recent.extend(await self.history.recent_events(self.recent.maxlen or 0))
        return series, self._news(self.history.problem)

    async def recent_events(self, limit: int, since: datetime | None) -> list[ChangeEvent]:
        """The latest events, oldest first: from the history when kept, else from this run's memory."""
        if self.history is not None:
            await self.flush()
            stored = await self.history.recent_events(limit, since)
            if stored or self.problem is None:
                return stored
        events = [e for e in self.recent if since is None or e.at > since]
        return events[-limit:] if limit else []

    async def resource_costs(self, resource_id: str, in_memory: Iterable[CostSample]) -> list[CostSample]:
        """A resource's cost samples: from the history when kept, else the ones this run saw (`in_memory`)."""
        if self.history is not None:
            await self.flush()
            return await self.history.resource_costs(resource_id)
        return list(in_memory)

    def add(self, samples: Iterable[SampleRow], events: Iterable[ChangeEvent]) -> None:
        if self.history is None:
            return  # --no-history: nothing is kept
        self._samples.extend(samples)
        self._events.extend(events)
        if (self._samples or self._events) and (self._task is None or self._task.done()):
            self._task = asyncio.create_task(self.flush(), name="cftui-monitor history")

    async def add_unless_held(self, events: Iterable[ChangeEvent], kinds: Iterable[str]) -> None:
        """Add the events whose subject has no event of one of `kinds` in the history yet (an operation's end seen
        by several front ends is kept once)."""
        if self.history is None:
            return
        held = tuple(kinds)
        self.add((), [e for e in events if not await self.history.has_event(e.subject_id, held)])

    async def flush(self) -> None:
        """Write everything pending (also what arrives meanwhile)."""
        if self.history is None:
            return
        while self._samples or self._events:
            samples, self._samples = self._samples, []
            events, self._events = self._events, []
            before = self.history.problem
            await self.history.write(samples, events)
            if self.history.problem != before or len(self.history.notices) > self._notices_told:
                self._tell(self.history.problem)

    def _tell(self, problem: str | None) -> None:
        self._on_news(self._news(problem))

    def _news(self, problem: str | None) -> list[str]:
        assert self.history is not None
        news = list(self.history.notices[self._notices_told :])
        self._notices_told = len(self.history.notices)
        if problem:
            news.append(problem)
        return news

    async def aclose(self) -> None:
        await self.flush()
        if self.history is not None:
            await self.history.aclose()
