"""One operation in the Operations pane: header (status, type, resource), progress bar and timing, error, log.

A card is created once and updated in place: the header and bar only when the operation changed, the log only
with lines it has not shown, and the timing line once a second while the operation runs (`tick`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from datetime import UTC, datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.selection import Selection
from textual.strip import Strip
from textual.widgets import Static

from cftui.api.models import Operation, OperationLog
from cftui.api.sanitize import one_line
from cftui.monitor.operations import time_left
from cftui.ui.format import clock_time, duration, operation_badge, progress_bar, status_severity, truncate

LOG_LINES_PER_OPERATION = 500


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
    """`elapsed 1m 05s · left in 2m 00s` (to `estimated_completion`); for an ended operation, how long it took."""
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
    left = time_left(operation, now)
    seconds = left.total_seconds() if left is not None else 0.0
    return f"{elapsed} · " + ("due now" if seconds <= 0 else f"left in {duration(seconds + 0.999)}")


def progress_text(operation: Operation) -> str:
    """`[█████░░░] 45%  ETA 14:05:00`: the bar, its figure, and when the API expects the end."""
    eta = operation.estimated_completion
    suffix = f"  ETA {clock_time(eta)}" if eta is not None and not operation.is_finished else ""
    return f"{progress_bar(operation.clamped_progress)}{suffix}"


class OperationLogView(ScrollView):
    """The operation's log, each line cut with an ellipsis to the columns it has when painted.

    Its own Line-API view rather than Textual's `Log`: a `Log` measures every write's width in a thread worker,
    and when the card was removed while that thread ran (the pane drops finished cards), the thread's look-up of
    its app failed and the worker's error ended the whole dashboard. This view starts no worker: lines are cut at
    paint time and never scrolled sideways, so no width is ever measured.

    It keeps whole lines (the last `LOG_LINES_PER_OPERATION`) and cuts each one as it draws it, to the width
    inside its gutter and beside its vertical scrollbar. The width is read at paint time, not taken from a
    `Resize` event: Textual does not send one to a widget that was laid out while off screen, and a cut made
    before the layout settled would stay too wide (for the same reason it scrolls to its newest lines once it
    first has rows, told by the screen's layout signal). The scrollbar is always shown (`overflow-y: scroll`), so the
    width does not jump when the log grows taller than its rows.
    """

    DEFAULT_CSS = """
    OperationLogView {
        overflow-x: hidden;
        overflow-y: scroll;
    }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.auto_scroll = True
        self._lines: deque[str] = deque(maxlen=LOG_LINES_PER_OPERATION)

    @property
    def lines(self) -> list[str]:
        return list(self._lines)

    @property
    def full_lines(self) -> list[str]:
        return list(self._lines)

    @property
    def line_count(self) -> int:
        return len(self._lines)

    @property
    def content_width(self) -> int:
        """The columns a line may use: the width inside the gutter, less the scrollbar (0 before layout)."""
        return max(0, self.scrollable_content_region.width)

    def shown_lines(self) -> list[str]:
        """Every line as it is drawn at the current width."""
        width = self.content_width
        return [truncate(line, width) for line in self._lines] if width > 0 else []

    def add(self, lines: list[str]) -> None:
        """Append lines (each one line already); follow the end when the view was at its end."""
        at_end = self.is_vertical_scroll_end
        self._lines.extend(lines)
        self.virtual_size = Size(0, len(self._lines))
        if self.auto_scroll and at_end and not self.is_vertical_scrollbar_grabbed:
            self.scroll_end(animate=False, immediate=True, x_axis=False)
        self.refresh()

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        return selection.extract("\n".join(self._lines)), "\n"

    def on_mount(self) -> None:
        self.screen.screen_layout_refresh_signal.subscribe(self, self._once_laid_out)

    def _once_laid_out(self, _screen: object) -> None:
        """Lines written before the log had rows could not scroll to its end: once it has them, they do (the log
        shows its newest lines, as it does for every line written after)."""
        if not self.is_attached or self.scrollable_content_region.height <= 0:
            return
        self.screen.screen_layout_refresh_signal.unsubscribe(self)
        if self.auto_scroll and self.scroll_y < self.max_scroll_y:
            self.scroll_end(animate=False, immediate=True, x_axis=False)

    def render_line(self, y: int) -> Strip:
        scroll_y = self.scroll_offset.y
        index = scroll_y + y
        width = self.content_width
        style = self.rich_style
        if index >= len(self._lines) or width <= 0:
            return Strip.blank(width, style)
        text = Text(truncate(self._lines[index], width), no_wrap=True, end="")
        text.stylize(style)
        selection = self.text_selection
        span = selection.get_span(index) if selection is not None else None
        if span is not None:
            start, end = span
            text.stylize(self.screen.get_component_rich_style("screen--selection"), start, None if end == -1 else end)
        return Strip(text.render(self.app.console)).extend_cell_length(width, style).apply_offsets(0, index)


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
    OperationCard.-background { border-left: outer $foreground-muted; }
    OperationCard > .op-header { text-style: bold; }
    OperationCard > .op-ids { color: $text-muted; }
    OperationCard > .op-error { color: $error; height: auto; }
    OperationCard > OperationLogView {
        height: auto;
        max-height: 8;
        background: $surface;
        scrollbar-size-vertical: 1;
        scrollbar-size-horizontal: 0;
    }
    """

    def __init__(self, operation_id: str, *, requested: bool = True) -> None:
        super().__init__(classes="-pending" if requested else "-pending -background")
        self.operation_id = operation_id
        self.requested = requested  # the user asked for it (w, --watch-op, palette), not found on a resource
        self.operation: Operation | None = None
        self.missing: str | None = None  # why the monitor stopped watching it (e.g. the API does not know it)
        self.resource_name: str | None = None
        self.project_name: str | None = None
        self.finished_seen_at: datetime | None = None
        self.announced = False
        self.lines_written = 0
        # children are built now so that updates may arrive before the card is mounted
        self.header = Static(Content("◌ waiting"), classes="op-header")
        self.ids = Static(Content(one_line(operation_id)), classes="op-ids")
        self.progress = Static(Content("waiting for the first answer from the API"), classes="op-progress")
        self.timing = Static(Content(""), classes="op-timing")
        self.error = Static(Content(""), classes="op-error")
        self.error.display = False
        self.log_view = OperationLogView(classes="op-log")
        self._shown: dict[str, str] = {}  # what each line shows now: a line is repainted only when it changes

    def compose(self) -> ComposeResult:
        yield self.header
        yield self.ids
        yield self.progress
        yield self.timing
        yield self.error
        yield self.log_view

    def _set(self, name: str, widget: Static, text: str) -> bool:
        if self._shown.get(name) == text:
            return False
        self._shown[name] = text
        widget.update(Content(text))
        return True

    @property
    def is_finished(self) -> bool:
        return self.missing is not None or (self.operation is not None and self.operation.is_finished)

    def show_missing(self, sentence: str) -> None:
        """The monitor gave up on this operation (404): say so instead of waiting forever."""
        if sentence == self.missing:
            return
        self.missing = sentence
        self.set_class(True, "-failed")
        self._set("header", self.header, "✖ not found")
        self.header.set_classes("op-header status--error")
        self._set("progress", self.progress, one_line(sentence))
        self._set("timing", self.timing, "")

    def show(self, operation: Operation, now: datetime) -> None:
        """Update header, bar and state classes for a changed operation (only what differs is repainted)."""
        self.operation = operation
        if operation.is_finished and self.finished_seen_at is None:
            self.finished_seen_at = now
        for status in ("pending", "in_progress", "completed", "failed", "cancelled", "unknown"):
            self.set_class(status == self._status_class(operation), f"-{status}")
        resource = f" on {self.resource_name}" if self.resource_name else ""
        resource += f" in {self.project_name}" if self.project_name else ""
        if self._set(
            "header", self.header, f"{operation_badge(operation.status)}  {one_line(operation.type)}{resource}"
        ):
            self.header.set_classes(f"op-header status--{status_severity(operation.status)}")
        target = one_line(operation.resource_id or "")
        ids = " · ".join(part for part in (one_line(operation.id), target, self._found_on()) if part)
        self._set("ids", self.ids, ids)
        reason = failure_reason(operation) if operation.status == "failed" else None
        if reason:
            self.error.update(Content(f"error: {reason}"))
        self.error.display = bool(reason)
        self.tick(now)

    def _found_on(self) -> str:
        """Where an operation nobody asked for was found: `found on web-1 in shop-production` once the names are
        known (the organisation's view or the loaded resources), `found on a resource` until then."""
        if self.requested:
            return ""
        if self.resource_name is None:
            return "found on a resource"
        return f"found on {self.resource_name}" + (f" in {self.project_name}" if self.project_name else "")

    @staticmethod
    def _status_class(operation: Operation) -> str:
        known = ("pending", "in_progress", "completed", "failed", "cancelled")
        return operation.status if operation.status in known else "unknown"

    def tick(self, now: datetime) -> None:
        """Refresh the bar and the timing line; nothing is repainted when their text is unchanged."""
        operation = self.operation
        if operation is None:
            return
        self._set("progress", self.progress, progress_text(operation))
        self._set("timing", self.timing, timing_text(operation, now, self.finished_seen_at))

    def write_logs(self, lines: Iterable[OperationLog]) -> None:
        rendered = [f"{clock_time(line.timestamp)}  {one_line(line.message)}" for line in lines]
        if rendered:
            self.lines_written += len(rendered)
            self.log_view.add(rendered)
