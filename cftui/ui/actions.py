"""The dashboard's actions, kept apart from its layout and data flow (mixed into `CloudForgeApp`).

The names of `action_jump_to_project`, `action_jump_to_resource`, `action_watch_operation`,
`action_toggle_problems_only`, `action_set_theme`, `action_copy_selected_id`, `action_show_help` and
`action_ask_watch_operation` are a contract: the command palette calls them by name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cftui.ui.clipboard import copy_id
from cftui.ui.format import duration, one_line
from cftui.ui.pane_grid import PaneGrid
from cftui.ui.widgets.events_pane import EventsPane
from cftui.ui.widgets.operations import OperationsPane
from cftui.ui.widgets.pane_filter import PaneFilter
from cftui.ui.widgets.project_list import ProjectList
from cftui.ui.widgets.projects_pane import ProjectsPane
from cftui.ui.widgets.resource_tree import ResourceTree
from cftui.ui.widgets.resources_pane import ResourcesPane

if TYPE_CHECKING:
    from cftui.ui.host import DashboardHost
else:
    DashboardHost = object  # the type checker sees the App's side of the mixin

# the steps `+` and `-` move the refresh interval through (seconds)
INTERVAL_STEPS = (1.0, 2.0, 3.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0)


class DashboardActions(DashboardHost):
    """Actions bound to keys or called from the command palette. Mixed into `CloudForgeApp`."""

    # --- panes --------------------------------------------------------------------------------------------

    def action_show_pane(self, pane: str) -> None:
        self.query_one(PaneGrid).show(pane)

    def action_next_pane(self, step: int = 1) -> None:
        """Tab (`step` 1) and Shift+Tab (-1): the next or previous pane."""
        if self.screen is not self.screen_stack[0]:
            # on a pushed screen (help, detail, prompt) Tab moves focus as usual
            self.screen.focus_next() if step > 0 else self.screen.focus_previous()
            return
        self.query_one(PaneGrid).step(step)

    def action_previous_pane(self) -> None:
        self.action_next_pane(-1)

    # --- contract actions (called by the command palette too) ----------------------------------------------

    def action_jump_to_project(self, project_id: str) -> None:
        if self.query_one(ProjectsPane).select_project(project_id):
            self.query_one(PaneGrid).show("projects")
        else:
            self.notify(f"No project {one_line(project_id)} in the list.", severity="warning", markup=False)

    def action_jump_to_resource(self, project_id: str, resource_id: str) -> None:
        if not self.query_one(ProjectsPane).select_project(project_id):
            self.notify(f"No project {one_line(project_id)} in the list.", severity="warning", markup=False)
            return
        self.query_one(ResourceTree).select_when_shown(project_id, resource_id)  # the tree selects it when shown
        self.query_one(PaneGrid).show("resources")

    def action_watch_operation(self, op_id: str) -> None:
        if self.monitor is None:
            self.notify("No live connection: nothing to watch with.", severity="warning", markup=False)
            return
        self.monitor.watch_operation(op_id)
        self.query_one(OperationsPane).expect(op_id)
        self.notify(f"Watching operation {one_line(op_id)}.", title="Operations", markup=False)

    def action_ask_watch_operation(self) -> None:
        from cftui.ui.screens.watch_prompt import WatchOperationScreen

        def chosen(op_id: str | None) -> None:
            if op_id:
                self.action_watch_operation(op_id)

        self.push_screen(WatchOperationScreen(), chosen)

    def action_toggle_problems_only(self) -> None:
        problems_only = self.query_one(ResourcesPane).toggle_problems_only()
        state = "only resources with problems" if problems_only else "all resources"
        self.notify(f"Showing {state}.", markup=False, timeout=2)

    def action_set_theme(self, name: str) -> None:
        if name not in self.available_themes:
            self.notify(f"Unknown theme {one_line(name)!r}.", severity="error", markup=False)
            return
        self.theme = name

    def action_copy_selected_id(self) -> None:
        value, what = self._selected_id()
        copy_id(self, value, what=what)

    def _selected_id(self) -> tuple[str | None, str]:
        screen_id = getattr(self.screen, "selected_id", None)
        if callable(screen_id):
            return screen_id()
        if self.active_pane == "resources":
            resource = self.query_one(ResourceTree).selected_resource()
            return (resource.id if resource else None), "resource id"
        if self.active_pane == "operations":
            return self.query_one(OperationsPane).selected_operation_id, "operation id"
        if self.active_pane == "events":
            event = self.query_one(EventsPane).feed.highlighted  # its subject: a resource, operation or project
            return (event.subject_id if event else None), "id of the highlighted event's subject"
        return self.query_one(ProjectList).selected_project_id, "project id"

    def action_show_problems(self) -> None:
        """`0`: the whole organisation's problems; from a screen above it, back to it; on it, back out."""
        from cftui.ui.screens.problems import ProblemsScreen

        if isinstance(self.screen, ProblemsScreen):
            self.pop_screen()
            return
        if any(isinstance(screen, ProblemsScreen) for screen in self.screen_stack):
            while not isinstance(self.screen, ProblemsScreen):
                self.pop_screen()
            return
        # archived projects count there as in the project list: only while it shows them
        lists = self.screen_stack[0].query(ProjectList) if self.screen_stack else ()
        archived = any(project_list.show_archived for project_list in lists)
        self.push_screen(ProblemsScreen(now=self.now, include_archived=archived))

    def action_show_help(self) -> None:
        from cftui.ui.screens.help import HelpScreen

        self.push_screen(HelpScreen())

    # --- the rest of the keys -----------------------------------------------------------------------------

    def action_refresh_now(self) -> None:
        if self.monitor is not None:
            self.monitor.refresh_now()
            self.notify("Refreshing now.", markup=False, timeout=2)

    def action_toggle_pause(self) -> None:
        self._set_paused(not self.paused)

    def action_pause(self) -> None:
        self._set_paused(True)

    def action_resume(self) -> None:
        self._set_paused(False)

    def _set_paused(self, paused: bool) -> None:
        if self.monitor is None:
            return
        self.monitor.set_paused(paused)
        self.note_paused(paused)
        message = (
            "Paused: projects and resources are not refreshed (watched operations still are); p resumes."
            if paused
            else "Resumed: projects and resources are refreshed again."
        )
        self.notify(message, markup=False, timeout=4)

    def action_change_interval(self, direction: int) -> None:
        if self.monitor is None:
            return
        current = self.latest_snapshot.requested_interval if self.latest_snapshot else 5.0
        if direction < 0 and current <= INTERVAL_STEPS[0] + 1e-9:
            self.notify(f"Refresh every {duration(INTERVAL_STEPS[0])}: that is the minimum.", markup=False, timeout=3)
            return
        if direction > 0 and current >= INTERVAL_STEPS[-1] - 1e-9:
            self.notify(f"Refresh every {duration(INTERVAL_STEPS[-1])}: that is the maximum.", markup=False, timeout=3)
            return
        if direction > 0:
            wanted = next((s for s in INTERVAL_STEPS if s > current + 1e-9), INTERVAL_STEPS[-1])
        else:
            wanted = next((s for s in reversed(INTERVAL_STEPS) if s < current - 1e-9), INTERVAL_STEPS[0])
        self.monitor.set_interval(wanted)
        self.notify(f"Refresh every {duration(wanted)}.", markup=False, timeout=2)

    def action_show_project_costs(self) -> None:
        """`c`: the selected project's cost over time (the resources pane's project when that pane is active)."""
        from cftui.ui.screens.project_cost import ProjectCostScreen

        tree_project = self.query_one(ResourceTree).project_id if self.active_pane == "resources" else None
        project_id = tree_project or self.query_one(ProjectList).selected_project_id
        if project_id is None:
            self.notify("Select a project first: c shows its cost over time.", markup=False, timeout=3)
            return
        self.push_screen(ProjectCostScreen(project_id, now=self.now))

    def action_cycle_sort(self, step: int = 1) -> None:
        """`s`: the next sort of the active pane; `S`: the one before."""
        if self.active_pane == "resources":  # the resources pane has its own sort: name (the tree), cost, status
            mode = self.query_one(ResourcesPane).cycle_sort(step)
            self.notify(f"Resources sorted by {mode}.", markup=False, timeout=2)
            return
        mode = self.query_one(ProjectsPane).cycle_sort(step)
        self.notify(f"Projects sorted by {mode}.", markup=False, timeout=2)

    def action_toggle_archived(self) -> None:
        shown = self.query_one(ProjectsPane).toggle_archived()
        self.notify("Showing archived projects." if shown else "Hiding archived projects.", markup=False, timeout=2)

    def action_start_filter(self) -> None:
        """`/`: the active pane's filter; in a pane without one (operations), the project list's."""
        panes = self.query_one(PaneGrid)
        if not panes.frame(panes.active).start_filter():
            panes.show("projects")
            panes.frame("projects").start_filter()

    def action_toggle_zoom(self) -> None:
        """The active pane takes the whole screen between the status line and the footer, or gives it back."""
        zoomed = not self.screen.has_class("-zoomed")
        self.screen.set_class(zoomed, "-zoomed")
        panes = self.query_one(PaneGrid)
        self.set_focus(panes.body(panes.active))

    def action_leave_filter(self) -> None:
        """Escape goes back one step: out of a filter box, then out of a zoomed pane, then clears the filter."""
        focused = self.focused
        if isinstance(focused, PaneFilter):
            self.set_focus(self.query_one(PaneGrid).body(focused.pane))
            return
        if self.screen.has_class("-zoomed"):
            self.action_toggle_zoom()
            return
        panes = self.query_one(PaneGrid)
        panes.frame(panes.active).escape_filter()
