"""`s` in the resources pane: the tree by name, one list by cost, one list by status, against the simulator."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from cftui.api.models import Resource
from cftui.ui.widgets.resource_order import STATUS_RANK, UNKNOWN_STATUS_RANK
from cftui.ui.widgets.resource_tree import ResourceTree
from tests.simproc import SimServer, running_sim
from tests.ui.live import live_app, tree_filled, until


@pytest.fixture(scope="module")
def sort_sim() -> Iterator[SimServer]:
    """A simulator these tests change (static: only their own mutations happen)."""
    with running_sim("--seed", "5", "--static", "--plan", "enterprise", "--projects", "3", "--resources", "20") as sim:
        yield sim


def shown_order(tree: ResourceTree) -> list[Resource]:
    """The resources in the order the tree shows them, top to bottom."""
    order: list[Resource] = []
    stack = list(reversed(tree.root.children))
    while stack:
        node = stack.pop()
        if node.data is not None and node.data.kind == "resource":
            resource = tree.resource(node.data.key)
            assert resource is not None
            order.append(resource)
        stack.extend(reversed(node.children))
    return order


def pane_title(app) -> str:
    return str(app.query_one("#resources-pane").border_title)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_s_sorts_the_resources_by_cost_then_by_status_and_back_to_the_tree(
    sort_sim: SimServer, size: tuple[int, int]
) -> None:
    app = live_app(sort_sim, interval=0.3)
    async with app.run_test(size=size) as pilot:
        tree = await tree_filled(pilot, app, 5)
        await pilot.press("2")
        assert "by name" in pane_title(app)
        await pilot.press("s")
        await until(pilot, lambda: "by cost" in pane_title(app), what="the title names the sort")
        costs = [r.monthly_cost or Decimal(-1) for r in shown_order(tree)]
        assert len(costs) == tree.shown_count and costs == sorted(costs, reverse=True), costs
        assert not [n for n in tree.root.children if n.data and n.data.kind != "resource"], "one flat list"
        first = shown_order(tree)[0]
        assert first.type in tree.row_texts()[first.id], "a flat row names its type (no group says it)"

        # the cheapest resource becomes the most expensive: it moves to the top, and the cursor stays where it was
        await pilot.press("j", "j")
        kept = tree.selected_resource()
        assert kept is not None
        cheapest = shown_order(tree)[-1]
        top = float(max(costs)) + 1000  # above any cost so far (this simulator lives for the whole module)
        body = {"action": "set_cost", "resource_id": cheapest.id, "monthly_cost": top}
        sort_sim.control("POST", "mutate", body)
        await until(pilot, lambda: shown_order(tree)[0].id == cheapest.id, timeout=20, what="the new top spender")
        await until(pilot, lambda: getattr(tree.selected_resource(), "id", None) == kept.id, what="the cursor kept")

        # by status: a resource sent to error comes first, then the rest by their status' rank
        victim = shown_order(tree)[-1]
        sort_sim.control("POST", "mutate", {"action": "set_status", "resource_id": victim.id, "status": "error"})
        await pilot.press("s")
        assert "by status" in pane_title(app)
        await until(pilot, lambda: shown_order(tree)[0].status == "error", timeout=20, what="error first")
        ranks = [STATUS_RANK.get(r.status, UNKNOWN_STATUS_RANK) for r in shown_order(tree)]
        assert ranks == sorted(ranks), ranks

        await pilot.press("s")
        assert "by name" in pane_title(app)
        assert any(n.data and n.data.kind == "category" for n in tree.root.children), "the tree again"
