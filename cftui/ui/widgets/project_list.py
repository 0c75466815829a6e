"""The project list: name, status, resources, problems, monthly cost, a cost sparkline and the cost's change over
the last hour and day per project.

The name column gets the room the other columns leave (`column_fit`), and each project's id shows beside its name
when both fit whole; the names are cut again when the table's width changes.

A `DataTable` (`TextTable`) kept in step with the snapshot by targeted edits: only cells whose text changed are
updated, and only they repaint; rows are added and removed one by one, and the rows are re-ordered only when the
order really changed. The table is bounded (`MAX_ROWS`); past that the user narrows it with `/`.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import datetime
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.coordinate import Coordinate
from textual.timer import Timer
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey

from cftui.api.models import Project
from cftui.monitor.state import CostSample, MonitorUpdate, Snapshot
from cftui.monitor.trend import DAY, HOUR
from cftui.ui.column_fit import ID_GAP, name_cell_text, name_room
from cftui.ui.cost_trend import UNKNOWN, change_cell, sparkline
from cftui.ui.format import cost_text, one_line, status_badge, status_severity
from cftui.ui.messages import ProjectOpened, ProjectSelected
from cftui.ui.project_sort import SORT_COLUMNS, SORT_MARK, SORT_MODES, sort_projects
from cftui.ui.status_style import badge_spans, problem_count_style
from cftui.ui.textual_adapter import TextTable

MAX_ROWS = 2_000
SYNC_EVERY_S = 0.25
NAME_WIDTH = 24  # the name column's width until the table knows its own
NAME_MIN = 12  # names never get fewer cells than this: below it the table scrolls sideways instead
COLUMNS = (
    ("name", "Project"),
    ("status", "Status"),
    ("count", "Res"),
    ("problems", "Errs"),
    ("cost", "Cost/month"),
    ("trend", "Trend"),
    ("hour", "1h %"),  # the cost's change over the last hour and day (cost_trend: `—` before history reaches back)
    ("day", "1d %"),
)

Row = tuple[str, str, str, str, str, str, str, str]


UNCOUNTED = "?"  # the project's errors were not counted yet (before its first look): unknown, not zero (see help)


def _problems_text(problems: int | None) -> str:
    if problems is None:
        return f"{UNCOUNTED}  "
    return f"{problems} ✖" if problems else "0  "


def project_row(
    project: Project, problems: int | None, samples: Sequence[CostSample], now: datetime | None = None
) -> Row:
    """The row's cells; the changes run up to `now` (the data's time; the latest sample's when not given)."""
    count = "—" if project.resource_count is None else str(project.resource_count)
    until = now if now is not None else (samples[-1].at if samples else None)
    return (
        one_line(project.name or project.id),  # whole: the name cell cuts it to the column's width
        status_badge(project.status),
        count,
        _problems_text(problems),
        cost_text(project),
        sparkline(samples),
        change_cell(samples, HOUR, until) if until is not None else UNKNOWN,
        change_cell(samples, DAY, until) if until is not None else UNKNOWN,
    )


def _cell(column: str, text: str, monochrome: bool = False) -> Text:
    if column == "problems" and text.strip() == UNCOUNTED:
        return Text(text, style="dim", justify="right")
    if column == "problems" and text.strip() != "0":
        cell = Text(text, style=problem_count_style(monochrome=monochrome), justify="right")
        if not monochrome and text.endswith("✖"):
            cell.stylize("red", len(text) - 1)
        return cell
    if column in ("count", "cost", "problems", "hour", "day"):
        return Text(text, justify="right")
    if column == "status":
        cell = Text(text)
        for span in badge_spans(status_severity(text.split(" ", 1)[-1]), 1, len(text), monochrome=monochrome):
            cell.stylize(span.style, span.start, span.end)
        return cell
    return Text(text)


class ProjectList(TextTable):
    """See the module docstring. Posts `ProjectSelected` when the cursor moves to another project."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("g", "scroll_top", "First project", show=False),
        Binding("G", "scroll_bottom", "Last project", show=False),
    ]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)  # type: ignore[arg-type]
        self.sort_mode = "cost"
        self.filter_text = ""
        self.show_archived = False
        self._snapshot: Snapshot | None = None
        self._rows: dict[str, Row] = {}
        self._order: list[str] = []
        self._name_cells: dict[str, Text] = {}
        self._name_width = NAME_WIDTH  # cells for names now, and whether ids show beside them
        self._with_ids = False
        # project id -> (project, problems, cost samples, row): the inputs are held, so identity checks are sound.
        # The hour's and day's change run up to the data's time when the row was made: a project's samples change
        # at least every store.SAMPLE_EVERY (10 minutes), which remakes its row (not every row every minute: at
        # 2,000 projects a pass over every row takes a few tenths of a second)
        self._row_cache: dict[str, tuple[Project, int | None, Sequence[CostSample], Row]] = {}
        self._last_sync = 0.0
        self._sync_timer: Timer | None = None
        self._chosen_cache: tuple[tuple[Project, ...], tuple[str, str, bool], object, list[Project]] | None = None
        self.total_matching = 0
        self._selected: str | None = None

    def on_mount(self) -> None:
        for key, label in COLUMNS:
            self.add_column(label, key=key, width=NAME_WIDTH if key == "name" else None)
        self._mark_sorted_column()

    def on_resize(self) -> None:
        self._fit_names()

    # --- what the app calls ------------------------------------------------------------------------------

    def apply(self, update: MonitorUpdate) -> None:
        snapshot, before = update.snapshot, self._snapshot
        self._snapshot = snapshot
        if (
            before is not None
            and snapshot.projects is before.projects
            and snapshot.problem_counts == before.problem_counts
            and snapshot.project_costs == before.project_costs  # unchanged tuples compare by identity: cheap
        ):
            return  # nothing this list shows has changed: skip the O(projects) pass
        # At scale the monitor publishes many updates a second; the list follows at most SYNC_EVERY_S apart
        # (the first data and the user's own actions go through at once).
        wait = SYNC_EVERY_S - (time.monotonic() - self._last_sync)
        if wait <= 0 or not self._rows:
            self._sync()
        elif self._sync_timer is None:
            self._sync_timer = self.set_timer(wait, self.flush)

    def flush(self) -> None:
        """Apply the latest snapshot now if an update is waiting."""
        if self._sync_timer is not None:
            self._sync_timer.stop()
            self._sync()

    def cycle_sort(self, step: int = 1) -> str:
        """The next sort mode (`step` -1: the one before); the sorted column's header shows `SORT_MARK`."""
        self.sort_mode = SORT_MODES[(SORT_MODES.index(self.sort_mode) + step) % len(SORT_MODES)]
        self._mark_sorted_column()
        self._sync()
        return self.sort_mode

    def _mark_sorted_column(self) -> None:
        sorted_by = SORT_COLUMNS.get(self.sort_mode)
        for key, label in COLUMNS:
            wanted = label + (SORT_MARK if key == sorted_by else "")
            column = self.columns.get(ColumnKey(key))
            if column is not None and column.label.plain != wanted:
                column.label = Text(wanted)
                column.content_width = max(column.content_width, cell_len(wanted))
        self.forget_renders()
        self.refresh()

    def set_filter(self, text: str) -> None:
        self.filter_text = text
        self._sync()

    def toggle_archived(self) -> bool:
        self.show_archived = not self.show_archived
        self._sync()
        return self.show_archived

    @property
    def selected_project_id(self) -> str | None:
        return self._selected

    def select_project(self, project_id: str) -> bool:
        """Move the cursor to a project (clearing the filter or showing archived if that hides it)."""
        if project_id not in self._rows:
            self.filter_text = ""
            self.show_archived = True
            self._sync()
        if project_id not in self._rows:
            return False
        self.move_cursor(row=self.get_row_index(project_id))
        return True

    @property
    def shown_ids(self) -> list[str]:
        return list(self._order)

    # --- keeping the table in step -----------------------------------------------------------------------

    def _chosen(self, snapshot: Snapshot, projects: tuple[Project, ...]) -> list[Project]:
        """The projects to show, in order; recomputed only when what decides it changed."""
        key = (self.sort_mode, self.filter_text, self.show_archived)
        # what else the order depends on: the problem counts, or the cost series (compared by identity: cheap)
        depends: object = None
        if self.sort_mode == "problems":
            depends = dict(snapshot.problem_counts)
        elif self.sort_mode in ("trend", "1h change", "1d change"):
            depends = snapshot.project_costs
        cached = self._chosen_cache
        same_inputs = cached is not None and cached[0] is projects and cached[1] == key
        if (
            same_inputs
            and cached is not None
            and (cached[2] is depends or (isinstance(depends, dict) and cached[2] == depends))
        ):
            return cached[3]
        needle = self.filter_text.casefold()
        chosen = [
            project
            for project in projects
            if (self.show_archived or not project.is_archived)
            and (not needle or needle in f"{project.name} {project.id} {project.status}".casefold())
        ]
        now = snapshot.projects.fetched_at if snapshot.projects is not None else None
        sort_projects(chosen, self.sort_mode, snapshot.problem_counts, snapshot.project_costs, now)
        self._chosen_cache = (projects, key, depends, chosen)
        return chosen

    def _wanted(self) -> list[tuple[str, Row]]:
        snapshot = self._snapshot
        if snapshot is None or snapshot.projects is None:
            return []
        projects = snapshot.projects.value
        chosen = self._chosen(snapshot, projects)
        self.total_matching = len(chosen)
        costs, counts = snapshot.project_costs, snapshot.problem_counts
        now = snapshot.projects.fetched_at
        if len(self._row_cache) > 2 * len(projects) + 100:  # projects went away: forget them
            known = {p.id for p in projects}
            self._row_cache = {pid: entry for pid, entry in self._row_cache.items() if pid in known}
        return [(p.id, self._row(p, counts.get(p.id), costs.get(p.id, ()), now)) for p in chosen[:MAX_ROWS]]

    def _row(self, project: Project, problems: int | None, samples: Sequence[CostSample], now: datetime) -> Row:
        """The row's text, reused while its inputs are the very same objects (updates come many times a second
        at scale, and usually change a handful of projects)."""
        cached = self._row_cache.get(project.id)
        if cached is not None and cached[0] is project and cached[1] == problems and cached[2] is samples:
            return cached[3]
        row = project_row(project, problems, samples, now)
        self._row_cache[project.id] = (project, problems, samples, row)
        return row

    def _sync(self) -> None:
        self._sync_timer = None
        self._last_sync = time.monotonic()
        wanted = self._wanted()
        wanted_ids = [pid for pid, _ in wanted]
        wanted_set = set(wanted_ids)
        for pid in [pid for pid in self._rows if pid not in wanted_set]:
            self.remove_row(pid)
            del self._rows[pid]
            self._name_cells.pop(pid, None)
        cells_changed = False
        for pid, row in wanted:
            old = self._rows.get(pid)
            if old is None:
                cells = [_cell(col, text, self.app.no_color) for (col, _), text in zip(COLUMNS, row, strict=True)]
                cells[0] = self._name_cell(pid, row[0])
                self._name_cells[pid] = cells[0]
                self.add_row(*cells, key=pid)
            elif old != row:
                for (col, _), before, after in zip(COLUMNS, old, row, strict=True):
                    if before != after:
                        if col == "name":
                            cell = self._name_cells[pid] = self._name_cell(pid, after)
                        else:
                            cell = _cell(col, after, self.app.no_color)
                        self.set_cell_quietly(pid, col, cell)
                        cells_changed = True
            self._rows[pid] = row
        if cells_changed:
            self.forget_renders()
        self._fit_names()
        if wanted_ids != self._order and [key.value for key in self._row_order()] != wanted_ids:
            self._reorder(wanted_ids)
        self._order = wanted_ids
        self._post_selection()

    def _name_cell(self, project_id: str, name: str) -> Text:
        return name_cell_text(name, project_id, self._name_width, self._with_ids)

    def _fit_names(self) -> None:
        """Give the names the room the other columns leave (ids too when all fit whole); cut them again if the
        width changed."""
        width = self.size.width
        if width <= 0:
            return
        padding = 2 * self.cell_padding
        # measured from the rows too: DataTable widens its columns to new cells only when it next idles, so the
        # first frame (the first rows just added) had the names fitted against the headers' widths alone
        longest = {
            key: max((cell_len(row[i]) for row in self._rows.values()), default=0) for i, (key, _) in enumerate(COLUMNS)
        }
        others = 0
        for key, column in self.columns.items():
            if key.value == "name":
                continue
            from_rows = padding + longest.get(key.value or "", 0) if column.auto_width else 0
            others += max(column.get_render_width(self), from_rows)
        # the scrollbar's column is kept once the rows are more than the table shows (decided from the rows, not
        # from the scrollbar, which appears only after the next layout)
        header = self.header_height if self.show_header else 0
        scrollbar = self.styles.scrollbar_size_vertical if self.row_count + header > self.size.height else 0
        room = width - scrollbar - others - padding
        longest_name = max((cell_len(row[0]) for row in self._rows.values()), default=0)
        longest_id = max((cell_len(pid) for pid in self._rows), default=0)
        name_width, with_ids = name_room(room, max(longest_name, len(COLUMNS[0][1])), longest_id, NAME_MIN)
        if (name_width, with_ids) != (self._name_width, self._with_ids):
            self._name_width, self._with_ids = name_width, with_ids
            for pid, row in self._rows.items():
                cell = self._name_cells[pid] = self._name_cell(pid, row[0])
                self.set_cell_quietly(pid, "name", cell)
            self.forget_renders()
        column_width = name_width + (ID_GAP + longest_id if with_ids else 0)
        self.set_column_width("name", column_width)  # also moves the render caches on

    def _row_order(self) -> list:
        return [row.key for row in self.ordered_rows]

    def _reorder(self, wanted_ids: list[str]) -> None:
        keep = self._selected
        rank = {id(self._name_cells[pid]): index for index, pid in enumerate(wanted_ids)}
        self.sort("name", key=lambda cell: rank[id(cell)])
        if keep is not None and keep in self._rows:
            self.move_cursor(row=self.get_row_index(keep), scroll=False)

    def _post_selection(self) -> None:
        project_id: str | None = None
        if self.row_count and 0 <= self.cursor_row < self.row_count:
            project_id = self.coordinate_to_cell_key(Coordinate(self.cursor_row, 0)).row_key.value
        if project_id != self._selected:
            self._selected = project_id
            self.post_message(ProjectSelected(project_id))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._post_selection()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a project: go to its resources."""
        event.stop()
        self._post_selection()
        self.post_message(ProjectOpened(self._selected))
