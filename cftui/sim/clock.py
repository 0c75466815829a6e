"""The world clock and the queue of things scheduled on it.

World time runs `speed` times faster than real time and can be jumped forward (`/_sim/advance`). Everything
that happens is scheduled at a world time and processed in order, lazily, whenever someone looks; so a seed
tells the same story whatever the timing of the requests. Timestamps shown to clients are real wall-clock
times: the moment the world clock reached the event (or the moment of the jump that skipped over it).
"""

from __future__ import annotations

import heapq
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field


class WorldClock:
    def __init__(self, speed: float = 1.0) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.speed = speed
        self._anchor_mono = time.monotonic()
        self._anchor_wall = time.time()
        self._anchor_world = 0.0

    def world_now(self) -> float:
        return self._anchor_world + (time.monotonic() - self._anchor_mono) * self.speed

    def wall_now(self) -> float:
        return self._anchor_wall + (time.monotonic() - self._anchor_mono)

    def wall_at(self, world_time: float) -> float:
        """The real time at which the world clock reaches (or reached) `world_time` at the current rate."""
        return self._anchor_wall + (world_time - self._anchor_world) / self.speed

    def jump(self, seconds: float) -> None:
        now_world = self.world_now()
        self._anchor_mono = time.monotonic()
        self._anchor_wall = time.time()
        self._anchor_world = now_world + seconds


@dataclass(order=True, slots=True)
class _Entry:
    world_time: float
    seq: int
    action: Callable[[], None] = field(compare=False)


class Scheduler:
    """A priority queue of actions by world time; ties run in the order they were scheduled."""

    def __init__(self) -> None:
        self._heap: list[_Entry] = []
        self._counter = itertools.count()

    def schedule(self, world_time: float, action: Callable[[], None]) -> None:
        heapq.heappush(self._heap, _Entry(world_time, next(self._counter), action))

    def pop_due(self, world_time: float) -> _Entry | None:
        if self._heap and self._heap[0].world_time <= world_time:
            return heapq.heappop(self._heap)
        return None
