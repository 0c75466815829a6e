"""The resource tree of the selected project: category -> type -> resource, or one flat list sorted by cost or
by status (`s` in the resources pane cycles `SORT_MODES`).

Each resource row reads without colour: status glyph and word, name, provider/region, monthly cost. The tree is
kept in step with the snapshot by targeted edits (labels updated in place, nodes added and removed one at a
time); it is rebuilt only when the project or the filter changes. Rows that just changed are highlighted for
`HIGHLIGHT_SECONDS`.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Span, Text
from textual.binding import Binding, BindingType
from textual.scroll_view import ScrollView
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from cftui.api.models import OTHER_CATEGORY, RESOURCE_CATEGORIES, Resource
from cftui.monitor.state import Fetched, MonitorUpdate, Snapshot
from cftui.ui.column_fit import ID_GAP, name_room
from cftui.ui.filters import ResourceFilter
from cftui.ui.format import cost_text, fit, fit_right, one_line, status_badge, status_severity
from cftui.ui.messages import ResourceOpened
from cftui.ui.status_style import badge_spans
from cftui.ui.textual_adapter import add_leaves

HIGHLIGHT_SECONDS = 4.0
NAME_MIN = 16  # names never get fewer cells than this: below it rows are cut at the pane's edge
LEAF_DEPTH = 2  # category, type, resource: a grouped resource row is indented by two guides (a flat one by none)
CATEGORY_ORDER = [*dict.fromkeys(RESOURCE_CATEGORIES.values()), OTHER_CATEGORY]
BADGE_WIDTH = 15
WHERE_WIDTH = 18
COST_WIDTH = 12
# name: the tree, grouped by category and type, names A-Z; cost: one flat list, most expensive first (no cost
# last); status: one flat list, problems first (error, unknown statuses, then provisioning, pending, stopped,
# running), the most expensive first within a status
SORT_MODES = ("name", "cost", "status")
STATUS_RANK = {"error": 0, "provisioning": 2, "pending": 3, "stopped": 4, "running": 5}
UNKNOWN_STATUS_RANK = 1  # a status the reference does not know is a problem: right after `error`


@dataclass(frozen=True, slots=True)
class NodeRef:
    """What a tree node stands for (its `data`)."""

    kind: str  # category | type | resource | note
    key: str  # category name, type name or resource id


def where_text(resource: Resource, flat: bool = False) -> str:
    """Provider/region; in a flat list (sorted by cost or status) the type, as no group says it."""
    if flat:
        return one_line(resource.type) or "—"
    return "/".join(one_line(part) for part in (resource.provider, resource.region) if part) or "—"


@dataclass(frozen=True, slots=True)
class RowLayout:
    """Cells per column of a resource row. The tree sizes the columns to what its rows hold (`measure`) and gives
    the name the rest; `ident` > 0 shows the id after the name."""

    name: int
    ident: int = 0
    badge: int = BADGE_WIDTH
    where: int = WHERE_WIDTH
    cost: int = COST_WIDTH

    @property
    def width(self) -> int:
        return self.badge + 1 + self.name + (ID_GAP + self.ident if self.ident else 0) + 1 + self.where + self.cost


def measure(resource: Resource, flat: bool = False) -> tuple[int, int, int, int, int]:
    """The cells a resource's name, id, status badge, place and cost take whole."""
    return (
        cell_len(resource.name or resource.id),
        cell_len(resource.id),
        cell_len(status_badge(resource.status)),
        cell_len(where_text(resource, flat)),
        cell_len(cost_text(resource)),
    )


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


def sort_key(resource: Resource, mode: str) -> tuple[object, ...]:
    """Where a resource stands among its siblings (the whole list when flat) in a sort mode."""
    name = (resource.name.casefold(), resource.id)
    cost = resource.monthly_cost
    if mode == "cost":
        return (cost is None, -(cost or 0), *name)
    if mode == "status":
        return (STATUS_RANK.get(resource.status, UNKNOWN_STATUS_RANK), cost is None, -(cost or 0), *name)
    return name


def _fingerprint(resource: Resource) -> tuple[object, ...]:
    """What a change is judged on: the row's contents, plus `updated_at`, which the API moves on any change.

    Much cheaper than comparing whole models, which matters at 5,000 resources a refresh.
    """
    return (
        resource.status,
        resource.name,
        resource.monthly_cost,
        resource.type,
        resource.provider,
        resource.region,
        resource.operation_id,
        resource.updated_at,
    )


def group_label(title: str, count: int, problems: int) -> Text:
    label = Text(no_wrap=True)
    label.append(one_line(title), style="bold")
    label.append(f"  {count}")
    if problems:
        label.append(f"  {problems} ✖", style="bold red")
    return label


class ResourceTree(Tree[NodeRef]):
    """See the module docstring. Posts `ResourceOpened` on Enter over a resource."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("h", "collapse_or_parent", "Collapse / parent", show=False),
        Binding("l", "expand_node", "Expand", show=False),
        Binding("g", "scroll_home", "First row", show=False),
        Binding("G", "scroll_end", "Last row", show=False),
    ]

    def __init__(self, **kwargs: object) -> None:
        super().__init__("resources", **kwargs)  # type: ignore[arg-type]
        self.show_root = False
        self.guide_depth = 2
        self.project_id: str | None = None
        self.project_name = ""
        self.filter = ResourceFilter()
        self._fetched: Fetched[tuple[Resource, ...]] | None = None
        self._resources: dict[str, Resource] = {}  # shown (filtered) resources by id
        self._leaves: dict[str, TreeNode[NodeRef]] = {}
        self._groups: dict[tuple[str, ...], TreeNode[NodeRef]] = {}  # (category,) and (category, type)
        self._highlight_until: dict[str, float] = {}
        self._layout = RowLayout(28)  # the rows' columns: set by `_fit_names`
        # by id: the cells of a resource's copy (flat or grouped), measured once
        self._measures: dict[str, tuple[Resource, bool, tuple[int, int, int, int, int]]] = {}
        self.total_resources = 0
        self.sort_mode = SORT_MODES[0]
        self._wanted: tuple[str, str] | None = None  # (project id, resource id) to select once its row exists

    def on_mount(self) -> None:
        self.set_interval(1.0, self._expire_highlights, name="tree-highlights")
        self._show_note("select a project to see its resources")

    # --- what the app calls ------------------------------------------------------------------------------

    def show_project(self, project_id: str | None, name: str, snapshot: Snapshot | None) -> None:
        """Switch to another project: the one time the whole tree is rebuilt."""
        if project_id == self.project_id and snapshot is not None:
            self._apply_snapshot(snapshot)
            return
        self.project_id = project_id
        self.project_name = name
        self._reset()
        if project_id is None:
            self._show_note("select a project to see its resources")
        elif snapshot is not None:
            self._apply_snapshot(snapshot)
        if project_id is not None and self._fetched is None:
            self._show_note(f"loading the resources of {one_line(name or project_id)}…")
        self._select_wanted()

    def select_when_shown(self, project_id: str, resource_id: str) -> None:
        """Select a resource now, or as soon as its project's rows arrive (a jump asked before they were loaded)."""
        self._wanted = (project_id, resource_id)
        self.call_after_refresh(self._select_wanted)

    def _select_wanted(self) -> None:
        if self._wanted is None:
            return
        project_id, resource_id = self._wanted
        if self.project_id == project_id and self.select_resource(resource_id):
            self._wanted = None

    @property
    def flat(self) -> bool:
        """Sorted by cost or status: one list, no category and type groups."""
        return self.sort_mode != "name"

    def cycle_sort(self) -> str:
        """The next sort mode; the tree is rebuilt in it (the cursor stays on the resource it was on)."""
        self.sort_mode = SORT_MODES[(SORT_MODES.index(self.sort_mode) + 1) % len(SORT_MODES)]
        chosen = self.selected_resource()
        fetched = self._fetched
        self._reset()
        if fetched is not None:
            self._fill(fetched)
        if chosen is not None:
            self.select_resource(chosen.id)
        return self.sort_mode

    def _label(self, resource: Resource, highlighted: bool = False) -> Text:
        return resource_label(resource, self._layout, highlighted, monochrome=self.app.no_color, flat=self.flat)

    def set_filter(self, resource_filter: ResourceFilter) -> None:
        if resource_filter == self.filter:
            return
        self.filter = resource_filter
        fetched = self._fetched
        self._reset()
        if fetched is not None:
            self._fill(fetched)

    def apply(self, update: MonitorUpdate) -> None:
        self._apply_snapshot(update.snapshot)
        self._select_wanted()

    def _apply_snapshot(self, snapshot: Snapshot) -> None:
        if self.project_id is None:
            return
        fetched = snapshot.resources.get(self.project_id)
        if fetched is None or fetched is self._fetched:
            return
        if self._fetched is None:
            self._fill(fetched)
        else:
            self._diff(fetched)

    def selected_resource(self) -> Resource | None:
        node = self.cursor_node
        if node is None or node.data is None or node.data.kind != "resource":
            return None
        return self._resources.get(node.data.key)

    def resource(self, resource_id: str) -> Resource | None:
        return self._resources.get(resource_id)

    def select_resource(self, resource_id: str) -> bool:
        node = self._leaves.get(resource_id)
        if node is None:
            return False
        for ancestor in (node.parent, node.parent.parent if node.parent else None):
            if ancestor is not None and not ancestor.is_root:
                ancestor.expand()
        self.call_after_refresh(self.move_cursor, node)
        return True

    def row_texts(self) -> dict[str, str]:
        """The text of every resource row, by resource id (for tests and the benchmark)."""
        return {rid: str(node.label) for rid, node in self._leaves.items()}

    def is_highlighted(self, resource_id: str) -> bool:
        return resource_id in self._highlight_until

    @property
    def shown_count(self) -> int:
        return len(self._leaves)

    # --- building -----------------------------------------------------------------------------------------

    def _reset(self) -> None:
        self.root.remove_children()
        self._fetched = None
        self._resources.clear()
        self._leaves.clear()
        self._groups.clear()
        self._highlight_until.clear()
        self.total_resources = 0

    def _show_note(self, text: str) -> None:
        self.root.add_leaf(Text(text, style="italic"), NodeRef("note", text))

    def _fill(self, fetched: Fetched[tuple[Resource, ...]]) -> None:
        self.root.remove_children()
        self._fetched = fetched
        self.total_resources = len(fetched.value)
        mode = self.sort_mode
        shown = sorted(
            (r for r in fetched.value if self.filter.matches(r)),
            key=(
                (lambda r: sort_key(r, mode))
                if self.flat
                else (lambda r: (CATEGORY_ORDER.index(r.category), r.type, r.name.casefold(), r.id))
            ),
        )
        self._fit_names(shown)  # the rows are made at their width once
        self._add_leaves_in_bulk(shown)
        if not shown:
            why = "no resource matches the filter" if self.filter.active else "this project has no resources"
            self._show_note(why)
        self._relabel_groups()
        self.cursor_line = 0  # a new tree starts with the cursor on its first row, whatever came before

    def _diff(self, fetched: Fetched[tuple[Resource, ...]]) -> None:
        self._fetched = fetched
        self.total_resources = len(fetched.value)
        now = time.monotonic()
        seen: set[str] = set()
        changed_groups = changed_rows = False
        filtering = self.filter.active
        chosen = self.selected_resource()
        moved = False
        for resource in fetched.value:
            if filtering and not self.filter.matches(resource):
                continue
            seen.add(resource.id)
            old = self._resources.get(resource.id)
            if old is None:
                self._clear_notes()
                self._highlight_until[resource.id] = now + HIGHLIGHT_SECONDS
                self._add_leaf(resource, at_end=False)
                changed_groups = True
            elif old is not resource and _fingerprint(old) != _fingerprint(resource):
                changed_rows = True
                self._highlight_until[resource.id] = now + HIGHLIGHT_SECONDS
                if (old.type, old.status) != (resource.type, resource.status):
                    changed_groups = True
                if old.type != resource.type or sort_key(old, self.sort_mode) != sort_key(resource, self.sort_mode):
                    self._remove_leaf(resource.id)
                    self._highlight_until[resource.id] = now + HIGHLIGHT_SECONDS
                    self._add_leaf(resource, at_end=False)
                    moved = True
                else:
                    self._resources[resource.id] = resource
                    self._leaves[resource.id].set_label(self._label(resource, True))
            else:
                self._resources[resource.id] = resource  # the newest copy, for the detail and `y`
        for gone in [rid for rid in self._leaves if rid not in seen]:
            self._remove_leaf(gone)
            changed_groups = True
        if changed_groups:
            self._relabel_groups()
        if changed_groups or changed_rows:
            self._fit_names()  # a row changed, came or went: the widest name, status, place or cost may be another
        if moved and chosen is not None and chosen.id in self._leaves:
            # a row moved (its cost or status changed its place): the cursor stays on the resource it was on
            self.call_after_refresh(self.move_cursor, self._leaves[chosen.id])

    def _clear_notes(self) -> None:
        for child in list(self.root.children):
            if child.data is not None and child.data.kind == "note":
                child.remove()

    def _group(self, category: str, rtype: str) -> TreeNode[NodeRef]:
        if self.flat:
            return self.root
        cat_node = self._groups.get((category,))
        if cat_node is None:
            index = CATEGORY_ORDER.index(category)
            before = next(
                (
                    n
                    for n in self.root.children
                    if n.data and n.data.kind == "category" and CATEGORY_ORDER.index(n.data.key) > index
                ),
                None,
            )
            label = Text(one_line(category))
            cat_node = self.root.add(label, NodeRef("category", category), before=before, expand=True)
            self._groups[(category,)] = cat_node
        type_node = self._groups.get((category, rtype))
        if type_node is None:
            before = next((n for n in cat_node.children if n.data and n.data.key > rtype), None)
            # Text, never str: a plain str label is parsed as markup, and a type named `oops [/] x` would crash
            type_node = cat_node.add(Text(one_line(rtype)), NodeRef("type", rtype), before=before, expand=True)
            self._groups[(category, rtype)] = type_node
        return type_node

    def _add_leaf(self, resource: Resource, *, at_end: bool) -> None:
        parent = self._group(resource.category, resource.type)
        before = None
        if not at_end:
            key = sort_key(resource, self.sort_mode)
            before = next(
                (
                    n
                    for n in parent.children
                    if n.data and n.data.kind == "resource" and self._sort_key(n.data.key) > key
                ),
                None,
            )
        label = self._label(resource, resource.id in self._highlight_until)
        self._leaves[resource.id] = parent.add_leaf(label, NodeRef("resource", resource.id), before=before)
        self._resources[resource.id] = resource

    def _add_leaves_in_bulk(self, resources: list[Resource]) -> None:
        """Append many leaves (already in order) and invalidate the tree once (see `textual_adapter.add_leaves`)."""
        batch = []
        for resource in resources:
            label = self._label(resource, resource.id in self._highlight_until)
            batch.append((self._group(resource.category, resource.type), label, NodeRef("resource", resource.id)))
            self._resources[resource.id] = resource
        for resource, node in zip(resources, add_leaves(self, batch), strict=True):
            self._leaves[resource.id] = node

    def get_label_width(self, node: TreeNode[NodeRef]) -> int:
        """A resource row's width is known from its columns: Textual's default renders the label to measure it,
        for every row, each time it rebuilds the tree's lines (~0.2 s for 5,000 rows)."""
        if node.data is not None and node.data.kind == "resource":
            return self._layout.width
        return super().get_label_width(node)

    def notify_style_update(self) -> None:
        """A restyle (focus moving in or out, a new theme) changes how rows are painted, not which rows there are:
        repaint the rows only. Textual's Tree rebuilds every line here, so each focus change froze a 5,000-resource
        tree for a tenth of a second. Every painted line is cached under the update count of each node on its
        path, and every path starts at a top-level node: refreshing those few makes every line paint anew."""
        ScrollView.notify_style_update(self)
        for top in self.root.children:
            top.refresh()
        self.refresh()

    def process_label(self, label: str | Text) -> Text:
        """Labels here are built single-line `Text`: take them as they are (the default copies and splits)."""
        if isinstance(label, Text) and "\n" not in label.plain:
            return label
        return super().process_label(label)

    def _sort_key(self, resource_id: str) -> tuple[object, ...]:
        resource = self._resources.get(resource_id)
        return sort_key(resource, self.sort_mode) if resource is not None else ()

    def _remove_leaf(self, resource_id: str) -> None:
        node = self._leaves.pop(resource_id, None)
        resource = self._resources.pop(resource_id, None)
        self._highlight_until.pop(resource_id, None)
        if node is None:
            return
        parent = node.parent
        node.remove()
        if resource is not None and parent is not None and not parent.is_root and not parent.children:
            parent.remove()
            self._groups.pop((resource.category, resource.type), None)
            category = self._groups.get((resource.category,))
            if category is not None and not category.children:
                category.remove()
                self._groups.pop((resource.category,), None)

    def _relabel_groups(self) -> None:
        counts: dict[tuple[str, ...], list[int]] = {}
        for resource in self._resources.values():
            for key in ((resource.category,), (resource.category, resource.type)):
                pair = counts.setdefault(key, [0, 0])
                pair[0] += 1
                pair[1] += int(resource.is_problem)
        for group, node in self._groups.items():
            count, problems = counts.get(group, [0, 0])
            label = group_label(group[-1], count, problems)
            if label != node.label:
                node.set_label(label)

    def _expire_highlights(self) -> None:
        now = time.monotonic()
        for resource_id in [rid for rid, until in self._highlight_until.items() if until <= now]:
            del self._highlight_until[resource_id]
            node = self._leaves.get(resource_id)
            resource = self._resources.get(resource_id)
            if node is not None and resource is not None:
                node.set_label(self._label(resource))

    def on_resize(self) -> None:
        self._fit_names()

    def _measure(self, resource: Resource) -> tuple[int, int, int, int, int]:
        flat = self.flat
        known = self._measures.get(resource.id)
        if (
            known is not None
            and known[1] == flat
            and (known[0] is resource or _fingerprint(known[0]) == _fingerprint(resource))
        ):
            return known[2]
        cells = measure(resource, flat)
        self._measures[resource.id] = (resource, flat, cells)
        return cells

    def _fit_names(self, resources: Iterable[Resource] | None = None) -> None:
        """Each column as wide as its widest cell (status, place and cost at most their fixed widths), the name
        the room left beside the guides, the id after it when every name and id fit whole; every row is labelled
        again when that changes. The scrollbar's column is always kept. `resources`: those about to be shown
        (before their rows are made), else those shown."""
        width = self.size.width
        if width <= 0:
            return
        shown = list(self._resources.values() if resources is None else resources)
        if len(self._measures) > 2 * len(shown) + 100:  # resources went away: forget them
            keep = {r.id for r in shown}
            self._measures = {rid: entry for rid, entry in self._measures.items() if rid in keep}
        name = ident = 0
        badge, where, cost = 1, 1, 0
        for resource in shown:
            cells = self._measure(resource)
            name, ident = max(name, cells[0]), max(ident, cells[1])
            badge, where, cost = max(badge, cells[2]), max(where, cells[3]), max(cost, cells[4])
        # a status word is followed by two spaces, a cost preceded by two: columns read apart
        badge, where, cost = min(badge + 1, BADGE_WIDTH), min(where, WHERE_WIDTH), min(cost + 2, COST_WIDTH)
        fixed = badge + 1 + 1 + where + cost
        depth = 0 if self.flat else LEAF_DEPTH
        room = width - self.styles.scrollbar_size_vertical - depth * self.guide_depth - fixed
        name_width, with_ids = name_room(room, name, ident, NAME_MIN)
        layout = RowLayout(name_width, ident if with_ids else 0, badge, where, cost)
        if layout != self._layout:
            self._layout = layout
            for resource_id, node in self._leaves.items():
                node.set_label(self._label(self._resources[resource_id], resource_id in self._highlight_until))

    # --- keys ---------------------------------------------------------------------------------------------

    def action_collapse_or_parent(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and node.is_expanded:
            node.collapse()
        elif node.parent is not None and not node.parent.is_root:
            self.move_cursor(node.parent)

    def action_expand_node(self) -> None:
        node = self.cursor_node
        if node is not None and node.allow_expand:
            node.expand()

    def on_tree_node_selected(self, event: Tree.NodeSelected[NodeRef]) -> None:
        event.stop()
        data = event.node.data
        if data is not None and data.kind == "resource" and self.project_id is not None:
            self.post_message(ResourceOpened(self.project_id, data.key))
