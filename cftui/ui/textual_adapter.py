"""The one module that touches Textual internals (names starting with `_`), each for a measured reason.

`DataTable`'s public API cannot do two things the project list needs at 1,000-2,000 rows:

- change one cell and repaint that cell only (`update_cell` repaints every visible row, so a drifting cost would
  rewrite the whole table on the terminal several times a second);
- take column widths from the cells' text (its `_update_dimensions` measures every new cell with Rich, which splits
  it into words: ~0.15 s of a blocked event loop on the first data of 1,000 projects).

`TextTable` does both, and nothing else. `Tree` has no way to add many nodes at once: each `TreeNode.add` throws
away every line the tree has built and asks for a new layout, which costs more than everything else in filling a
5,000-resource tree (~0.2 s); `add_leaves` adds a batch and does that once.

Textual is pinned to a range in pyproject.toml, and
tests/ui/test_textual_adapter.py checks that every internal used here still exists and behaves as assumed, so a
Textual upgrade that moves one fails that test by name instead of misdrawing the dashboard. No other module may use
a Textual private: tests/ui/test_textual_privates.py holds that.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeVar

from rich.text import Text
from textual.coordinate import Coordinate
from textual.geometry import Size
from textual.widgets import DataTable, Tree
from textual.widgets.data_table import ColumnKey, RowKey
from textual.widgets.tree import TreeNode

# what this module relies on, checked against the installed Textual by tests/ui/test_textual_adapter.py
DATA_TABLE_INTERNALS = (
    "_data",
    "_update_count",
    "_cell_render_cache",
    "_row_render_cache",
    "_row_renderable_cache",
    "_line_cache",
    "_total_row_height",
    "_row_label_column_width",
    "_update_dimensions",
)
TREE_INTERNALS = ("_add_node", "_invalidate")
TREE_NODE_INTERNALS = ("_children", "_updates", "_allow_expand")

NodeData = TypeVar("NodeData")


class TextTable(DataTable[Text]):
    """A `DataTable` of one-line `Text` cells that can change a cell quietly and measures cells by their text."""

    def set_cell_quietly(self, row_key: str, column_key: str, cell: Text) -> None:
        """`update_cell` without its whole-table repaint: only the cell's region is refreshed, and only if visible.

        Call `forget_renders()` once after a batch of these, before the table paints again.
        """
        self._data[RowKey(row_key)][ColumnKey(column_key)] = cell
        self.refresh_coordinate(Coordinate(self.get_row_index(row_key), self.get_column_index(column_key)))

    def forget_renders(self) -> None:
        """Once per batch of changed cells: move the table's render caches on, and drop what they held.

        Those caches are keyed on the update count; a bump alone makes every entry stale, yet the stale ones would
        stay until LRU eviction reaches them (10,000 cells, 1,000 rows and lines), so a dashboard whose costs drift
        would keep filling them for hours. Only the refreshed cells are drawn again.
        """
        self._update_count += 1
        self._cell_render_cache.clear()
        self._row_render_cache.clear()
        self._row_renderable_cache.clear()
        self._line_cache.clear()

    def set_column_width(self, column_key: str, width: int) -> None:
        """Give a column a fixed width (cells, without padding) and lay the table out again; nothing happens when
        it already has that width. `DataTable` has no public way to change a column's width once added."""
        column = self.columns[ColumnKey(column_key)]
        if not column.auto_width and column.width == width:
            return
        column.auto_width = False
        column.width = width
        self.forget_renders()
        total = sum(c.get_render_width(self) for c in self.columns.values()) + self._row_label_column_width
        self.virtual_size = Size(total, self.virtual_size.height)
        self.refresh()

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        """Column widths from the new cells' text, without Rich's `measure`. Every cell here is one line of `Text`,
        so its width is its text's width, and rows are one line high."""
        columns = self.ordered_columns
        for row_key in new_rows:
            cells = self._data.get(row_key)
            if cells is None:
                continue  # removed before the table went idle
            for column in columns:
                cell = cells.get(column.key)
                if isinstance(cell, Text):
                    column.content_width = max(column.content_width, cell.cell_len)
        width = sum(column.get_render_width(self) for column in self.columns.values()) + self._row_label_column_width
        header_height = self.header_height if self.show_header else 0
        self.virtual_size = Size(width, self._total_row_height + header_height)


def add_leaves(
    tree: Tree[NodeData], leaves: Sequence[tuple[TreeNode[NodeData], Text, NodeData]]
) -> list[TreeNode[NodeData]]:
    """Append leaves `(parent, label, data)` in order, as `parent.add_leaf(label, data)` would one by one, and
    invalidate the tree once. Labels are taken as they are (one-line `Text`: `Tree.process_label` is not applied)."""
    added = []
    for parent, label, data in leaves:
        node = tree._add_node(parent, label, data)
        node._allow_expand = False
        parent._children.append(node)
        parent._updates += 1
        added.append(node)
    tree._invalidate()
    return added
