"""Follow one operation across polls and say what changed, as plain lines (`<time> op_… progress 45% …`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from cftui.api.models import Operation, OperationLog
from cftui.api.sanitize import one_line
from cftui.headless.output import format_seconds, format_time
from cftui.monitor.operations import time_left

SUCCESS_STATUSES = frozenset({"completed"})


def failure_reason(operation: Operation) -> str | None:
    """The `error` an ended operation carries (a message, or an object with one), if any."""
    error = operation.extra_fields.get("error")
    if isinstance(error, dict):
        error = error.get("message") or error.get("code")
    return None if error in (None, "") else str(error)


def describe_end(operation: Operation) -> str:
    reason = failure_reason(operation) if operation.status != "completed" else None
    return f"{operation.status}: {reason}" if reason else operation.status


@dataclass
class OperationTracker:
    """What was last said about one operation, so each poll prints only what is new."""

    operation_id: str
    last: Operation | None = None
    logs_seen: int = 0
    lines_said: list[str] = field(default_factory=list)

    @property
    def finished(self) -> bool:
        return self.last is not None and self.last.is_finished

    @property
    def succeeded(self) -> bool:
        return self.last is not None and self.last.status in SUCCESS_STATUSES

    def new_logs(self, operation: Operation) -> Sequence[OperationLog]:
        """Log lines not seen before. The API appends to `logs`; if it ever shrinks, start over from it."""
        logs = operation.logs
        if len(logs) < self.logs_seen:
            self.logs_seen = 0
        fresh = logs[self.logs_seen :]
        self.logs_seen = len(logs)
        return fresh

    def update(self, operation: Operation, now: datetime) -> list[str]:
        """Plain lines for everything that changed since the previous poll (in the order it happened)."""
        previous, self.last = self.last, operation
        stamp = format_time(now)
        prefix = one_line(self.operation_id)
        lines: list[str] = []
        if previous is None:
            target = f" on {one_line(operation.resource_id)}" if operation.resource_id else ""
            state = "" if operation.is_finished else f": {one_line(operation.status)}"
            lines.append(f"{stamp} {prefix} {one_line(operation.type)}{target}{state}")
        elif previous.status != operation.status and not operation.is_finished:
            lines.append(f"{stamp} {prefix} {one_line(operation.status)}")
        lines += [
            f"{format_time(log.timestamp or now)} {prefix} log: {one_line(log.message)}"
            for log in self.new_logs(operation)
        ]
        progressed = previous is None or previous.progress != operation.progress
        if progressed and not operation.is_finished and operation.progress is not None:
            left = time_left(operation, now)
            eta = f" (about {format_seconds(left.total_seconds())} left)" if left is not None else ""
            lines.append(f"{stamp} {prefix} progress {operation.clamped_progress}%{eta}")
        if operation.is_finished and (previous is None or not previous.is_finished):
            lines.append(f"{stamp} {prefix} {one_line(describe_end(operation))}")
        return lines
