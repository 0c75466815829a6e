"""Operations of projects the dashboard has not opened (issue 11, item 2): named on their card, opened with Enter.

The `org` part of the Snapshot is built directly, as the monitor fills it; the live version runs in
tests/e2e/test_org_terminal.py.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from cftui.monitor.state import Fetched, OrgView
from cftui.ui.app import CloudForgeApp
from cftui.ui.screens.detail import ResourceDetailScreen
from cftui.ui.widgets.operations import OperationsPane
from cftui.ui.widgets.project_list import ProjectList
from tests.builders import NOW, clock, resource, resource_ref, update
from tests.polling import until
from tests.ui.dashboard import fed_dashboard
from tests.ui.panes_app import rendered_text
from tests.worlds import INFO, healthy_snapshot, operation_snapshot, running_operation

KAFKA = resource_ref("proj_data", "data-platform", "res_kafka", "kafka-broker-2", rtype="container_cluster",
                     status="provisioning", cost="980.40", seen_at=NOW - timedelta(seconds=30),
                     operation_id="op_789ghi")  # fmt: skip


def world():
    op = running_operation().model_copy(update={"resource_id": "res_kafka"})
    base = healthy_snapshot()
    org = OrgView(resources={KAFKA.resource_id: KAFKA}, operation_subjects={op.id: KAFKA})
    return replace(base, org=org, operations={op.id: Fetched(op, NOW)})


async def test_a_card_names_the_project_and_resource_and_enter_loads_the_project_then_opens_it() -> None:
    snapshot = world()
    async with fed_dashboard(update(snapshot)) as (app, pilot):
        await pilot.press("3")
        pane = app.query_one(OperationsPane)
        card = pane.card("op_789ghi")
        assert card is not None
        header = "update_resource on kafka-broker-2 in data-platform"
        await until(pilot, lambda: header in " ".join(rendered_text(card.header).split()))
        await pilot.press("enter")
        # data-platform's resources are not loaded: its project is selected (the monitor reads it next)
        await until(pilot, lambda: app.query_one(ProjectList).selected_project_id == "proj_data")
        assert not isinstance(app.screen, ResourceDetailScreen)
        kafka = resource("res_kafka", "kafka-broker-2", rtype="container_cluster", status="provisioning", cost="980.40")
        loaded = dict(snapshot.resources) | {"proj_data": Fetched((kafka,), NOW + timedelta(seconds=2))}
        app.feed(update(replace(snapshot, resources=loaded)))
        await until(pilot, lambda: isinstance(app.screen, ResourceDetailScreen))
        assert app.screen.resource.id == "res_kafka"


async def test_a_resource_gone_from_its_newer_list_ends_the_wait_with_a_sentence() -> None:
    app = CloudForgeApp(INFO, now=clock)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        snapshot = world()
        app.feed(update(snapshot))
        await pilot.press("3", "enter")
        await until(pilot, lambda: app.opener.pending is not None)
        loaded = dict(snapshot.resources) | {"proj_data": Fetched((), NOW + timedelta(seconds=2))}
        app.feed(update(replace(snapshot, resources=loaded)))
        gone = "res_kafka is no longer in data-platform."
        await until(pilot, lambda: any(note.message == gone for note in app._notifications))
        assert app.opener.pending is None and not isinstance(app.screen, ResourceDetailScreen)


async def test_log_lines_are_cut_with_an_ellipsis_at_the_pane_width_and_whole_again_when_it_widens() -> None:
    app = CloudForgeApp(INFO, now=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        _snapshot, op_update = operation_snapshot()
        long = op_update.new_log_lines["op_789ghi"][0].model_copy(
            update={"message": "Operation completed successfully: pool drained"}
        )
        app.feed(replace(op_update, new_log_lines={"op_789ghi": (long,)}))
        await pilot.press("3")
        card = app.query_one(OperationsPane).card("op_789ghi")
        assert card is not None
        await until(pilot, lambda: bool(card.log_view.lines) and card.log_view.shown_lines()[-1].endswith("…"))
        assert card.log_view.full_lines[-1].endswith("successfully: pool drained")
        await pilot.resize_terminal(80, 24)  # one pane at a time: the operations pane gets the whole width
        await until(pilot, lambda: card.log_view.shown_lines()[-1].endswith("successfully: pool drained"))
