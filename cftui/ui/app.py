"""The dashboard App: layout, key bindings, and the dispatch of monitor updates to the panes.

The data source (a `Monitor`) is passed in; tests pass none and feed `MonitorUpdate`s with `feed()`, the same
messages the real engine's listener posts. Every age and countdown uses the injected `now` clock, so snapshot
tests can freeze it. There is no changing `reactive` on the App: each update goes to the widgets it concerns.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, ClassVar

from textual import events, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.css.query import NoMatches
from textual.screen import ModalScreen
from textual.widgets import Input
from textual.worker import Worker, WorkerState

from cftui.monitor.state import CostSample, MonitorUpdate, Snapshot
from cftui.ui.actions import DashboardActions
from cftui.ui.commands import DASHBOARD_PROVIDERS
from cftui.ui.error_toast import RESOURCE_ERROR_TITLE
from cftui.ui.format import one_line
from cftui.ui.held_toasts import HeldToasts, Toast, screen_holds_toasts
from cftui.ui.key_order import KeyOrder, priority_keys
from cftui.ui.messages import MonitorUpdated, ProjectOpened, ProjectSelected, ResourceOpened
from cftui.ui.opener import ResourceOpener
from cftui.ui.pane_grid import MEDIUM_FROM, WIDE_FROM, PaneGrid
from cftui.ui.themes import register_themes
from cftui.ui.widgets.event_feed import EventFeed
from cftui.ui.widgets.events_pane import EventsPane
from cftui.ui.widgets.key_bar import KeyBar
from cftui.ui.widgets.operations import OperationsPane
from cftui.ui.widgets.pane import Pane, PaneTabs
from cftui.ui.widgets.project_list import ProjectList
from cftui.ui.widgets.projects_pane import ProjectsPane
from cftui.ui.widgets.resources_pane import ResourcesPane
from cftui.ui.widgets.status_line import ConnectionInfo, StatusLine

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel

    from cftui.monitor import Monitor

CostHistory = Callable[[str], Awaitable[list[CostSample]]]
CLOSE_TIMEOUT_S = 5.0
log = logging.getLogger(__name__)
DASHBOARD_ONLY_ACTIONS = frozenset(
    {
        "start_filter",
        "toggle_problems_only",
        "cycle_sort",
        "toggle_archived",
        "show_pane",
        "leave_filter",
        "ask_watch_operation",
        "toggle_zoom",
        "show_project_costs",
    }
)
TYPABLE_ACTIONS = frozenset({"start_filter", "show_pane", "ask_watch_operation"})


def styles_dir() -> Path:
    """`cftui/styles` in an installed wheel, the top-level `styles/` in a source checkout."""
    package = Path(__file__).resolve().parent.parent
    installed = package / "styles"
    return installed if installed.is_dir() else package.parent / "styles"


def _css_paths() -> list[str | PurePath]:
    folder = styles_dir()
    return [path for path in (folder / "app.tcss", folder / "panes.tcss") if path.is_file()]


def utc_now() -> datetime:
    return datetime.now(UTC)


class CloudForgeApp(DashboardActions, App[int]):
    """The dashboard. `monitor=None` runs it on updates fed by `feed()` (tests, screenshots)."""

    TITLE = "cftui"
    CSS_PATH = _css_paths()
    COMMANDS = App.COMMANDS | DASHBOARD_PROVIDERS
    # no ClassVar: Textual declares it as an instance attribute, and an override must match
    HORIZONTAL_BREAKPOINTS = [  # noqa: RUF012
        (0, "-narrow"),
        (MEDIUM_FROM, "-medium"),
        (WIDE_FROM, "-wide"),
    ]
    # footer labels are short; the tooltip is the long form the help screen (`?`) shows
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", tooltip="Quit cftui"),
        Binding("ctrl+c", "quit", "Quit", show=False, priority=True, tooltip="Quit cftui"),
        Binding("question_mark", "show_help", "Help", tooltip="Show every key (this list)"),
        # k9s muscle memory: `:` opens the command palette too (not a priority key: `:` typed in a filter is text)
        Binding(
            "colon",
            "command_palette",
            "Commands",
            tooltip="Jump to a project or resource, watch an operation, problems only, theme",
        ),
        Binding("ctrl+p", "command_palette", "Commands", show=False, priority=True, tooltip="The command palette"),
        # priority: keys typed right after these must reach the widget they focus (see check_action)
        Binding("slash", "start_filter", "Filter", priority=True, tooltip="Filter the projects or resources pane"),
        Binding("r", "refresh_now", "Refresh", tooltip="Refresh now"),
        # one key, two bindings: the footer shows the one that applies now (see check_action); priority, so a `p`
        # typed just before `w` is not read against `w`'s dialog (a key waiting for the focused widget is, and lost)
        Binding("p", "pause", "Pause", priority=True, tooltip="Pause refreshing projects and resources"),
        Binding("p", "resume", "Resume", priority=True, tooltip="Resume refreshing projects and resources"),
        Binding("plus", "change_interval(1)", "Slower", show=False, tooltip="Refresh less often (5 min at most)"),
        Binding("minus", "change_interval(-1)", "Faster", show=False, tooltip="Refresh more often (1 s at least)"),
        Binding("y", "copy_selected_id", "Copy id", tooltip="Copy the selected project, resource or operation id"),
        Binding("w", "ask_watch_operation", "Watch op", priority=True, tooltip="Watch an operation by its id"),
        Binding("e", "toggle_problems_only", "Problems", tooltip="Show only resources with problems, or all"),
        Binding(
            "s",
            "cycle_sort",
            "Sort",
            tooltip="Sort the active pane (next column): projects by any column, the header marks it with ▼; "
            "resources by name, cost, status",
        ),
        Binding("S", "cycle_sort(-1)", "Sort back", show=False, tooltip="Sort the active pane by the previous column"),
        Binding(
            "z",
            "toggle_zoom",
            "Zoom",
            tooltip="Zoom the active pane to the whole screen, or back (the status line stays)",
        ),
        Binding(
            "c",
            "show_project_costs",
            "Cost chart",
            tooltip="The selected project's cost over time, with its change over the last hour and day",
        ),
        Binding("a", "toggle_archived", "Archived", show=False, tooltip="Show or hide archived projects"),
        Binding("tab", "next_pane", "Next pane", show=False, priority=True),
        Binding("shift+tab", "previous_pane", "Previous pane", show=False, priority=True),
        Binding("1", "show_pane('projects')", "Projects pane", show=False, priority=True),
        Binding("2", "show_pane('resources')", "Resources pane", show=False, priority=True),
        Binding("3", "show_pane('operations')", "Operations pane", show=False, priority=True),
        Binding("4", "show_pane('events')", "Events pane", show=False, priority=True),
        Binding("escape", "leave_filter", "Leave / clear the filter", show=False),
        # k9s users reach for `0` to see every namespace: here, every project's problems
        Binding("0", "show_problems", "All problems", priority=True, tooltip="Problems across every project"),
    ]

    def __init__(
        self,
        info: ConnectionInfo,
        *,
        monitor: Monitor | None = None,
        now: Callable[[], datetime] = utc_now,
        bell: bool = False,
        watch_operations: tuple[str, ...] = (),
        theme: str | None = None,
        cost_history: CostHistory | None = None,
        startup_notes: tuple[str, ...] = (),
    ) -> None:
        super().__init__()
        register_themes(self)
        if theme:
            self.theme = theme
        self.info = info
        self.monitor = monitor
        self.now = now
        self.bell_on_error = bell
        self.initial_watches = watch_operations
        self.startup_notes = startup_notes  # what the settings want said (a URL without /v2)
        # where the detail screen's chart reads a resource's costs: the monitor's history, unless given
        self.cost_history: CostHistory = cost_history or self._monitor_cost_history
        self.latest_snapshot: Snapshot | None = None
        self._held_toasts = HeldToasts(self, self._show_toast, replacing_titles={RESOURCE_ERROR_TITLE})
        self.opener = ResourceOpener(self)  # a resource asked for before its project's resources are loaded
        self._accepting_updates = False
        self._notes_seen: set[str] = set()
        self._unsubscribe: Callable[[], object] | None = None
        self.paused = False
        # keys read together are handled in typed order: a priority key waits for the keys before it
        self._key_order = KeyOrder(self, self._handle_key, priority_keys(self.BINDINGS))

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            if not self._key_order.hold(event):
                await self._handle_key(event)
            return
        await super().on_event(event)

    async def _handle_key(self, event: events.Key) -> None:
        """A key from the terminal, as Textual handles it; followed to the App, so a priority key waits for it."""
        await super().on_event(event)
        self._key_order.sent(event)

    # --- layout -------------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield StatusLine(self.info, self.now, id="status")
        yield PaneTabs(id="pane-tabs")
        with PaneGrid(id="main"):
            yield ProjectsPane(self.info.host, active=True)
            with Pane("operations"):
                yield OperationsPane(id="operations", now=self.now)
            yield ResourcesPane()
            yield EventsPane(bell=self.bell if self.bell_on_error else None)
        yield KeyBar()

    def on_mount(self) -> None:
        try:
            self.query_one(ProjectList).focus()
        except NoMatches:
            return  # a signal ended the app during start-up: its panes are gone already, nothing to start
        self._accepting_updates = True
        for note in self.startup_notes:
            self._notes_seen.add(note)
            self.notify(one_line(note), title="Settings", severity="warning", markup=False, timeout=20)
        if self.monitor is not None:
            self._unsubscribe = self.monitor.add_listener(self._on_monitor_update)
            for op_id in self.initial_watches:
                self.monitor.watch_operation(op_id)
                self.query_one(OperationsPane).expect(op_id)  # a card at once, before the first answer
            self._preload_events()
            self._run_monitor()

    async def on_unmount(self) -> None:
        """Stop polling and close the client and history, whichever way the app ends."""
        self._accepting_updates = False
        if self._unsubscribe is not None:
            self._unsubscribe()
        if self.monitor is not None:
            try:
                await asyncio.wait_for(self.monitor.aclose(), CLOSE_TIMEOUT_S)
            except Exception:  # the app is closing either way: say why the monitor did not close cleanly
                log.warning("closing the monitor failed", exc_info=True)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """A toast never covers the help: raised while it is up, it waits until it closes."""
        toast = Toast(message, title, severity, timeout, markup)
        if screen_holds_toasts(self):
            self._held_toasts.hold(toast)
        else:
            self._show_toast(toast)

    def _show_toast(self, toast: Toast) -> None:
        super().notify(
            toast.message, title=toast.title, severity=toast.severity, timeout=toast.timeout, markup=toast.markup
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys that act on the dashboard's panes do nothing (and leave the footer) while another screen is up."""
        if action in ("pause", "resume"):
            if isinstance(self.focused, Input) or isinstance(self.screen, ModalScreen):
                return False  # a `p` typed in a box, or on a dialog or the help (where it never paused), is theirs
            return self.paused == (action == "resume")
        if action == "show_problems":
            return not isinstance(self.focused, Input)  # from any screen, but a `0` typed in a box is text
        if action not in DASHBOARD_ONLY_ACTIONS:
            return True
        on_dashboard = not self.screen_stack or self.screen is self.screen_stack[0]
        # while a filter box has the keyboard, `/` and digits are text, not commands
        typing = isinstance(self.focused, Input) and action in TYPABLE_ACTIONS
        return on_dashboard and not typing

    def note_paused(self, paused: bool) -> None:
        """The footer offers `p Pause` or `p Resume`, whichever applies."""
        if paused != self.paused:
            self.paused = paused
            self.refresh_bindings()

    async def _monitor_cost_history(self, resource_id: str) -> list[CostSample]:
        if self.monitor is None:
            return []
        return list(await self.monitor.resource_cost_history(resource_id))

    @property
    def active_pane(self) -> str:
        return self.query_one(PaneGrid).active

    def on_pane_grid_switched(self, message: PaneGrid.Switched) -> None:
        self.query_one(PaneTabs).active = message.pane

    # --- the data flow ------------------------------------------------------------------------------------

    def _on_monitor_update(self, update: MonitorUpdate) -> None:
        """The monitor's listener (called on the event loop): queue the update behind user input."""
        self.post_message(MonitorUpdated(update))

    def feed(self, update: MonitorUpdate) -> None:
        """Apply an update now, completely: what tests and screenshots use instead of a live monitor."""
        self._apply(update)
        self.query_one(ProjectList).flush()

    def on_monitor_updated(self, message: MonitorUpdated) -> None:
        self._apply(message.update)

    def _apply(self, update: MonitorUpdate) -> None:
        if not self._accepting_updates:
            return  # shutting down: the panes may already be gone
        try:
            self._dispatch(update)
        except NoMatches:
            return  # an update that raced the app's shutdown

    def _dispatch(self, update: MonitorUpdate) -> None:
        self.latest_snapshot = update.snapshot
        self.note_paused(update.snapshot.paused)
        self._show_notes(update.snapshot)
        self.query_one(StatusLine).apply(update)
        self.query_one(ProjectsPane).apply(update)
        self.query_one(ResourcesPane).apply(update)
        self.query_one(OperationsPane).apply(update)
        self.query_one(EventFeed).apply(update)
        for screen in self.screen_stack:
            apply = getattr(screen, "apply", None)
            if callable(apply):
                apply(update)
        self.opener.check(update.snapshot)

    def _show_notes(self, snapshot: Snapshot) -> None:
        for note in snapshot.notes:
            if note not in self._notes_seen:
                self._notes_seen.add(note)
                self.notify(one_line(note), title="cftui", severity="warning", markup=False, timeout=10)

    @work(exclusive=True, group="monitor", exit_on_error=False)
    async def _run_monitor(self) -> None:
        assert self.monitor is not None
        await self.monitor.run()

    @work(group="history", exit_on_error=False)
    async def _preload_events(self) -> None:
        assert self.monitor is not None
        events = await self.monitor.recent_events(limit=200)
        self.query_one(EventFeed).preload(list(events))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one handler for worker failures: they become a visible state, never a traceback."""
        if event.state is not WorkerState.ERROR:
            return
        error = event.worker.error
        message = f"{type(error).__name__}: {error}" if error is not None else "unknown error"
        if event.worker.group == "monitor":
            self.query_one(StatusLine).show_worker_error(message)
        else:
            self.notify(one_line(message), title=f"{event.worker.name} failed", severity="error", markup=False)

    # --- selection ----------------------------------------------------------------------------------------

    def on_project_selected(self, message: ProjectSelected) -> None:
        project_id = message.project_id
        name = ""
        snapshot = self.latest_snapshot
        if project_id and snapshot is not None and snapshot.projects is not None:
            name = next((p.name for p in snapshot.projects.value if p.id == project_id), "")
        if self.monitor is not None:
            self.monitor.focus_project(project_id)
        self.query_one(ResourcesPane).show_project(project_id, name, snapshot)

    def on_project_opened(self, message: ProjectOpened) -> None:
        if message.project_id is not None:
            self.query_one(PaneGrid).show("resources")

    def on_resource_opened(self, message: ResourceOpened) -> None:
        self.opener.open(message.project_id, message.resource_id)

    def on_event_feed_chosen(self, message: EventFeed.Chosen) -> None:
        self.opener.open_event(message.event)

    def status_text(self) -> str:
        return self.query_one(StatusLine).current_text()
