"""Resource rows have the width the tree is told they have, and still repaint when focus moves.

The tree does not measure resource rows (that cost ~0.2 s per rebuild of a 5,000-row tree) and does not rebuild its
lines on a restyle; these tests pin what those shortcuts rely on.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import Input

from cftui.monitor.state import Fetched, Snapshot
from cftui.ui.widgets.resource_rows import resource_label, resource_row_width
from cftui.ui.widgets.resource_tree import ResourceTree
from tests.builders import NOW, resource

NAMES = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80)


@settings(max_examples=300, deadline=None)
@given(
    name=NAMES,
    region=st.sampled_from(["us-east-1", "東京", "eu-west-1🇪🇺", "x" * 40]),
    cost=st.sampled_from(["0", "30.37", "123456789012.99"]),
    status=st.sampled_from(["running", "error", "provisioning", "状態🔥", "a" * 30]),
    name_width=st.integers(min_value=16, max_value=60),
    highlighted=st.booleans(),
)
def test_every_resource_row_is_exactly_as_wide_as_its_columns(
    name: str, region: str, cost: str, status: str, name_width: int, highlighted: bool
) -> None:
    row = resource("res_1", name, status=status, cost=cost, region=region)
    label = resource_label(row, name_width, highlighted)
    assert Text(label.plain).cell_len == resource_row_width(name_width)


class TreeAndInput(App[None]):
    def compose(self) -> ComposeResult:
        yield ResourceTree(id="tree")
        yield Input(id="elsewhere")


def _cursor_styles(tree: ResourceTree) -> set[str]:
    strip = tree.render_line(tree.cursor_line - tree.scroll_offset.y)
    return {str(segment.style) for segment in strip if segment.text.strip()}


async def test_the_cursor_row_repaints_when_focus_moves_in_and_out() -> None:
    app = TreeAndInput()
    async with app.run_test(size=(120, 20)) as pilot:
        tree = app.query_one(ResourceTree)
        rows = tuple(resource(f"res_{i}", f"web-{i}") for i in range(40))
        tree.show_project("proj_1", "p", Snapshot(resources={"proj_1": Fetched(rows, NOW)}))
        tree.focus()
        await pilot.pause()
        tree.cursor_line = 3
        await pilot.pause()
        focused = _cursor_styles(tree)
        app.query_one(Input).focus()
        await pilot.pause()
        blurred = _cursor_styles(tree)
        assert blurred != focused, "the cursor row must look different once the tree loses focus"
        tree.focus()
        await pilot.pause()
        assert _cursor_styles(tree) == focused
        # rows: the category, the type, web-0, web-1, web-10, …: the cursor stayed where it was
        assert tree.cursor_node is not None and tree.cursor_node.data.key == "res_1"
