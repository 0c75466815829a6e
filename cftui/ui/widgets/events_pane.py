"""The Events pane: the feed, the whole text of its highlighted line, and its filter box (`/`).

The feed's lines are cut at the pane's width; the line under the cursor is shown in full below it (wrapped, at
most `DETAIL_ROWS` rows). The filter box takes `kind:`, `sev:`, `project:` and plain words (see
`cftui/ui/event_filter.py`); the pane's lower border says what it keeps.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Input, Static

from cftui.ui.event_filter import parse_event_filter
from cftui.ui.widgets.event_feed import EventFeed
from cftui.ui.widgets.pane import Pane
from cftui.ui.widgets.prompt_input import PromptInput

DETAIL_ROWS = 4
PLACEHOLDER = "kind:status sev:error project:shop words…"


class EventsPane(Pane):
    """The feed with its detail line and filter box; the app forwards `/` and Escape here."""

    DEFAULT_CSS = f"""
    EventsPane > #events-detail {{
        height: auto;
        max-height: {DETAIL_ROWS};
        padding: 0 1;
        background: $boost;
        display: none;
    }}
    """

    def __init__(self, *, bell: Callable[[], None] | None = None) -> None:
        super().__init__("events")
        self._bell = bell

    def compose(self) -> ComposeResult:
        yield EventFeed(id="events", bell=self._bell)
        yield Static(id="events-detail")
        yield PromptInput(placeholder=PLACEHOLDER, id="events-filter")

    @property
    def feed(self) -> EventFeed:
        return self.query_one(EventFeed)

    @property
    def detail_text(self) -> str:
        """The whole text of the highlighted line ("" when no line is highlighted)."""
        detail = self.query_one("#events-detail", Static)
        return str(detail.render()) if detail.display else ""

    def on_event_feed_highlighted(self, message: EventFeed.Highlighted) -> None:
        message.stop()
        detail = self.query_one("#events-detail", Static)
        detail.update(Content(message.full_text))
        detail.display = message.event is not None

    def start_filter(self) -> bool:
        """The feed's own filter: kind, severity, project, words."""
        box = self.query_one("#events-filter", Input)
        box.display = True
        self.screen.set_focus(box)  # at once: the letters typed right after `/` must reach the box
        return True

    def escape_filter(self) -> None:
        """Its own box (not a `PaneFilter`) reaches here focused: out of the box first, then the filter goes."""
        if not self.leave_filter():
            self.clear_filter()

    def leave_filter(self) -> bool:
        """Escape in the filter box: back to the feed (the filter stays). True when the box had the focus."""
        box = self.query_one("#events-filter", Input)
        if not box.has_focus:
            return False
        self.screen.set_focus(self.feed)
        return True

    def clear_filter(self) -> None:
        """Escape again: the filter goes, every event shows."""
        box = self.query_one("#events-filter", Input)
        if box.value or box.display:
            box.value = ""
            box.display = False
            self.screen.set_focus(self.feed)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "events-filter":
            return
        event.stop()
        wanted = parse_event_filter(event.value)
        self.feed.set_filter(wanted)
        subtitle = ""
        if wanted.active:
            subtitle = f"/{wanted.describe()} · {len(self.feed.events)} shown"
        if wanted.problems:
            subtitle += f" · not understood: {' '.join(wanted.problems)} (sev: error, warn, info)"
        self.border_subtitle = Content(subtitle[:80])

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "events-filter":
            return
        event.stop()
        if not event.value:
            event.input.display = False
        self.screen.set_focus(self.feed)
