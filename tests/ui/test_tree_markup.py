"""API text in the resource tree is text, never markup: hostile types, names and regions render literally."""

from __future__ import annotations

from textual.app import App, ComposeResult

from cftui.monitor.state import Fetched, MonitorUpdate, ResourcesChanged, Snapshot
from cftui.ui.widgets.resource_tree import ResourceTree
from tests.builders import NOW, resource

HOSTILE_TYPE = "oops [/] x"
HOSTILE_NAME = "[bold]not bold[/bold] [/]"


class TreeOnly(App[None]):
    def compose(self) -> ComposeResult:
        yield ResourceTree(id="tree")


def _snapshot(*resources: object) -> Snapshot:
    return Snapshot(resources={"proj_1": Fetched(tuple(resources), NOW)})  # type: ignore[arg-type]


async def test_hostile_resource_type_is_shown_literally_in_the_tree() -> None:
    app = TreeOnly()
    async with app.run_test(size=(120, 30)) as pilot:
        tree = app.query_one(ResourceTree)
        first = resource("res_1", "web")
        tree.show_project("proj_1", "p", _snapshot(first))
        await pilot.pause()
        # a new hostile type arrives in an update (the targeted-edit path), then a fresh fill (the bulk path)
        hostile = resource("res_2", HOSTILE_NAME, rtype=HOSTILE_TYPE, region="[red]eu[/]")
        tree.apply(MonitorUpdate(snapshot=_snapshot(first, hostile), changed=frozenset({ResourcesChanged("proj_1")})))
        await pilot.pause()
        labels = [node.label.plain for node in _all_nodes(tree)]
        assert any(label.startswith(HOSTILE_TYPE) for label in labels), labels
        assert HOSTILE_NAME in tree.row_texts()["res_2"]
        tree.show_project("proj_2", "q", None)
        tree.show_project("proj_1", "p", _snapshot(first, hostile))
        await pilot.pause()
        assert any(node.label.plain.startswith(HOSTILE_TYPE) for node in _all_nodes(tree))
        assert app.is_running


def _all_nodes(tree: ResourceTree) -> list:
    found = []
    stack = list(tree.root.children)
    while stack:
        node = stack.pop()
        found.append(node)
        stack.extend(node.children)
    return found
