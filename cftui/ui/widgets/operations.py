"""The Operations pane: each watched operation with its progress, status, timing and streaming log.

One `OperationCard` per operation, created once and updated in place: the header and bar only when the
operation changed, the log only with lines it has not shown (`MonitorUpdate.new_log_lines`, each once, in order),
and the timing line once a second while the operation runs. A finished operation stops ticking, so a pane of
finished operations writes nothing to the terminal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Log, Static

from cftui.api.models import Operation, OperationLog, Resource
from cftui.api.sanitize import one_line
from cftui.monitor.state import MonitorUpdate, Snapshot
from cftui.ui.format import clock_time, countdown, duration, operation_badge, progress_bar, status_severity

LOG_LINES_PER_OPERATION = 500
MAX_FINISHED_CARDS = 20  # older finished operations leave the pane; running ones always stay
NAME_WIDTH = 60


def _parse_time(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, str) and value:
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def completed_at(operation: Operation) -> datetime | None:
    """The end time the API reports (`completed_at` is an extra field, not in the reference's example)."""
    return _parse_time(operation.extra_fields.get("completed_at"))


def failure_reason(operation: Operation) -> str | None:
    """The `error` message of a failed operation (an extra field), flattened to one line."""
    error = operation.extra_fields.get("error")
    if isinstance(error, dict):
        error = error.get("message") or error.get("code")
    return one_line(str(error)) if error else None


def timing_text(operation: Operation, now: datetime, finished_seen_at: datetime | None = None) -> str:
    """`elapsed 1m 05s · left in 2m 00s (ETA 14:30:00)`; for an ended operation, how long it took."""
    started = operation.started_at
    if operation.is_finished:
        end = completed_at(operation) or finished_seen_at or now
        took = duration(end - started) if started else "—"
        return f"took {took} · ended {clock_time(end)}"
    if started is None:
        return "queued, not started yet"
    elapsed = f"elapsed {duration(now - started)}"
    eta = operation.estimated_completion
    if eta is None:
        return f"{elapsed} · time left unknown"
    left = countdown(eta, now)
    left_text = "due now" if left == "now" else f"left {left}"
    return f"{elapsed} · {left_text} (ETA {clock_time(eta)})"


def _truncate(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


class OperationCard(Vertical):
    """One operation: header (status, type, resource), progress bar + timing, error, and its log."""

    DEFAULT_CSS = """
    OperationCard {
        height: auto;
        margin-bottom: 1;
        padding: 0 1;
        border-left: tall $primary;
    }
    OperationCard.-failed { border-left: tall $error; }
    OperationCard.-completed { border-left: tall $success; }
    OperationCard.-cancelled { border-left: tall $foreground-muted; }
    OperationCard > .op-header { text-style: bold; }
    OperationCard > .op-error { color: $error; height: auto; }
    OperationCard > Log {
        height: auto;
        max-height: 8;
        background: $surface;
        scrollbar-size-vertical: 1;
    }
    """

    def __init__(self, operation_id: str) -> None:
        super().__init__(classes="-pending")
        self.operation_id = operation_id
        self.operation: Operation | None = None
        self.resource_name: str | None = None
        self.finished_seen_at: datetime | None = None
        self.announced = False
        self.lines_written = 0
        # children are built now so that updates may arrive before the card is mounted
        self.header = Static(Content(f"◌ waiting  {one_line(operation_id)}"), classes="op-header")
        self.progress = Static(Content("waiting for the first answer from the API"), classes="op-progress")
        self.error = Static(Content(""), classes="op-error")
        self.error.display = False
        self.log_view = Log(max_lines=LOG_LINES_PER_OPERATION, auto_scroll=True, classes="op-log")
        self._header_text = ""
        self._progress_text = ""

    def compose(self) -> ComposeResult:
        yield self.header
        yield self.progress
        yield self.error
        yield self.log_view

    @property
    def is_finished(self) -> bool:
        return self.operation is not None and self.operation.is_finished

    def show(self, operation: Operation, now: datetime) -> None:
        """Update header, bar and state classes for a changed operation (only what differs is repainted)."""
        self.operation = operation
        if operation.is_finished and self.finished_seen_at is None:
            self.finished_seen_at = now
        for status in ("pending", "in_progress", "completed", "failed", "cancelled", "unknown"):
            self.set_class(status == self._status_class(operation), f"-{status}")
        resource = f" on {self.resource_name}" if self.resource_name else ""
        target = one_line(operation.resource_id or "")
        header = (
            f"{operation_badge(operation.status)}  {one_line(operation.type)}{resource}"
            f"  {one_line(operation.id)}{'  ' + target if target else ''}"
        )
        if header != self._header_text:
            self._header_text = header
            self.header.update(Content(header))
            self.header.set_classes(f"op-header status--{status_severity(operation.status)}")
        reason = failure_reason(operation) if operation.status == "failed" else None
        if reason:
            self.error.update(Content(f"error: {reason}"))
        self.error.display = bool(reason)
        self.tick(now)

    @staticmethod
    def _status_class(operation: Operation) -> str:
        known = ("pending", "in_progress", "completed", "failed", "cancelled")
        return operation.status if operation.status in known else "unknown"

    def tick(self, now: datetime) -> None:
        """Refresh the bar and the timing text; nothing is repainted when the text is unchanged."""
        operation = self.operation
        if operation is None:
            return
        text = f"{progress_bar(operation.clamped_progress)}  {timing_text(operation, now, self.finished_seen_at)}"
        if text != self._progress_text:
            self._progress_text = text
            self.progress.update(Content(text))

    def write_logs(self, lines: Iterable[OperationLog]) -> None:
        rendered = [f"{clock_time(line.timestamp)}  {one_line(line.message)}" for line in lines]
        if rendered:
            self.lines_written += len(rendered)
            self.log_view.write_lines(rendered)


class OperationsPane(VerticalScroll):
    """Every watched operation, in the order they were first seen; `apply()` each `MonitorUpdate`."""

    HELP_GROUP = "Operations pane"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "scroll_down", "Scroll down", show=False),
        Binding("k", "scroll_up", "Scroll up", show=False),
        Binding("g", "scroll_home", "First operation", show=False),
        Binding("G", "scroll_end", "Last operation", show=False),
    ]
    DEFAULT_CSS = """
    OperationsPane {
        height: 1fr;
    }
    OperationsPane > #operations-empty {
        color: $text-muted;
        padding: 0 1;
    }
    """

    def __init__(
        self,
        *,
        now: Callable[[], datetime] | None = None,
        id: str | None = "operations",
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._now = now
        self._cards: dict[str, OperationCard] = {}
        self._empty = Static(Content("No operations watched. Press w to watch one by its id."), id="operations-empty")

    def compose(self) -> ComposeResult:
        yield self._empty
        yield from self._cards.values()  # cards made by apply() before this pane was mounted

    def on_mount(self) -> None:
        self.border_title = "Operations"
        self.set_interval(1.0, self._tick)

    # --- the contract with the app -----------------------------------------------------------------------

    @property
    def watched_ids(self) -> tuple[str, ...]:
        return tuple(self._cards)

    def card(self, operation_id: str) -> OperationCard | None:
        return self._cards.get(operation_id)

    def expect(self, operation_id: str) -> None:
        """Show a card at once for an operation just asked for, before the monitor's first answer about it."""
        self._card_for(operation_id)

    def apply(self, update: MonitorUpdate) -> None:
        snapshot = update.snapshot
        now = self.now()
        for operation_id, fetched in snapshot.operations.items():
            card = self._card_for(operation_id)
            operation = fetched.value
            if card.resource_name is None and operation.resource_id:
                card.resource_name = self._resource_name(snapshot, operation.resource_id)
            if card.operation != operation:
                card.show(operation, now)
                if operation.is_finished and not card.announced:
                    card.announced = True
                    self._announce(card, operation)
            lines = update.new_log_lines.get(operation_id)
            if lines:
                card.write_logs(lines)
        for operation_id, lines in update.new_log_lines.items():
            # lines can arrive for an operation the snapshot does not carry (yet); keep them, in order
            if operation_id not in snapshot.operations and lines:
                self._card_for(operation_id).write_logs(lines)
        self._forget_old_finished()

    # --- internals ---------------------------------------------------------------------------------------

    def now(self) -> datetime:
        clock = self._now or getattr(self.app, "now", None)
        return clock() if callable(clock) else datetime.now(UTC)

    def _card_for(self, operation_id: str) -> OperationCard:
        card = self._cards.get(operation_id)
        if card is None:
            card = self._cards[operation_id] = OperationCard(operation_id)
            self._empty.display = False
            if self.is_attached:
                self.mount(card)
        return card

    def _forget_old_finished(self) -> None:
        finished = [op_id for op_id, card in self._cards.items() if card.is_finished]
        for op_id in finished[: max(0, len(finished) - MAX_FINISHED_CARDS)]:
            card = self._cards.pop(op_id)
            if card.is_attached:
                card.remove()
        self._empty.display = not self._cards

    def _tick(self) -> None:
        now = self.now()
        for card in self._cards.values():
            if card.operation is not None and not card.operation.is_finished:
                card.tick(now)

    @staticmethod
    def _resource_name(snapshot: Snapshot, resource_id: str) -> str | None:
        for fetched in snapshot.resources.values():
            resource: Resource
            for resource in fetched.value:
                if resource.id == resource_id:
                    return _truncate(one_line(resource.name), NAME_WIDTH) or None
        return None

    def _announce(self, card: OperationCard, operation: Operation) -> None:
        subject = f"{one_line(operation.id)} ({one_line(operation.type)}"
        subject += f" on {card.resource_name})" if card.resource_name else ")"
        if operation.status == "completed":
            self.app.notify(f"Operation {subject} completed.", title="Operation completed", markup=False)
        elif operation.status == "failed":
            reason = failure_reason(operation)
            message = f"Operation {subject} failed" + (f": {reason}" if reason else ".")
            self.app.notify(message, title="Operation failed", severity="error", markup=False, timeout=15)
        else:
            self.app.notify(
                f"Operation {subject} ended: {one_line(operation.status)}.",
                title="Operation ended",
                severity="warning",
                markup=False,
            )
