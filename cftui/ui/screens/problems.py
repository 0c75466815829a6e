"""The whole-organisation problems view (`0` from anywhere): every resource in trouble in every project.

One row per resource in `error` or in a status the API reference does not know, across all projects cftui has
looked at (archived ones only while the project list shows them, as everywhere else), worst and oldest first.
Above the rows: how many projects have been looked at, which not yet, how old the oldest look is and how long a
full round takes, so the view never implies everything is fresh. It follows the monitor's updates; Enter opens a
resource's detail (loading its project first when needed), `y` copies its id.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Static

from cftui.monitor.state import MonitorUpdate, Snapshot
from cftui.ui.messages import ResourceOpened
from cftui.ui.org import archived_note, coverage, coverage_lines, org_problems, project_seen_at
from cftui.ui.widgets.key_bar import KeyBar
from cftui.ui.widgets.problem_table import MAX_ROWS, ProblemTable
from cftui.ui.widgets.status_line import StatusLine

AGE_TICK_S = 15.0  # ages in the view are whole minutes: looking four times a minute keeps them right


def summary_line(problems: int, projects: int, errors: int) -> str:
    if problems == 0:
        return "No resource in error or in an unknown status in the projects looked at."
    unknown = problems - errors
    where = f"{projects} project" + ("" if projects == 1 else "s")
    shown = f" (the first {MAX_ROWS} shown)" if problems > MAX_ROWS else ""
    unknown_part = f", {unknown} in an unknown status" if unknown else ""
    return f"{problems} problems in {where}: {errors} in error{unknown_part}{shown}"


class ProblemsScreen(Screen[None]):
    """Every problem resource of the organisation; Escape goes back."""

    DEFAULT_CSS = """
    #problems-status { height: auto; padding: 0 1; background: $panel; color: $text; }
    #problems-header { height: auto; padding: 0 1; color: $text-muted; }
    ProblemTable { border: round $border; border-title-color: $text; border-title-style: bold; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("q", "app.pop_screen", "Back", show=False),
    ]

    def __init__(self, *, now: Callable[[], datetime], include_archived: bool = False) -> None:
        super().__init__()
        self._now = now
        # as the project list: archived projects (and their problems) only while it shows them (`a`)
        self._include_archived = include_archived
        self._snapshot: Snapshot | None = None
        self._header = ""

    def compose(self) -> ComposeResult:
        app: Any = self.app
        yield StatusLine(app.info, app.now, id="problems-status") if hasattr(app, "info") else Static()
        yield Static(id="problems-header")
        yield ProblemTable(id="problems-table")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(ProblemTable).border_title = "0 Problems across the organisation"
        snapshot = getattr(self.app, "latest_snapshot", None)
        if isinstance(snapshot, Snapshot):
            self.apply(MonitorUpdate(snapshot=snapshot))
        else:
            self._show()
        self.set_interval(AGE_TICK_S, self._show)
        self.query_one(ProblemTable).focus()

    # --- the contract with the app -----------------------------------------------------------------------

    def apply(self, update: MonitorUpdate) -> None:
        """Follow the monitor: called by the app with each update while this screen is in the stack."""
        status = self.query("#problems-status")
        if status and isinstance(status.first(), StatusLine):
            status.first(StatusLine).apply(update)
        previous = self._snapshot
        self._snapshot = update.snapshot
        if previous is None or self._org_changed(previous, update.snapshot):
            self._show()

    def selected_id(self) -> tuple[str | None, str]:
        ref = self.query_one(ProblemTable).selected
        return (ref.resource_id if ref is not None else None), "resource id"

    # --- internals ---------------------------------------------------------------------------------------

    @staticmethod
    def _org_changed(before: Snapshot, after: Snapshot) -> bool:
        return (
            before.org is not after.org
            or before.resources is not after.resources
            or before.projects is not after.projects
        )

    def _show(self) -> None:
        snapshot = self._snapshot
        now = self._now()
        table = self.query_one(ProblemTable)
        if snapshot is None:
            self._set_header("No data yet: the status line above says why.")
            table.show([], {}, now)
            return
        included = self._include_archived
        problems = org_problems(snapshot, include_archived=included)
        seen_at = project_seen_at(snapshot)
        errors = sum(1 for ref in problems if ref.status == "error")
        projects = len({ref.project_id for ref in problems})
        cover = coverage(snapshot, include_archived=included)
        summary = summary_line(len(problems), projects, errors) + archived_note(cover)
        lines = [summary, *coverage_lines(cover, now)]
        lines.append("Enter opens a resource · y copies its id · Escape goes back")
        self._set_header("\n".join(lines))
        table.show(problems, seen_at, now)
        subtitle = f"{min(len(problems), MAX_ROWS)} of {len(problems)}"
        if table.border_subtitle != subtitle:
            table.border_subtitle = subtitle

    def _set_header(self, text: str) -> None:
        if text != self._header:
            header = self.query_one("#problems-header", Static)
            width = max(1, header.content_size.width or self.app.size.width)
            before = len(Content(self._header).wrap(width)) if self._header else -1
            content = Content(text)
            # a new layout repaints the whole screen: only a change in the number of rows needs one
            self._header = text
            header.update(content, layout=len(content.wrap(width)) != before)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        ref = self.query_one(ProblemTable).selected
        if ref is not None:
            self.post_message(ResourceOpened(ref.project_id, ref.resource_id))
