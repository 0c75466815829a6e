"""When each job is next due, and which are running: the engine asks for the most urgent affordable one.

Job keys come in priority order from the engine; the first one that is due and not running wins.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from cftui.monitor.job_keys import JobKey

IDLE_WAIT = 1.0  # the loop re-plans at least this often


class JobQueue:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._due: dict[JobKey, float] = {}  # job key -> monotonic time it is due (absent: due now)
        self._in_flight: dict[JobKey, float] = {}  # job key -> requests reserved for it

    def next_due(self, keys_by_priority: Iterable[JobKey]) -> tuple[JobKey | None, float]:
        """The most urgent due job not already running, or (None, seconds until the next one is due)."""
        now = self._clock()
        soonest = IDLE_WAIT
        for key in keys_by_priority:
            if key in self._in_flight:
                continue
            due = self._due.get(key, 0.0)
            if due <= now:
                return key, 0.0
            soonest = min(soonest, due - now)
        return None, soonest

    def due_now(self, key: JobKey) -> None:
        self._due[key] = 0.0

    def due_at(self, key: JobKey, monotonic_time: float) -> None:
        self._due[key] = monotonic_time

    def due_in(self, key: JobKey, seconds: float | None) -> None:
        """Next run `seconds` from now; None: a one-off job, forget it."""
        if seconds is None:
            self._due.pop(key, None)
        else:
            self._due[key] = self._clock() + seconds

    def due_within(self, key: JobKey, seconds: float) -> None:
        """Bring the job forward so that it runs within `seconds` (never pushes it back)."""
        self._due[key] = min(self._due.get(key, 0.0), self._clock() + seconds)

    def forget(self, key: JobKey) -> None:
        self._due.pop(key, None)

    # --- running jobs ------------------------------------------------------------------------------------

    def start(self, key: JobKey, cost: float) -> None:
        self._in_flight.setdefault(key, cost)

    def finish(self, key: JobKey) -> None:
        self._in_flight.pop(key, None)

    @property
    def running(self) -> int:
        return len(self._in_flight)

    @property
    def reserved(self) -> float:
        """Requests the running jobs are expected to send (not yet counted as sent)."""
        return sum(self._in_flight.values())
