"""The Events pane: a bounded, scrollable feed of what changed, newest at the bottom.

Each line is `time glyph [severity] summary`; errors and warnings are highlighted and also carry a word, so the
feed reads the same without colour. A resource going to `error` raises a notification (one per update, however
many resources broke at once) and rings the terminal bell when the user enabled it (`settings.bell`).
The feed keeps at most `max_lines` events and draws them when painted, at the pane's width of that moment (a
line longer than the pane ends in an ellipsis), so a feed that was hidden or resized never shows stale cuts.
History loaded at start (`preload`) counts towards the same bound.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Sequence
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from cftui.api.sanitize import one_line
from cftui.monitor.events import ChangeEvent, EventKind, Severity
from cftui.monitor.state import MonitorUpdate
from cftui.ui.format import clock_time

DEFAULT_MAX_LINES = 500
SUMMARY_WIDTH = 200  # a 300-character name should not make every line scroll sideways
NAMES_IN_NOTIFICATION = 3

KIND_GLYPHS: dict[EventKind, str] = {
    EventKind.RESOURCE_CREATED: "+",
    EventKind.RESOURCE_DELETED: "−",
    EventKind.RESOURCE_STATUS_CHANGED: "⇄",
    EventKind.RESOURCE_UPDATED: "✎",
    EventKind.COST_CHANGED: "$",
    EventKind.COST_THRESHOLD_EXCEEDED: "$!",
    EventKind.OPERATION_PROGRESS: "▶",
    EventKind.OPERATION_COMPLETED: "✔",
    EventKind.OPERATION_FAILED: "✖",
}
SEVERITY_WORDS: dict[Severity, str] = {Severity.ERROR: "ERROR ", Severity.WARNING: "WARN ", Severity.INFO: ""}


def event_summary(event: ChangeEvent) -> str:
    """The event's sentence, or one built from its facts; always a single, bounded line of text."""
    summary = event.summary
    if not summary:
        change = f"{event.old} -> {event.new}" if event.old is not None or event.new is not None else ""
        summary = f"{event.subject_name or event.subject_id}: {event.kind.value} {change}".strip()
    flat = one_line(summary)
    return flat if len(flat) <= SUMMARY_WIDTH else flat[: SUMMARY_WIDTH - 1] + "…"


def event_line_text(event: ChangeEvent) -> str:
    """The plain text of a feed line (also what tests read back)."""
    glyph = KIND_GLYPHS.get(event.kind, "•")
    return f"{clock_time(event.at)} {glyph:<2} {SEVERITY_WORDS.get(event.severity, '')}{event_summary(event)}"


def went_to_error(event: ChangeEvent) -> bool:
    return event.kind is EventKind.RESOURCE_STATUS_CHANGED and event.new == "error"


class EventFeed(ScrollView, can_focus=True):
    """Change events as lines of text, never markup; `apply()` each update, `preload()` history at start."""

    HELP_GROUP = "Events pane"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "scroll_down", "Scroll down", show=False),
        Binding("k", "scroll_up", "Scroll up", show=False),
        Binding("g", "scroll_home", "Oldest event", show=False),
        Binding("G", "scroll_end", "Newest event", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "event-feed--time",
        "event-feed--error",
        "event-feed--warning",
    }
    DEFAULT_CSS = """
    EventFeed {
        height: 1fr;
        background: $surface;
        color: $foreground;
        overflow-y: auto;
        overflow-x: hidden;
        scrollbar-size-vertical: 1;
    }
    EventFeed > .event-feed--time { color: $text-muted; }
    EventFeed > .event-feed--error { color: $text-error; background: $error-muted; text-style: bold; }
    EventFeed > .event-feed--warning { color: $text-warning; text-style: bold; }
    """

    def __init__(
        self,
        *,
        max_lines: int = DEFAULT_MAX_LINES,
        bell: Callable[[], None] | None = None,
        id: str | None = "events",
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.max_lines = max(1, max_lines)
        self._events: deque[ChangeEvent] = deque(maxlen=self.max_lines)
        self._first_number = 0  # the running number of the oldest event held: keys the line cache
        self._cache: LRUCache[tuple[int, int], Strip] = LRUCache(1024)
        self._following = True  # the view sticks to the newest line until the reader scrolls away
        self._bell = bell

    # --- the contract with the app -----------------------------------------------------------------------

    @property
    def events(self) -> tuple[ChangeEvent, ...]:
        """The events the feed currently holds, oldest first (never more than `max_lines`)."""
        return tuple(self._events)

    @property
    def line_texts(self) -> list[str]:
        """Every line the feed holds, as plain text, uncut (oldest first)."""
        return [event_line_text(event) for event in self._events]

    def preload(self, events: Sequence[ChangeEvent]) -> None:
        """Show history from before this session; no notification or bell for old news."""
        self._add(events)

    def apply(self, update: MonitorUpdate) -> None:
        if not update.events:
            return  # nothing new: nothing is written, nothing repaints
        self._add(update.events)
        self._announce_errors([event for event in update.events if went_to_error(event)])

    # --- drawing -----------------------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.border_title = "Events"

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()  # theme or style changed: lines are drawn again with the new colours

    def on_resize(self) -> None:
        self._cache.clear()
        self.virtual_size = Size(self.scrollable_content_region.width, len(self._events))
        if self._following:
            self.call_after_refresh(self.scroll_end, animate=False, immediate=True, x_axis=False)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        if index >= len(self._events) or width <= 0:
            return Strip.blank(width, self.rich_style)
        key = (self._first_number + index, width)
        strip = self._cache.get(key)
        if strip is None:
            text = self._line(self._events[index])
            text.style = self.rich_style  # the base style covers the padding too, not only the words
            text.truncate(width, overflow="ellipsis", pad=True)
            strip = Strip(text.render(self.app.console), width)
            self._cache[key] = strip
        return strip.apply_offsets(scroll_x, index)

    # --- internals ---------------------------------------------------------------------------------------

    def _add(self, events: Sequence[ChangeEvent]) -> None:
        recent = list(events)[-self.max_lines :]  # older ones would be dropped at once
        if not recent:
            return
        dropped = max(0, len(self._events) + len(recent) - self.max_lines)
        self._events.extend(recent)
        self._first_number += dropped
        if not self.size.height:
            return  # hidden (another tab at 80x24): drawn when shown, see on_resize
        # keep the user's place when they scrolled back to read
        follow = self._following = self.is_vertical_scroll_end
        self.virtual_size = Size(self.scrollable_content_region.width, len(self._events))
        if follow:
            self.scroll_end(animate=False, immediate=False, x_axis=False)
            self.refresh()
        elif dropped:
            # the lines under the reader moved up by `dropped`: follow them so the same lines stay in view
            self.scroll_to(y=max(0, self.scroll_offset.y - dropped), animate=False, immediate=False)
            self.refresh()
        elif len(self._events) - len(recent) < self.scroll_offset.y + self.scrollable_content_region.height:
            self.refresh()  # the new lines land inside the visible window

    def _line(self, event: ChangeEvent) -> Text:
        text = Text(no_wrap=True, end="")
        text.append(clock_time(event.at), self._style("event-feed--time"))
        text.append(f" {KIND_GLYPHS.get(event.kind, '•'):<2} ")
        body = f"{SEVERITY_WORDS.get(event.severity, '')}{event_summary(event)}"
        if event.severity is Severity.ERROR:
            text.append(body, self._style("event-feed--error"))
        elif event.severity is Severity.WARNING:
            text.append(body, self._style("event-feed--warning"))
        else:
            text.append(body)
        return text

    def _style(self, component: str) -> Style:
        return self.get_component_rich_style(component, partial=True)

    def _announce_errors(self, broken: Iterable[ChangeEvent]) -> None:
        broken = list(broken)
        if not broken:
            return
        names = [one_line(e.subject_name or e.subject_id)[:60] for e in broken[:NAMES_IN_NOTIFICATION]]
        more = len(broken) - len(names)
        if len(broken) == 1:
            message = f"{names[0]} went to error ({one_line(broken[0].subject_id)})."
        else:
            message = f"{len(broken)} resources went to error: {', '.join(names)}" + (
                f" and {more} more." if more else "."
            )
        self.app.notify(message, title="Resource error", severity="error", markup=False, timeout=10)
        self._ring()

    def _ring(self) -> None:
        if self._bell is not None:
            self._bell()
            return
        settings = getattr(self.app, "settings", None)
        if getattr(settings, "bell", False):
            self.app.bell()
