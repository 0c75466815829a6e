"""Between the engine and its `History`: what waits to be written, one writer task at a time, and what to tell.

Writes happen after the listeners have been told, on the history's own thread; the engine never waits for the
disk. A problem with the file (or a notice such as "moved aside") is handed back as sentences to show.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable

from cftui.monitor.events import ChangeEvent
from cftui.monitor.history import History, SampleRow
from cftui.monitor.state import CostSample


class HistoryFeed:
    def __init__(self, history: History | None, on_news: Callable[[list[str]], None]) -> None:
        self.history = history
        self._on_news = on_news  # called with new sentences (maybe none) when the history's state changed
        self._samples: list[SampleRow] = []
        self._events: list[ChangeEvent] = []
        self._task: asyncio.Task[None] | None = None
        self._notices_told = 0

    @property
    def problem(self) -> str | None:
        return self.history.problem if self.history is not None else None

    async def load(self, recent_limit: int) -> tuple[dict[str, tuple[CostSample, ...]], list[ChangeEvent], list[str]]:
        """The cost series and recent events kept from earlier runs, and sentences to show (a file moved aside)."""
        if self.history is None:
            return {}, [], []
        series = await self.history.project_costs()
        events = await self.history.recent_events(recent_limit)
        return series, events, self._news(self.history.problem)

    def add(self, samples: Iterable[SampleRow], events: Iterable[ChangeEvent]) -> None:
        if self.history is None:
            return  # --no-history: nothing is kept
        self._samples.extend(samples)
        self._events.extend(events)
        if (self._samples or self._events) and (self._task is None or self._task.done()):
            self._task = asyncio.create_task(self.flush(), name="cftui-monitor history")

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
