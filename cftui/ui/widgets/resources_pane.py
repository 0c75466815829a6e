"""The resources pane: the tree of the selected project's resources and its filter box (`/`, and `e`).

It keeps its title (project, count, filter, sort) in step with the tree: the App calls the pane, not the tree,
for anything that changes what the tree shows, and the filter box's messages stop here.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Input

from cftui.monitor.state import MonitorUpdate, Snapshot
from cftui.ui.format import one_line
from cftui.ui.widgets.pane import FilteredPane
from cftui.ui.widgets.pane_filter import ResourceFilterBox
from cftui.ui.widgets.resource_order import SORT_MODES
from cftui.ui.widgets.resource_tree import ResourceTree


class ResourcesPane(FilteredPane):
    """`#resources-pane`."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("resources", **kwargs)

    def compose(self) -> ComposeResult:
        yield ResourceTree(id="resources")
        yield ResourceFilterBox(placeholder="type:vpc tag:env:prod status:error words…")

    @property
    def resource_tree(self) -> ResourceTree:
        return self.query_one(ResourceTree)

    def summary(self) -> str:
        tree = self.resource_tree
        if tree.project_id is None:
            return ""
        text = f"{one_line(tree.project_name or tree.project_id)[:40]} · {tree.shown_count}"
        if tree.filter.active:
            text += f" of {tree.total_resources} · {one_line(tree.filter.describe())[:40]}"
        return text + f" · by {tree.sort_mode}"

    # --- what the app calls ------------------------------------------------------------------------------

    def apply(self, update: MonitorUpdate) -> None:
        self.resource_tree.apply(update)
        self.refresh_title()

    def show_project(self, project_id: str | None, name: str, snapshot: Snapshot | None) -> None:
        self.resource_tree.show_project(project_id, name, snapshot)
        self.refresh_title()

    def cycle_sort(self, step: int = 1) -> str:
        """`step` sorts forward (the tree has one direction: -1 is the same as going round the other way)."""
        tree = self.resource_tree
        mode = tree.sort_mode
        for _ in range(step % len(SORT_MODES)):
            mode = tree.cycle_sort()
        self.refresh_title()
        return mode

    def toggle_problems_only(self) -> bool:
        problems_only = self.query_one(ResourceFilterBox).toggle_problems_only()
        self._apply_filter()
        return problems_only

    # --- the filter box's messages -----------------------------------------------------------------------

    def _apply_filter(self) -> None:
        self.resource_tree.set_filter(self.query_one(ResourceFilterBox).filter)
        self.refresh_title()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._apply_filter()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()  # the box hid itself when empty: the tree gets the keyboard back
        self.app.set_focus(self.resource_tree)
