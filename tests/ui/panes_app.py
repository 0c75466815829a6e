"""A small host App for the panes (the operations pane and the events feed), with the app actions they call,
its hand-moved clock, and the text a widget shows on screen."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any, ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widget import Widget

from cftui.monitor.state import MonitorUpdate, Snapshot
from cftui.ui.commands import DASHBOARD_PROVIDERS
from cftui.ui.screens.help import HelpScreen
from cftui.ui.screens.watch_prompt import WatchOperationScreen
from cftui.ui.themes import register_themes
from cftui.ui.widgets.event_feed import EventFeed
from cftui.ui.widgets.operations import OperationsPane
from tests.builders import T0

PANES_CSS = Path(__file__).resolve().parents[2] / "styles" / "panes.tcss"


def rendered_text(widget: Widget) -> str:
    """What the widget's screen area shows, as plain text (markup, if any had been parsed, would be gone)."""
    strips = widget.screen._compositor.render_strips()
    region = widget.region
    rows = range(region.y, min(region.bottom, len(strips)))
    return "\n".join(strips[y].crop(region.x, region.right).text.rstrip() for y in rows)


class FrozenClock:
    """The injectable clock: tests move it by hand."""

    def __init__(self, start: datetime = T0) -> None:
        self.moment = start

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, seconds: float) -> None:
        self.moment += timedelta(seconds=seconds)


class PanesApp(App[None]):
    """A host for the panes with the app actions they call, recording each call."""

    CSS_PATH: ClassVar[list[Any]] = [PANES_CSS]
    COMMANDS: ClassVar[Any] = App.COMMANDS | DASHBOARD_PROVIDERS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "show_help", "Show every key"),
        Binding("w", "ask_watch_operation", "Watch an operation"),
        Binding("e", "toggle_problems_only", "Problems only"),
    ]

    def __init__(self, *, clock: FrozenClock | None = None, bell: bool = False, max_events: int = 500) -> None:
        super().__init__()
        register_themes(self)
        self.now = clock or FrozenClock()
        self.settings = SimpleNamespace(bell=bell)
        self.latest_snapshot: Snapshot | None = None
        self.calls: list[tuple[Any, ...]] = []
        self.rings = 0
        self._max_events = max_events

    def compose(self) -> ComposeResult:
        yield OperationsPane()
        yield EventFeed(max_lines=self._max_events)

    def feed(self, message: MonitorUpdate) -> None:
        self.latest_snapshot = message.snapshot
        self.query_one(OperationsPane).apply(message)
        self.query_one(EventFeed).apply(message)

    def bell(self) -> None:
        self.rings += 1

    # the app actions the panes engineer may call (names fixed by the contract)
    def action_jump_to_project(self, project_id: str) -> None:
        self.calls.append(("jump_to_project", project_id))

    def action_jump_to_resource(self, project_id: str, resource_id: str) -> None:
        self.calls.append(("jump_to_resource", project_id, resource_id))

    def action_watch_operation(self, op_id: str) -> None:
        self.calls.append(("watch_operation", op_id))
        self.query_one(OperationsPane).expect(op_id)

    def action_toggle_problems_only(self) -> None:
        self.calls.append(("toggle_problems_only",))

    def action_set_theme(self, name: str) -> None:
        self.calls.append(("set_theme", name))
        self.theme = name

    def action_copy_selected_id(self) -> None:
        self.calls.append(("copy_selected_id",))

    def action_show_help(self) -> None:
        self.calls.append(("show_help",))
        self.push_screen(HelpScreen())

    def action_ask_watch_operation(self) -> None:
        self.calls.append(("ask_watch_operation",))

        def watch(op_id: str | None) -> None:
            if op_id:
                self.action_watch_operation(op_id)

        self.push_screen(WatchOperationScreen(), watch)
