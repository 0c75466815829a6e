"""Operation cards are selectable with j/k: `y` copies the highlighted operation's id, Enter opens its resource."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from cftui.monitor.state import Fetched
from cftui.ui.app import CloudForgeApp
from cftui.ui.screens.detail import ResourceDetailScreen
from cftui.ui.widgets.operations import OperationsPane
from tests.builders import NOW, clock, update
from tests.worlds import INFO, healthy_snapshot, running_operation


def two_operations_update():
    first = running_operation()
    second = first.model_copy(update={"id": "op_second", "resource_id": "res_proj_shop_002"})
    base = healthy_snapshot()
    fetched = {op.id: Fetched(op, NOW - timedelta(seconds=1)) for op in (first, second)}
    return update(replace(base, operations=fetched))


async def test_j_k_select_a_card_and_y_copies_its_id() -> None:
    app = CloudForgeApp(INFO, now=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        app.feed(two_operations_update())
        await pilot.press("3")
        app.set_focus(app.query_one(OperationsPane))
        await pilot.pause()
        pane = app.query_one(OperationsPane)
        assert pane.selected_operation_id == "op_789ghi"  # the first card is highlighted from the start
        await pilot.press("j")
        assert pane.selected_operation_id == "op_second"
        assert pane.card("op_second").has_class("-selected")
        assert not pane.card("op_789ghi").has_class("-selected")
        await pilot.press("y")
        assert app.clipboard == "op_second"
        await pilot.press("k")
        await pilot.press("y")
        assert app.clipboard == "op_789ghi"
        await pilot.press("G")
        assert pane.selected_operation_id == "op_second"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ResourceDetailScreen)
        assert app.screen.resource.id == "res_proj_shop_002"
