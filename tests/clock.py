"""A clock that moves only when a test says so: the monitor's budget, scheduling and ageing in simulated time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

START = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)  # far from today: a stamp taken from the real clock stands out


class FakeClock:
    """`cftui.monitor.clock.Clock` on simulated time: both faces move together, by `advance()` only."""

    def __init__(self, start: datetime = START, monotonic: float = 1000.0) -> None:
        self._wall = start
        self._monotonic = monotonic

    def monotonic(self) -> float:
        return self._monotonic

    def now(self) -> datetime:
        return self._wall

    def advance(self, seconds: float) -> None:
        self._monotonic += seconds
        self._wall += timedelta(seconds=seconds)
