"""The dashboard's chrome: pane titles (with counts, sort, filter), the tab line, the active pane, empty notes.

Mixed into `CloudForgeApp`. Titles are `Content` (text, never markup); they are set only when they change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.widgets import Static

from cftui.ui.format import one_line
from cftui.ui.widgets.pane_filter import EmptyNote
from cftui.ui.widgets.project_list import ProjectList
from cftui.ui.widgets.resource_tree import ResourceTree

if TYPE_CHECKING:
    from cftui.ui.host import DashboardHost
else:
    DashboardHost = object  # the type checker sees the App's side of the mixin

PANES = ("projects", "resources", "operations", "events")
PANE_TITLES = {"projects": "Projects", "resources": "Resources", "operations": "Operations", "events": "Events"}


class PaneChrome(DashboardHost):
    """Titles and the active pane. Mixed into `CloudForgeApp`."""

    def _render_tabs(self) -> None:
        parts: list[str | tuple[str, str]] = []
        for number, pane in enumerate(PANES, start=1):
            label = f" {number} {PANE_TITLES[pane]} "
            parts.append((label, "reverse bold") if pane == self.active_pane else label)
            parts.append(" ")
        parts.append(" 0 All problems ")  # a screen, not a pane: offered here where the footer has no room
        self.query_one("#pane-tabs", Static).update(Content.assemble(*parts))

    def set_active_pane(self, pane: str) -> None:
        self.active_pane = pane
        for name in PANES:
            self.query_one(f"#{name}-pane").set_class(name == pane, "-active")
        self._render_tabs()
        self._retitle()
        self.set_focus(self.pane_widget(pane))  # at once: keys already queued must reach it

    def _retitle(self) -> None:
        projects = self.query_one(ProjectList)
        shown = len(projects.shown_ids)
        matching = projects.total_matching
        title = f"1 Projects · {shown}" + (f" of {matching}" if matching > shown else "")
        title += f" · by {projects.sort_mode}"
        if projects.show_archived:
            title += " · with archived"
        if projects.filter_text:
            title += f" · /{one_line(projects.filter_text)}"
        self._set_title("projects", title)
        self._show_empty_projects(shown)
        tree = self.query_one(ResourceTree)
        title = "2 Resources"
        if tree.project_id is not None:
            title += f" · {one_line(tree.project_name or tree.project_id)[:40]} · {tree.shown_count}"
            if tree.filter.active:
                title += f" of {tree.total_resources} · {one_line(tree.filter.describe())[:40]}"
            title += f" · by {tree.sort_mode}"
        self._set_title("resources", title)
        self._set_title("operations", "3 Operations")
        self._set_title("events", "4 Events")

    def _show_empty_projects(self, shown: int) -> None:
        """Say why the list is empty, rather than showing a blank table."""
        snapshot = self.latest_snapshot
        if shown:
            text = ""
        elif snapshot is None or snapshot.projects is None:
            text = f"No data yet from {self.info.host}: the status line above says why."
        elif self.query_one(ProjectList).filter_text:
            text = "No project matches the filter (Escape clears it)."
        else:
            text = "No projects (archived ones show with a)."
        self.query_one("#projects-empty", EmptyNote).say(text)

    def _set_title(self, pane: str, title: str) -> None:
        # the active pane is marked in words too, for terminals without colour
        title = f"▶ {title}" if pane == self.active_pane else title
        container = self.query_one(f"#{pane}-pane")
        if container.border_title != title:
            container.border_title = Content(title)
