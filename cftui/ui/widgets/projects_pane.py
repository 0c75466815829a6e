"""The projects pane: the list, the note that says why it is empty, and its filter box (`/`).

It keeps its title (count, sort, archived, filter) and its note in step with the list: the App calls the pane,
not the list, for anything that changes what the list shows, and the filter box's messages stop here.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Input

from cftui.monitor.state import MonitorUpdate
from cftui.ui.format import one_line
from cftui.ui.widgets.pane import FilteredPane
from cftui.ui.widgets.pane_filter import EmptyNote, PaneFilter
from cftui.ui.widgets.project_list import ProjectList


class ProjectsPane(FilteredPane):
    """`#projects-pane`. `host` names the API in the note shown before any data arrives."""

    def __init__(self, host: str, **kwargs: Any) -> None:
        super().__init__("projects", **kwargs)
        self.host = host
        self._has_data = False

    def compose(self) -> ComposeResult:
        yield ProjectList(id="projects")
        yield EmptyNote(id="projects-empty")
        yield PaneFilter("projects", placeholder="filter projects by name, id or status")

    @property
    def project_list(self) -> ProjectList:
        return self.query_one(ProjectList)

    def summary(self) -> str:
        projects = self.project_list
        shown = len(projects.shown_ids)
        matching = projects.total_matching
        text = f"{shown}" + (f" of {matching}" if matching > shown else "")
        text += f" · by {projects.sort_mode}"
        if projects.show_archived:
            text += " · with archived"
        if projects.filter_text:
            text += f" · /{one_line(projects.filter_text)}"
        return text

    def refresh_title(self) -> None:
        super().refresh_title()
        self._show_empty_note()

    def _show_empty_note(self) -> None:
        """Say why the list is empty, rather than showing a blank table."""
        if self.project_list.shown_ids:
            text = ""
        elif not self._has_data:
            text = f"No data yet from {self.host}: the status line above says why."
        elif self.project_list.filter_text:
            text = "No project matches the filter (Escape clears it)."
        else:
            text = "No projects (archived ones show with a)."
        self.query_one("#projects-empty", EmptyNote).say(text)

    # --- what the app calls ------------------------------------------------------------------------------

    def apply(self, update: MonitorUpdate) -> None:
        self._has_data = update.snapshot.projects is not None
        self.project_list.apply(update)
        self.refresh_title()

    def cycle_sort(self, step: int = 1) -> str:
        mode = self.project_list.cycle_sort(step)
        self.refresh_title()
        return mode

    def toggle_archived(self) -> bool:
        shown = self.project_list.toggle_archived()
        self.refresh_title()
        return shown

    def select_project(self, project_id: str) -> bool:
        """Move the cursor to a project (clearing the filter or showing archived if that hides it)."""
        found = self.project_list.select_project(project_id)
        self.refresh_title()
        return found

    # --- the filter box's messages -----------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.project_list.set_filter(event.value)
        self.refresh_title()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()  # the box hid itself when empty: the list gets the keyboard back
        self.app.set_focus(self.project_list)
