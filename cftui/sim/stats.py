"""Counts of the /v2 requests served, so tests can tell what a client sent in a window."""

from __future__ import annotations

from collections import Counter, deque
from typing import Any

RECENT_SIZE = 5000


class RequestStats:
    def __init__(self) -> None:
        self.in_flight = 0  # /v2 requests being answered right now (a hung one counts)
        self.reset()

    def reset(self) -> None:
        self.requests = 0
        self.by_status: Counter[str] = Counter()
        self.recent: deque[dict[str, Any]] = deque(maxlen=RECENT_SIZE)

    def record(
        self, *, at: str, method: str, path: str, query: str, status: int, key: str | None, user: str | None = None
    ) -> None:
        self.requests += 1
        self.by_status[str(status)] += 1
        entry = {"at": at, "method": method, "path": path, "query": query, "status": status, "key": key, "user": user}
        self.recent.append(entry)

    def to_dict(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "in_flight": self.in_flight,
            "by_status": dict(self.by_status),
            "recent": list(self.recent),
        }
