"""The ground-truth journal of every change to the world, and the hook webhooks listen on."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

JOURNAL_SIZE = 100_000


@dataclass(slots=True)
class Change:
    seq: int
    at: float
    kind: str
    project_id: str | None
    resource_id: str | None
    operation_id: str | None
    old: Any
    new: Any


ChangeListener = Callable[[Change], None]


class Journal:
    """Changes numbered from 1, the last `JOURNAL_SIZE` kept; listeners hear each one as it is recorded."""

    def __init__(self, size: int = JOURNAL_SIZE) -> None:
        self._changes: deque[Change] = deque(maxlen=size)
        self.last_seq = 0
        self.listeners: list[ChangeListener] = []

    def record(
        self,
        kind: str,
        at: float,
        *,
        project_id: str | None = None,
        resource_id: str | None = None,
        operation_id: str | None = None,
        old: Any = None,
        new: Any = None,
    ) -> Change:
        self.last_seq += 1
        change = Change(self.last_seq, at, kind, project_id, resource_id, operation_id, old, new)
        self._changes.append(change)
        for listener in self.listeners:
            listener(change)
        return change

    def since(self, seq: int, limit: int | None = None) -> list[Change]:
        if not self._changes:
            return []
        first = self._changes[0].seq
        start = max(0, seq + 1 - first)
        stop = len(self._changes) if limit is None else min(len(self._changes), start + limit)
        return [self._changes[index] for index in range(start, stop)]
