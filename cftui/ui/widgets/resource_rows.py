"""How a row of the resource tree reads, without colour: status glyph and word, name (then the id, dim, when
there is room), provider/region (the type in a flat list), monthly cost; the columns fitted to the rows shown;
and a group's label (its name, count and problems). Pure text: no widget here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Span, Text

from cftui.api.models import Resource
from cftui.ui.column_fit import ID_GAP, name_room
from cftui.ui.format import cost_text, fit, fit_right, one_line, status_badge, status_severity
from cftui.ui.status_style import badge_spans
from cftui.ui.widgets.resource_order import fingerprint

NAME_MIN = 16  # names never get fewer cells than this: below it rows are cut at the pane's edge
BADGE_WIDTH = 15
WHERE_WIDTH = 18
COST_WIDTH = 12

Cells = tuple[int, int, int, int, int]  # the cells a row's name, id, badge, place and cost take whole


def where_text(resource: Resource, flat: bool = False) -> str:
    """Provider/region; in a flat list (sorted by cost or status) the type, as no group says it."""
    if flat:
        return one_line(resource.type) or "—"
    return "/".join(one_line(part) for part in (resource.provider, resource.region) if part) or "—"


@dataclass(frozen=True, slots=True)
class RowLayout:
    """Cells per column of a resource row. The tree sizes the columns to what its rows hold (`fit_layout`) and
    gives the name the rest; `ident` > 0 shows the id after the name."""

    name: int
    ident: int = 0
    badge: int = BADGE_WIDTH
    where: int = WHERE_WIDTH
    cost: int = COST_WIDTH

    @property
    def width(self) -> int:
        return self.badge + 1 + self.name + (ID_GAP + self.ident if self.ident else 0) + 1 + self.where + self.cost


def measure(resource: Resource, flat: bool = False) -> Cells:
    """The cells a resource's name, id, status badge, place and cost take whole."""
    return (
        cell_len(resource.name or resource.id),
        cell_len(resource.id),
        cell_len(status_badge(resource.status)),
        cell_len(where_text(resource, flat)),
        cell_len(cost_text(resource)),
    )


def fit_layout(measures: Iterable[Cells], room: int) -> RowLayout:
    """Each column as wide as its widest cell (status, place and cost at most their fixed widths), the name the
    `room` left (at least `NAME_MIN`), the id after it when every name and id fit whole."""
    name = ident = 0
    badge, where, cost = 1, 1, 0
    for cells in measures:
        name, ident = max(name, cells[0]), max(ident, cells[1])
        badge, where, cost = max(badge, cells[2]), max(where, cells[3]), max(cost, cells[4])
    # a status word is followed by two spaces, a cost preceded by two: columns read apart
    badge, where, cost = min(badge + 1, BADGE_WIDTH), min(where, WHERE_WIDTH), min(cost + 2, COST_WIDTH)
    fixed = badge + 1 + 1 + where + cost
    name_width, with_ids = name_room(room - fixed, name, ident, NAME_MIN)
    return RowLayout(name_width, ident if with_ids else 0, badge, where, cost)


class RowMeasures:
    """The cells of each resource's row, measured once per copy of a resource: the tree fits its columns to its
    rows at every change, and measuring 5,000 rows each time would cost more than drawing them."""

    def __init__(self) -> None:
        self.known: dict[str, tuple[Resource, bool, Cells]] = {}  # by id: the copy, flat or not, its cells

    def cells(self, resource: Resource, flat: bool) -> Cells:
        known = self.known.get(resource.id)
        if (
            known is not None
            and known[1] == flat
            and (known[0] is resource or fingerprint(known[0]) == fingerprint(resource))
        ):
            return known[2]
        cells = measure(resource, flat)
        self.known[resource.id] = (resource, flat, cells)
        return cells

    def layout(self, shown: list[Resource], flat: bool, room: int) -> RowLayout:
        """The columns that fit `shown` in `room` cells (`fit_layout`)."""
        if len(self.known) > 2 * len(shown) + 100:  # resources went away: forget them
            keep = {r.id for r in shown}
            self.known = {rid: entry for rid, entry in self.known.items() if rid in keep}
        return fit_layout((self.cells(resource, flat) for resource in shown), room)


def resource_label(
    resource: Resource,
    layout: RowLayout | int,
    highlighted: bool = False,
    *,
    monochrome: bool = False,
    flat: bool = False,
) -> Text:
    """One row: status glyph and word, name (then the id, dim, when the layout has room for it), provider/region,
    monthly cost, in the layout's columns (terminal cells; a bare int is a name width with the widest columns).
    In a flat list (sorted by cost or status) the type stands where provider/region would: no group says it.

    Built as one string with spans (not appended piece by piece): a 5,000-resource tree makes 5,000 of these.
    """
    if isinstance(layout, int):
        layout = RowLayout(layout)
    badge = fit(status_badge(resource.status), layout.badge)
    name = fit(resource.name or resource.id, layout.name)
    ident = " " * ID_GAP + fit(resource.id, layout.ident) if layout.ident else ""
    place = fit(where_text(resource, flat), layout.where)
    plain = f"{badge} {name}{ident} {place}{fit_right(cost_text(resource), layout.cost)}"
    spans = badge_spans(status_severity(resource.status), 1, len(badge.rstrip()), monochrome=monochrome)
    name_end = len(badge) + 1 + len(name)
    if ident:
        spans.append(Span(name_end, name_end + len(ident), "dim"))
    place_start = name_end + len(ident) + 1
    spans.append(Span(place_start, place_start + len(place), "dim"))
    if highlighted:
        spans.append(Span(0, len(plain), "reverse"))
    return Text(plain, spans=spans, no_wrap=True, overflow="ellipsis")


def resource_row_width(layout: RowLayout | int) -> int:
    """The width in cells of every `resource_label` (its columns are fitted to exact widths)."""
    return (RowLayout(layout) if isinstance(layout, int) else layout).width


def group_label(title: str, count: int, problems: int) -> Text:
    label = Text(no_wrap=True)
    label.append(one_line(title), style="bold")
    label.append(f"  {count}")
    if problems:
        label.append(f"  {problems} ✖", style="bold red")
    return label
