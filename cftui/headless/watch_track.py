"""Follow one operation across polls and say what changed: records, written as plain lines or JSON Lines.

A plain line is `<time> op_… <what>`; `--format jsonl` writes the same record as one JSON object (schema in
docs/headless.md). The first record about an operation carries the time it started (when the API says so, else
that of its first log line), so that it is not stamped after the log lines it precedes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cftui.api.models import Operation, OperationLog
from cftui.api.sanitize import one_line
from cftui.headless.output import format_seconds, format_time
from cftui.headless.watch_names import ResourceName
from cftui.monitor.operations import WatchedOperation, time_left

SUCCESS_STATUSES = frozenset({"completed"})
JSONL_SCHEMA = "cftui.watch/1"


def failure_reason(operation: Operation) -> str | None:
    """The `error` an ended operation carries (a message, or an object with one), if any."""
    error = operation.extra_fields.get("error")
    if isinstance(error, dict):
        error = error.get("message") or error.get("code")
    return None if error in (None, "") else str(error)


def describe_end(operation: Operation) -> str:
    reason = failure_reason(operation) if operation.status != "completed" else None
    return f"{operation.status}: {reason}" if reason else operation.status


def describe_target(operation: Operation, name: ResourceName | None) -> str:
    """`on web-1 (res_91ab) in checkout-platform`, or `on res_91ab` without a name."""
    if not operation.resource_id:
        return ""
    resource_id = one_line(operation.resource_id)
    if name is None:
        return f" on {resource_id}"
    return f" on {one_line(name.resource_name)} ({resource_id}) in {one_line(name.project_name)}"


@dataclass(frozen=True, slots=True)
class WatchRecord:
    """One thing worth saying about an operation."""

    at: datetime
    event: str  # "seen", "status", "log", "progress" or "end"
    operation: Operation
    name: ResourceName | None
    text: str  # what the plain line says after the operation id
    message: str | None = None  # a log line, or why it failed
    seconds_left: float | None = None

    def plain(self) -> str:
        return f"{format_time(self.at)} {one_line(self.operation.id)} {self.text}"

    def to_json(self) -> dict[str, Any]:
        operation, name = self.operation, self.name
        return {
            "schema": JSONL_SCHEMA,
            "at": format_time(self.at),
            "event": self.event,
            "operation_id": operation.id,
            "type": operation.type,
            "status": operation.status,
            "progress": operation.progress,
            "resource_id": operation.resource_id,
            "resource_name": name.resource_name if name else None,
            "project_id": name.project_id if name else None,
            "project_name": name.project_name if name else None,
            "message": self.message,
            "seconds_left": None if self.seconds_left is None else round(self.seconds_left),
        }


@dataclass
class OperationTracker:
    """What was last said about one operation, so each poll says only what is new."""

    operation_id: str
    last: Operation | None = None
    name: ResourceName | None = None
    # log bookkeeping for an operation fed here directly; fed by the monitor, its update brings the new lines
    _lines: WatchedOperation = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._lines = WatchedOperation(self.operation_id, from_user=True)

    @property
    def finished(self) -> bool:
        return self.last is not None and self.last.is_finished

    @property
    def succeeded(self) -> bool:
        return self.last is not None and self.last.status in SUCCESS_STATUSES

    def update(
        self, operation: Operation, now: datetime, new_lines: tuple[OperationLog, ...] | None = None
    ) -> list[WatchRecord]:
        """Records for everything that changed since the previous poll, in the order it happened. `new_lines`: the
        log lines the monitor delivered with this poll (`MonitorUpdate.new_log_lines`); None counts them here."""
        previous, self.last = self.last, operation
        name = self.name
        logs = self._lines.take_new_lines(operation) if new_lines is None else new_lines
        records: list[WatchRecord] = []
        if previous is None:
            state = "" if operation.is_finished else f": {one_line(operation.status)}"
            text = f"{one_line(operation.type)}{describe_target(operation, name)}{state}"
            records.append(WatchRecord(_first_time(operation, logs, now), "seen", operation, name, text))
        elif previous.status != operation.status and not operation.is_finished:
            records.append(WatchRecord(now, "status", operation, name, one_line(operation.status)))
        for log in logs:
            message = one_line(log.message)
            records.append(WatchRecord(log.timestamp or now, "log", operation, name, f"log: {message}", message))
        progressed = previous is None or previous.progress != operation.progress
        if progressed and not operation.is_finished and operation.progress is not None:
            left = time_left(operation, now)
            seconds = left.total_seconds() if left is not None else None
            eta = f" ({left_words(seconds, about=True)})" if seconds is not None else ""
            text = f"progress {operation.clamped_progress}%{eta}"
            records.append(WatchRecord(now, "progress", operation, name, text, seconds_left=seconds))
        if operation.is_finished and (previous is None or not previous.is_finished):
            reason = failure_reason(operation) if operation.status != "completed" else None
            text = one_line(describe_end(operation))
            records.append(WatchRecord(now, "end", operation, name, text, one_line(reason) if reason else None))
        return records


def left_words(seconds: float, *, about: bool = False) -> str:
    """`about 15s left`; `due now` once the API's estimate has come (never `0s left` while it still runs), as the
    dashboard's operation card says."""
    if round(seconds) < 1:
        return "due now"
    return f"{'about ' if about else ''}{format_seconds(seconds)} left"


def _first_time(operation: Operation, logs: tuple[OperationLog, ...], now: datetime) -> datetime:
    """When the first record about an operation happened: its start, else its first log line, else now."""
    known = [t for t in (operation.started_at, *(log.timestamp for log in logs)) if t is not None and t <= now]
    return min(known, default=now)
