"""The resource tree widget of the selected project: category -> type -> resource, or one flat list sorted by
cost or by status (`s` in the resources pane cycles `SORT_MODES`); keys, selection, and `ResourceOpened`.

The tree is kept in step with the snapshot by targeted edits (labels updated in place, nodes added and removed
one at a time); it is rebuilt only when the project, the filter or the sort changes. Rows that just changed are
highlighted for `HIGHLIGHT_SECONDS`. How a row reads is `resource_rows`; where it stands is `resource_order`.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from cftui.api.models import Resource
from cftui.monitor.state import Fetched, MonitorUpdate, Snapshot
from cftui.ui.filters import ResourceFilter
from cftui.ui.format import one_line
from cftui.ui.messages import ResourceOpened
from cftui.ui.textual_adapter import add_leaves
from cftui.ui.widgets.resource_order import CATEGORY_ORDER, SORT_MODES, fingerprint, group_counts, sort_key, tree_key
from cftui.ui.widgets.resource_rows import RowLayout, RowMeasures, group_label, resource_label
from cftui.ui.widgets.rows_tree import RowsTree

HIGHLIGHT_SECONDS = 4.0
LEAF_DEPTH = 2  # category, type, resource: a grouped resource row is indented by two guides (a flat one by none)


@dataclass(frozen=True, slots=True)
class NodeRef:
    """What a tree node stands for (its `data`)."""

    kind: str  # category | type | resource | note
    key: str  # category name, type name or resource id


class ResourceTree(RowsTree[NodeRef]):
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
        self._measures = RowMeasures()
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
            key=lambda r: tree_key(r, mode),
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
            elif old is not resource and fingerprint(old) != fingerprint(resource):
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

    def row_width(self, node: TreeNode[NodeRef]) -> int | None:
        """A resource row's width is known from its columns (see `RowsTree.get_label_width`)."""
        if node.data is not None and node.data.kind == "resource":
            return self._layout.width
        return None

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
        counts = group_counts(self._resources.values())
        for group, node in self._groups.items():
            count, problems = counts.get(group, (0, 0))
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

    def _fit_names(self, resources: Iterable[Resource] | None = None) -> None:
        """The rows' columns fitted to the rows (`fit_layout`) in the room left beside the guides; every row is
        labelled again when that changes. The scrollbar's column is always kept. `resources`: those about to be shown
        (before their rows are made), else those shown."""
        width = self.size.width
        if width <= 0:
            return
        shown = list(self._resources.values() if resources is None else resources)
        depth = 0 if self.flat else LEAF_DEPTH
        room = width - self.styles.scrollbar_size_vertical - depth * self.guide_depth
        layout = self._measures.layout(shown, self.flat, room)
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
