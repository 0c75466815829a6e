"""The monitor's one source of time: a monotonic clock for pacing and scheduling, a wall clock for data's age.

The Monitor is given one `Clock` and hands it to everything below it (the job queue, the request window, the jobs
that stamp what they fetch, the connection state), so budget, scheduling and ageing can be driven in simulated
time by a test. The default is real time.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def monotonic(self) -> float:
        """Seconds on a clock that never goes back (intervals, due times, the budget's minute)."""
        ...

    def now(self) -> datetime:
        """The wall-clock time, aware and in UTC (when data was fetched, when a state began)."""
        ...


class SystemClock:
    """Real time."""

    def monotonic(self) -> float:
        return time.monotonic()

    def now(self) -> datetime:
        return datetime.now(UTC)


SYSTEM_CLOCK: Clock = SystemClock()
