"""Watched operations: how often to poll each one, which log lines are new, and how long is left."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from cftui.api.models import Operation, OperationLog

MOVING_PERIOD = 1.5  # seconds between polls while progress moves
PENDING_PERIOD = 3.0
STALLED_MAX_PERIOD = 10.0  # a stalled operation is polled less and less often, down to this
STALL_BACKOFF = 1.5
# An operation found in a project nobody looks at is followed, but calmly: its end is also learned from the round
# (a visit that finds its resource without it polls it at once), so calm costs little delay.
BACKGROUND_PERIOD = 20.0


def time_left(operation: Operation, now: datetime) -> timedelta | None:
    """Time until `estimated_completion` (never negative); None when finished or when the API gives no estimate."""
    if operation.is_finished or operation.estimated_completion is None:
        return None
    return max(timedelta(0), operation.estimated_completion - now)


@dataclass(slots=True)
class WatchedOperation:
    operation_id: str
    from_user: bool  # the user asked for it (otherwise it was found on a resource)
    period: float = MOVING_PERIOD
    delivered_lines: int = 0
    last: Operation | None = None
    finished: bool = False
    project_id: str | None = None
    resource_id: str | None = None

    def next_period(self, operation: Operation) -> float:
        """Fast while progress moves or the operation nears its estimate, slower while it stalls."""
        previous = self.last
        if operation.status == "pending":
            self.period = PENDING_PERIOD
        elif previous is None or previous.progress != operation.progress or previous.status != operation.status:
            self.period = MOVING_PERIOD
        else:
            self.period = min(STALLED_MAX_PERIOD, self.period * STALL_BACKOFF)
        return self.period

    def wish(self, focused_project_id: str | None) -> float:
        """Seconds between polls: close for one the user asked for or in the focused project, calm otherwise."""
        if self.from_user or (self.project_id is not None and self.project_id == focused_project_id):
            return self.period
        return max(self.period, BACKGROUND_PERIOD)

    def take_new_lines(self, operation: Operation) -> tuple[OperationLog, ...]:
        """Log lines not delivered before, in order. Logs only grow; if a server shortens them, start over."""
        logs = operation.logs
        if len(logs) < self.delivered_lines:
            self.delivered_lines = 0
        fresh = tuple(logs[self.delivered_lines :])
        self.delivered_lines = len(logs)
        return fresh


@dataclass(slots=True)
class OperationRegistry:
    """The watch set: ids the user gave plus every `operation_id` seen on a resource."""

    watched: dict[str, WatchedOperation] = field(default_factory=dict)
    max_finished: int = 50

    def watch(
        self, operation_id: str, *, from_user: bool, project_id: str | None = None, resource_id: str | None = None
    ) -> bool:
        """Add an id; True if it is new (or finished and asked for again by the user)."""
        existing = self.watched.get(operation_id)
        if existing is not None:
            if from_user:
                existing.from_user = True
            return False
        self.watched[operation_id] = WatchedOperation(
            operation_id, from_user, project_id=project_id, resource_id=resource_id
        )
        return True

    def active(self) -> list[WatchedOperation]:
        return [w for w in self.watched.values() if not w.finished]

    def forget(self, operation_id: str) -> None:
        self.watched.pop(operation_id, None)

    def trim_finished(self) -> list[str]:
        """Keep memory bounded: drop the oldest finished operations beyond `max_finished`."""
        finished = [w.operation_id for w in self.watched.values() if w.finished and not w.from_user]
        dropped = finished[: max(0, len(finished) - self.max_finished)]
        for operation_id in dropped:
            del self.watched[operation_id]
        return dropped
