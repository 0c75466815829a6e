"""The Textual internals `cftui.ui.textual_adapter` relies on are still there and still mean what it assumes.

A Textual upgrade that renames or reshapes one fails here, by name, rather than misdrawing the project list.
"""

from __future__ import annotations

import inspect

from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import DataTable, Tree

from cftui.ui.textual_adapter import (
    DATA_TABLE_INTERNALS,
    TREE_INTERNALS,
    TREE_NODE_INTERNALS,
    TextTable,
    add_leaves,
)


class OneTable(App[None]):
    def compose(self) -> ComposeResult:
        yield TextTable(id="table")


def _line(table: TextTable, y: int) -> str:
    return "".join(segment.text for segment in table.render_line(y))


async def test_every_internal_the_adapter_uses_exists_on_a_mounted_data_table() -> None:
    async with OneTable().run_test(size=(60, 10)) as pilot:
        table = pilot.app.query_one(TextTable)
        missing = [name for name in DATA_TABLE_INTERNALS if not hasattr(table, name)]
        assert not missing, f"Textual's DataTable no longer has {missing}: review cftui/ui/textual_adapter.py"
        assert isinstance(table._update_count, int)
        assert isinstance(table._total_row_height, int)
        assert isinstance(table._row_label_column_width, int)
        for cache in ("_cell_render_cache", "_row_render_cache", "_row_renderable_cache", "_line_cache"):
            assert callable(getattr(getattr(table, cache), "clear", None)), cache
        # the override replaces a method DataTable still has, with the same parameters
        base = inspect.signature(DataTable._update_dimensions)
        assert list(base.parameters) == ["self", "new_rows"], base


async def test_widths_come_from_the_override_and_a_quiet_cell_change_is_painted() -> None:
    async with OneTable().run_test(size=(60, 10)) as pilot:
        table = pilot.app.query_one(TextTable)
        table.add_column("Name", key="name")
        table.add_column("Cost", key="cost")
        table.add_row(Text("short"), Text("1"), key="a")
        table.add_row(Text("a much longer name"), Text("2"), key="b")
        await pilot.pause()
        # DataTable still calls `_update_dimensions` for new rows, and reads the width it sets
        name = table.columns[next(iter(table.columns))]
        assert name.content_width == len("a much longer name")
        assert table.virtual_size.height == 3  # header + two one-line rows: `_total_row_height` is rows' height
        before = table._update_count
        table.set_cell_quietly("a", "cost", Text("999"))
        table.forget_renders()
        assert table._update_count == before + 1
        assert table.get_cell("a", "cost").plain == "999"  # `_data` is still where cells live
        await pilot.pause()
        assert "999" in _line(table, 1)


class OneTree(App[None]):
    def compose(self) -> ComposeResult:
        yield Tree("root", id="tree")


async def test_a_batch_of_leaves_is_what_add_leaf_makes_one_by_one() -> None:
    async with OneTree().run_test(size=(60, 20)) as pilot:
        tree = pilot.app.query_one(Tree)
        missing = [name for name in TREE_INTERNALS if not hasattr(tree, name)]
        missing += [name for name in TREE_NODE_INTERNALS if not hasattr(tree.root, name)]
        assert not missing, f"Textual's Tree no longer has {missing}: review cftui/ui/textual_adapter.py"
        tree.root.expand()
        one = tree.root.add("one", expand=True)
        two = tree.root.add("two", expand=True)
        one.add_leaf(Text("by hand"), "h")
        added = add_leaves(tree, [(one, Text(f"a{i}"), f"a{i}") for i in range(3)] + [(two, Text("b"), "b")])
        assert [str(n.label) for n in one.children] == ["by hand", "a0", "a1", "a2"]
        assert [n.data for n in two.children] == ["b"] and added[-1] is two.children[0]
        assert all(n.parent is one and not n.allow_expand for n in added[:3])
        await pilot.pause()
        # the tree's lines were rebuilt: every new leaf has a line, and draws its label there
        assert tree.last_line == 7  # eight lines: root, one, its 4 leaves, two, its leaf
        drawn = ["".join(s.text for s in tree.render_line(y)) for y in range(tree.last_line + 1)]
        assert any("a2" in line for line in drawn) and any(line.rstrip().endswith("b") for line in drawn)
        assert tree.get_node_at_line(tree.last_line) is added[-1]
