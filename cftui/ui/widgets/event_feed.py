"""The Events pane: a bounded, scrollable feed of what changed, newest at the bottom.

Each line is `time glyph [severity] summary`; errors and warnings are highlighted and also carry a word, so the
feed reads the same without colour. A resource going to `error` raises a notification (one per update, however
many resources broke at once) and rings the terminal bell when the user enabled it (`settings.bell`).
The feed keeps at most `max_lines` events and draws them when painted, at the pane's width of that moment (a
line longer than the pane ends in an ellipsis), so a feed that was hidden or resized never shows stale cuts.
History loaded at start (`preload`) counts towards the same bound.
A new line costs about one line of terminal output: it lands in empty room below the newest line; when that room
runs out, the view jumps so the newest line sits mid-pane (the only full repaint, once per half pane of lines).
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
from cftui.ui.format import clock_time, truncate

DEFAULT_MAX_LINES = 500
SUMMARY_WIDTH = 200  # a 300-character name should not make every line scroll sideways
PROJECT_WIDTH = 24  # a project's name in a line about one of its resources
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


def event_body(event: ChangeEvent, project: str | None = None) -> str:
    """What happened first, then whose it is: `running -> error · web-1`, or `running -> error ·
    data-platform/web-1` for a resource of another project than the selected one, so a line cut at the pane's
    width still says what happened."""
    summary = event_summary(event)
    name = one_line(event.subject_name or "")
    subject = f"{project}/{name}" if project and name else name or (project or "")
    lead = f"{name}: "
    if name and summary.startswith(lead) and len(summary) > len(lead):
        return f"{summary[len(lead) :]} · {subject}"
    return f"{summary} · {project}" if project else summary


def event_line_text(event: ChangeEvent, project: str | None = None) -> str:
    """The plain text of a feed line (also what tests read back)."""
    glyph = KIND_GLYPHS.get(event.kind, "•")
    return f"{clock_time(event.at)} {glyph:<2} {SEVERITY_WORDS.get(event.severity, '')}{event_body(event, project)}"


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
        # up to `max_lines + _slack` are drawn; the oldest are let go in chunks, not one per new line, so the
        # lines on screen do not all move (and repaint) for every event once the feed is full
        self._slack = self.max_lines // 4
        self._events: deque[ChangeEvent] = deque()
        self._first_number = 0  # the running number of the oldest event held: keys the line cache
        self._room_to = 0  # the virtual height reserved below the newest line (see `_add`)
        self._cache: LRUCache[tuple[int, int], Strip] = LRUCache(1024)
        self._following = True  # the view sticks to the newest line until the reader scrolls away
        self._bell = bell
        self._project_names: dict[str, str] = {}  # from the latest snapshot, by project id
        self._projects_seen: object = None  # the snapshot's project list they were read from
        self._selected_project: str | None = None  # lines about its resources need not name it

    # --- the contract with the app -----------------------------------------------------------------------

    @property
    def events(self) -> tuple[ChangeEvent, ...]:
        """The newest `max_lines` events, oldest first (older ones still on screen are about to go)."""
        return tuple(self._events)[-self.max_lines :]

    @property
    def line_texts(self) -> list[str]:
        """The lines of `events`, as plain text, uncut (oldest first)."""
        return [event_line_text(event, self._project_label(event)) for event in self.events]

    def preload(self, events: Sequence[ChangeEvent]) -> None:
        """Show history from before this session; no notification or bell for old news."""
        self._add(events)

    def show_project(self, project_id: str | None) -> None:
        """The selected project changed: lines about other projects' resources name their project."""
        if project_id != self._selected_project:
            self._selected_project = project_id
            self._redraw()

    def apply(self, update: MonitorUpdate) -> None:
        self._read_project_names(update)
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
        # at least a pane of virtual height: a line landing in an empty pane changes no size (a new size means
        # a new layout, and that repaints every scrollbar on screen)
        self._room_to = self.scrollable_content_region.height
        self.virtual_size = Size(self.scrollable_content_region.width, max(len(self._events), self._room_to))
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
        """Append events, writing to the terminal only what must change.

        A line that lands in the visible window repaints that line alone. When the newest lines would run past
        the bottom, the view jumps so the newest line sits mid-pane with empty room below it: the next lines
        fill that room one line each, instead of every new line scrolling (and repainting) the whole pane.
        """
        recent = list(events)[-self.max_lines :]  # older ones would be dropped at once
        if not recent:
            return
        self._events.extend(recent)
        dropped = 0
        if len(self._events) > self.max_lines + self._slack:
            dropped = len(self._events) - self.max_lines
            for _ in range(dropped):
                self._events.popleft()
            self._first_number += dropped
        if not self.size.height:
            return  # hidden (another tab at 80x24): drawn when shown, see on_resize
        count, height = len(self._events), self.scrollable_content_region.height
        first_new = count - len(recent)
        # keep the user's place when they scrolled back to read
        follow = self._following = self.is_vertical_scroll_end
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
            self.refresh_lines(first_new, min(len(recent), top + height - first_new))

    def action_scroll_end(self) -> None:
        """`G`/End: the newest line at the very bottom (the room kept below it by `_add` is given up)."""
        self._room_to = self.scrollable_content_region.height
        self._resize_virtual(len(self._events))
        super().action_scroll_end()

    def _resize_virtual(self, count: int) -> None:
        size = Size(self.scrollable_content_region.width, max(count, self._room_to))
        if size != self.virtual_size:
            self.virtual_size = size

    def _read_project_names(self, update: MonitorUpdate) -> None:
        projects = update.snapshot.projects
        if projects is None or projects is self._projects_seen:
            return
        self._projects_seen = projects
        names = {p.id: truncate(one_line(p.name or p.id), PROJECT_WIDTH) for p in projects.value}
        if names != self._project_names:
            self._project_names = names
            self._redraw()

    def _redraw(self) -> None:
        if self._events:
            self._cache.clear()
            self.refresh()

    def _project_label(self, event: ChangeEvent) -> str | None:
        """The project's name when the event is about a resource of a project other than the selected one."""
        project_id = event.project_id
        if not project_id or project_id == self._selected_project or event.subject_id == project_id:
            return None
        return self._project_names.get(project_id) or truncate(one_line(project_id), PROJECT_WIDTH)

    def _line(self, event: ChangeEvent) -> Text:
        text = Text(no_wrap=True, end="")
        text.append(clock_time(event.at), self._style("event-feed--time"))
        text.append(f" {KIND_GLYPHS.get(event.kind, '•'):<2} ")
        body = f"{SEVERITY_WORDS.get(event.severity, '')}{event_body(event, self._project_label(event))}"
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
