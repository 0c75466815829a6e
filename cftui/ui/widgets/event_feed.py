"""The Events pane's feed: a bounded list of what changed, newest at the bottom, with a cursor and a filter.

Each line is `time glyph [severity] what happened · project/whose`; errors and warnings are highlighted and also
carry a word, so the feed reads the same without colour. Every line about a resource names its project. A
resource going to `error` raises a notification (one per update, however many resources broke at once) and rings
the terminal bell when the user enabled it (`settings.bell`).

The feed keeps at most `max_lines` events and draws them when painted, at the pane's width of that moment (a
line longer than the pane ends in an ellipsis), so a feed that was hidden or resized never shows stale cuts.
History loaded at start (`preload`) counts towards the same bound. An operation's progress is one line, updated
in place, not a new line every few seconds (its end is a line of its own).
A new line costs about one line of terminal output: it lands in empty room below the newest line; when that room
runs out, the view jumps so the newest line sits mid-pane (the only full repaint, once per half pane of lines).

What the feed holds (its lines, progress folded, the filter) is `FeedLines` (cftui/ui/feed_lines.py); this
widget draws it and announces errors.

`j`/`k` move a cursor over the lines (the view then stays where it is; `G` follows the newest again); the pane
shows the highlighted line's whole text and Enter opens what it is about (`Chosen`). `set_filter` shows only the
events an `EventFilter` keeps.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from cftui.monitor.events import ChangeEvent, Severity
from cftui.monitor.state import MonitorUpdate
from cftui.ui.error_toast import RESOURCE_ERROR_TITLE, error_summary
from cftui.ui.event_filter import EventFilter
from cftui.ui.event_text import (
    KIND_GLYPHS,
    PUSH_MARK,
    SEVERITY_WORDS,
    event_body,
    event_full_text,
    event_line_text,
    event_summary,
    went_to_error,
)
from cftui.ui.feed_lines import FeedLines
from cftui.ui.format import clock_time
from cftui.ui.held_toasts import screen_holds_toasts

__all__ = ["KIND_GLYPHS", "EventFeed", "event_body", "event_line_text", "event_summary", "went_to_error"]

DEFAULT_MAX_LINES = 500
ERROR_TOAST_SECONDS = 10.0  # an error toast stays this long; a burst within it replaces it with one summary


class EventFeed(ScrollView, can_focus=True):
    """Change events as lines of text, never markup; `apply()` each update, `preload()` history at start."""

    HELP_GROUP = "Events pane"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor(1)", "Next event", show=False),
        Binding("down", "cursor(1)", "Next event", show=False),
        Binding("k", "cursor(-1)", "Previous event", show=False),
        Binding("up", "cursor(-1)", "Previous event", show=False),
        Binding("g", "first", "Oldest event", show=False),
        Binding("G", "scroll_end", "Newest event (and follow)", show=False),
        Binding("enter", "choose", "Open its resource or operation", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "event-feed--time",
        "event-feed--error",
        "event-feed--warning",
        "event-feed--cursor",
        "event-feed--push",
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
    EventFeed > .event-feed--push { color: $text-accent; }
    EventFeed > .event-feed--cursor { text-style: reverse bold; }
    """

    class Highlighted(Message):
        """The cursor moved to an event (or left the lines: `event` is None)."""

        def __init__(self, event: ChangeEvent | None, full_text: str) -> None:
            super().__init__()
            self.event = event
            self.full_text = full_text

    class Chosen(Message):
        """Enter on an event: the user wants what it is about (its resource, operation or project)."""

        def __init__(self, event: ChangeEvent) -> None:
            super().__init__()
            self.event = event

    def __init__(
        self,
        *,
        max_lines: int = DEFAULT_MAX_LINES,
        bell: Callable[[], None] | None = None,
        id: str | None = "events",
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._lines = FeedLines(max_lines)  # what is shown; this widget only draws it
        self.max_lines = self._lines.max_lines
        self._room_to = 0  # the virtual height reserved below the newest line (see `_add`)
        self._cache: LRUCache[tuple[int, int, int, bool], Strip] = LRUCache(1024)
        self._following = True  # the view sticks to the newest line until the reader scrolls away
        self._cursor: int | None = None  # the number of the highlighted line
        self._bell = bell
        self._burst: list[ChangeEvent] = []  # errors of the toast on screen (or held while the help is up)
        self._error_toast_at = 0.0  # monotonic time the last error toast was raised
        self._toast_held = False  # it was raised while the help was up (the app holds it until it closes)

    # --- the contract with the app -----------------------------------------------------------------------

    @property
    def events(self) -> tuple[ChangeEvent, ...]:
        """The newest `max_lines` events shown, oldest first (older ones still on screen are about to go)."""
        return self._lines.newest

    @property
    def line_texts(self) -> list[str]:
        """The lines of `events`, as plain text, uncut (oldest first)."""
        return [event_line_text(event, self._lines.project_label(event)) for event in self.events]

    @property
    def highlighted(self) -> ChangeEvent | None:
        index = self._lines.index(self._cursor)
        return self._lines.shown[index] if index is not None else None

    @property
    def filter(self) -> EventFilter:
        return self._lines.filter

    def preload(self, events: Sequence[ChangeEvent]) -> None:
        """Show history from before this session; no notification or bell for old news."""
        self._add(events)

    def apply(self, update: MonitorUpdate) -> None:
        if self._lines.read_project_names(update) and self._lines.shown:
            self._cache.clear()  # the lines name projects anew
            self.refresh()
        if not update.events:
            return  # nothing new: nothing is written, nothing repaints
        self._add(update.events)
        self._announce_errors([event for event in update.events if went_to_error(event)])

    def set_filter(self, event_filter: EventFilter) -> None:
        """Show only the events the filter keeps (all of them for an empty filter), newest at the bottom."""
        if event_filter == self._lines.filter:
            return
        self._lines.set_filter(event_filter)  # new line numbers: no stale line from the cache
        self._cache.clear()
        self._set_cursor(None)
        self._following = True
        self.scroll_to(y=0, animate=False, immediate=True, force=True)
        self._to_newest()
        self.refresh()

    def full_text(self, event: ChangeEvent) -> str:
        return event_full_text(event, self._lines.project_label(event))

    # --- keys --------------------------------------------------------------------------------------------

    def action_cursor(self, step: int) -> None:
        if not self._lines:
            return
        index = self._lines.index(self._cursor)
        if index is None:
            # the first press lands on the lowest line in view: where the reader's eyes are
            height = self.scrollable_content_region.height
            index = min(len(self._lines) - 1, self.scroll_offset.y + max(0, height - 1))
        else:
            index = min(max(index + step, 0), len(self._lines) - 1)
        self._set_cursor(self._lines.first_number + index)

    def action_first(self) -> None:
        if self._lines:
            self._set_cursor(self._lines.first_number)
        self.scroll_home(animate=False, immediate=True)

    def action_scroll_end(self) -> None:
        """`G`/End: the newest line at the very bottom and followed again (the cursor is let go)."""
        self._set_cursor(None)
        self._to_newest()

    def _to_newest(self) -> None:
        self._following = True
        self._room_to = self.scrollable_content_region.height
        self._resize_virtual(len(self._lines))
        # not the inherited action: it raises SkipAction when nothing needs scrolling, which a call (not a key)
        # would let escape
        self.scroll_end(animate=False, immediate=True, x_axis=False)

    def action_choose(self) -> None:
        event = self.highlighted
        if event is None:
            self.app.notify("Move to an event with j / k first.", markup=False, timeout=3)
            return
        self.post_message(self.Chosen(event))

    # --- drawing -----------------------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.border_title = "Events"

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()  # theme or style changed: lines are drawn again with the new colours

    def on_resize(self) -> None:
        self._cache.clear()
        # at least a pane of virtual height: a line landing in an empty pane changes no size (a new size means
        # a new layout, and that repaints every scrollbar on screen)
        self._room_to = self.scrollable_content_region.height
        self.virtual_size = Size(self.scrollable_content_region.width, max(len(self._lines), self._room_to))
        if self._following:
            # the room kept below the newest line was for the old height: the newest line goes to the bottom
            self.scroll_to(y=self._bottom_top(), animate=False, immediate=True, force=True)
            self.call_after_refresh(self._stick_to_bottom)
        elif self._cursor is not None:
            self.call_after_refresh(self._show_cursor)

    def _stick_to_bottom(self) -> None:
        """Once laid out at the new size (the scrollbar it needs exists), the view's end is where it should be."""
        if self._following and self.scroll_offset.y != self._bottom_top():
            self.scroll_to(y=self._bottom_top(), animate=False, immediate=True, force=True)

    def _bottom_top(self) -> int:
        return max(0, self.virtual_size.height - self.scrollable_content_region.height)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        if index >= len(self._lines) or width <= 0:
            return Strip.blank(width, self.rich_style)
        number = self._lines.first_number + index
        highlighted = number == self._cursor
        key = (number, self._lines.revisions.get(number, 0), width, highlighted)
        strip = self._cache.get(key)
        if strip is None:
            text = self._line(self._lines.shown[index])
            text.style = self.rich_style  # the base style covers the padding too, not only the words
            text.truncate(width, overflow="ellipsis", pad=True)
            if highlighted:
                text.stylize(self._style("event-feed--cursor"))
            strip = Strip(text.render(self.app.console), width)
            self._cache[key] = strip
        return strip.apply_offsets(scroll_x, index)

    # --- internals ---------------------------------------------------------------------------------------

    def _set_cursor(self, number: int | None) -> None:
        previous = self._lines.index(self._cursor)
        self._cursor = number
        if previous is not None:
            self.refresh_lines(previous, 1)
        index = self._lines.index(number)
        if index is not None:
            self.refresh_lines(index, 1)
            self._following = False
            self._show_cursor()
        event = self.highlighted
        self.post_message(self.Highlighted(event, self.full_text(event) if event is not None else ""))

    def _show_cursor(self) -> None:
        index = self._lines.index(self._cursor)
        if index is None:
            return
        top, height = self.scroll_offset.y, self.scrollable_content_region.height
        if index < top:
            self.scroll_to(y=index, animate=False, immediate=True, force=True)
        elif height and index >= top + height:
            self.scroll_to(y=index - height + 1, animate=False, immediate=True, force=True)

    def _rewritten(self, index: int, number: int, event: ChangeEvent) -> None:
        """An operation's progress line was rewritten in place: that line alone repaints."""
        if self.size.height:
            self.refresh_lines(index, 1)
        if number == self._cursor:
            self.post_message(self.Highlighted(event, self.full_text(event)))

    def _add(self, events: Sequence[ChangeEvent], *, hold: bool = True) -> None:
        """Append events, writing to the terminal only what must change.

        A line that lands in the visible window repaints that line alone. When the newest lines would run past
        the bottom, the view jumps so the newest line sits mid-pane with empty room below it: the next lines
        fill that room one line each, instead of every new line scrolling (and repainting) the whole pane.
        """
        added, dropped = self._lines.add(events, hold=hold, rewritten=self._rewritten)
        if not added:
            return
        if dropped and self._cursor is not None and self._cursor < self._lines.first_number:
            self._set_cursor(self._lines.first_number)  # its line was let go: the oldest one left
        if not self.size.height:
            return  # hidden (another tab at 80x24): drawn when shown, see on_resize
        count, height = len(self._lines), self.scrollable_content_region.height
        first_new = count - added
        # keep the user's place when they scrolled back to read, or put the cursor on a line
        follow = self._following = self._cursor is None and self.is_vertical_scroll_end
        top = max(0, self.scroll_offset.y - dropped)  # the same lines, after the drop
        if follow and (dropped or count > top + height):
            top = 0 if count <= height else count - max(1, height // 2)
            self._room_to = top + height
            self._resize_virtual(count)
            # force: the scrollbar the taller virtual size needs is not there until the next layout, and without
            # it Textual ignores the scroll (the feed stopped following once it filled)
            self.scroll_to(y=top, animate=False, immediate=True, force=True)
            self.refresh()
            return
        self._resize_virtual(count)
        if dropped:
            # the lines under the reader moved up by `dropped`: follow them so the same lines stay in view
            self.scroll_to(y=top, animate=False, immediate=True, force=True)
            self.refresh()
        elif first_new < top + height:
            self.refresh_lines(first_new, min(added, top + height - first_new))

    def _resize_virtual(self, count: int) -> None:
        size = Size(self.scrollable_content_region.width, max(count, self._room_to))
        if size != self.virtual_size:
            self.virtual_size = size

    def _line(self, event: ChangeEvent) -> Text:
        text = Text(no_wrap=True, end="")
        text.append(clock_time(event.at), self._style("event-feed--time"))
        text.append(f" {KIND_GLYPHS.get(event.kind, '•'):<2} ")
        if event.source == "push":
            text.append(PUSH_MARK, self._style("event-feed--push"))
        body = f"{SEVERITY_WORDS.get(event.severity, '')}{event_body(event, self._lines.project_label(event))}"
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
        """One toast for a burst: it names projects and resources and counts the burst before it while that
        toast is still up or still held (the app holds toasts while the help is open, and a newer toast of the
        same title replaces the held one), so a burst that grows while the help is up shows as one toast."""
        broken = list(broken)
        if not broken:
            return
        holds = screen_holds_toasts(self.app)
        recent = time.monotonic() - self._error_toast_at <= ERROR_TOAST_SECONDS
        if not recent and not (self._toast_held and holds):
            self._burst = []
        self._burst += [event for event in broken if event not in self._burst]
        self._ring()
        if recent and self._error_toast_at > 0 and not holds:
            self.app.clear_notifications()  # the previous burst's toast: this one counts it too
        self._error_toast_at = time.monotonic()
        self._toast_held = holds
        self.app.notify(
            error_summary(self._burst, self._lines.project_label),
            title=RESOURCE_ERROR_TITLE,
            severity="error",
            markup=False,
            timeout=ERROR_TOAST_SECONDS,
        )

    def _ring(self) -> None:
        if self._bell is not None:
            self._bell()
            return
        settings = getattr(self.app, "settings", None)
        if getattr(settings, "bell", False):
            self.app.bell()
