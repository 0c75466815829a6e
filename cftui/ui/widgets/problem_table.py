"""The rows of the problems view: one per resource in trouble anywhere in the organisation.

A `DataTable` keyed by resource id, rebuilt only when a row's text changes (ages are coarse: they move once a
minute), with the cursor kept on the same resource. At most `MAX_ROWS` rows: a `DataTable` paints slowly past a
few thousand, and the worst of a large outage fits in the first thousand (the view says how many are left out).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import DataTable

from cftui.api.sanitize import one_line
from cftui.monitor.state import ResourceRef
from cftui.ui.format import fit, short_money, status_badge
from cftui.ui.org import coarse_age, severity_rank, since_text

MAX_ROWS = 1000
NARROW_BELOW = 110  # under this width the `Looked` column is left out (the view's header gives the oldest look)

Row = tuple[str, ...]


PROJECT_MAX = 40  # a project name may take this many cells when the resource names fit whole beside it


def column_widths(width: int, longest: Mapping[str, int] | None = None) -> dict[str, int]:
    """Cells per column for a table `width` wide (each column also takes 2 cells of padding).

    `longest` (cells of the longest value per column) narrows a column to what it holds, never under its label:
    the room saved goes to names, so two names sharing a long prefix are not both cut to the same text."""
    if width < NARROW_BELOW:
        caps = {"project": 12, "type": 12, "status": 9, "since": 11, "cost": 7}
    else:
        caps = {"project": 24, "type": 18, "status": 14, "since": 14, "cost": 9, "looked": 7}
    held = {column: max(cell_len(LABELS[column]), (longest or {}).get(column, cap)) for column, cap in caps.items()}
    fixed = {column: min(cap, held[column]) for column, cap in caps.items()}
    # project and name share what is left; a long project name may take more than its cap when names fit whole
    room = width - sum(fixed.values()) + fixed["project"] - 2 * (len(fixed) + 1) - 2  # padding, the scrollbar
    name_held = max(cell_len(LABELS["name"]), (longest or {}).get("name", 0))
    project = min(held["project"], PROJECT_MAX, max(fixed["project"], room - name_held))
    return {**fixed, "project": project, "name": max(12, room - project)}


LABELS = {
    "project": "Project",
    "type": "Type",
    "name": "Name",
    "status": "Status",
    "since": "Since",
    "cost": "Cost/mo",
    "looked": "Looked",
}
ORDER = ("project", "type", "name", "status", "since", "cost", "looked")


class ProblemTable(DataTable[Text]):
    """Problem resources, worst and oldest first; `show()` them, `selected` is the one under the cursor."""

    HELP_GROUP = "Problems view"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Next problem", show=False),
        Binding("k", "cursor_up", "Previous problem", show=False),
        Binding("g", "scroll_top", "First problem", show=False),
        Binding("G", "scroll_bottom", "Last problem", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {"problems--error", "problems--unknown"}
    DEFAULT_CSS = """
    ProblemTable { height: 1fr; scrollbar-size-vertical: 1; }
    ProblemTable > .problems--error { color: $text-error; text-style: bold; }
    ProblemTable > .problems--unknown { color: $text-warning; text-style: bold; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)  # type: ignore[arg-type]
        self._refs: list[ResourceRef] = []
        self._rows: list[tuple[str, Row]] = []
        self._widths: dict[str, int] = {}
        self._longest: dict[str, int] = {}
        self._last: tuple[list[ResourceRef], dict[str, datetime], datetime] | None = None

    @property
    def refs(self) -> list[ResourceRef]:
        """The problems shown, in order (at most `MAX_ROWS`)."""
        return list(self._refs)

    @property
    def selected(self) -> ResourceRef | None:
        if not self._refs or not 0 <= self.cursor_row < len(self._refs):
            return None
        return self._refs[self.cursor_row]

    def row_texts(self) -> list[str]:
        """Each row's cells joined by two spaces, as the reader sees them (for tests)."""
        return ["  ".join(cell.strip() for cell in row) for _key, row in self._rows]

    def show(self, refs: list[ResourceRef], seen_at: dict[str, datetime], now: datetime) -> None:
        """Show these problems; nothing is repainted when every row reads as before."""
        self._last = (refs, seen_at, now)
        width = self.size.width or self.app.size.width
        shown = refs[:MAX_ROWS]
        values = [self._values(ref, seen_at, now) for ref in shown]
        self._longest = {
            column: max((cell_len(one_line(row[column])) for row in values), default=0) for column in LABELS
        }
        widths = column_widths(width, self._longest)
        rows = [
            (ref.resource_id, tuple(fit(row[column], widths[column]) for column in ORDER if column in widths))
            for ref, row in zip(shown, values, strict=True)
        ]
        if widths == self._widths and rows == self._rows:
            self._refs = shown
            return
        keep = self.selected.resource_id if self.selected is not None else None
        index = self.cursor_row
        if widths != self._widths:
            self.clear(columns=True)
            for column in ORDER:
                if column in widths:
                    self.add_column(LABELS[column], width=widths[column], key=column)
            self._widths = widths
        else:
            self.clear()
        self._refs = shown
        self._rows = rows
        columns = [column for column in ORDER if column in widths]
        for (key, row), ref in zip(rows, shown, strict=True):
            style = self._status_style(ref.status)
            cells = [
                Text(cell, style=style) if column == "status" else Text(cell)
                for column, cell in zip(columns, row, strict=True)
            ]
            self.add_row(*cells, key=key)
        ids = [ref.resource_id for ref in shown]
        if keep in ids:
            index = ids.index(keep)
        if shown:
            self.move_cursor(row=min(max(index, 0), len(shown) - 1), scroll=True)

    def _values(self, ref: ResourceRef, seen_at: dict[str, datetime], now: datetime) -> dict[str, str]:
        return {
            "project": ref.project_name or ref.project_id,
            "type": ref.type,
            "name": ref.name or ref.resource_id,
            "status": status_badge(ref.status),
            "since": since_text(ref, now),
            "cost": short_money(ref.monthly_cost),
            "looked": coarse_age(seen_at.get(ref.project_id, ref.seen_at), now),
        }

    def _status_style(self, status: str) -> Style:
        component = "problems--error" if severity_rank(status) == 0 else "problems--unknown"
        return self.get_component_rich_style(component, partial=True)

    def on_resize(self) -> None:
        if self._last is not None and column_widths(self.size.width, self._longest) != self._widths:
            self.show(*self._last)  # new widths: the same rows, cut to the new columns
