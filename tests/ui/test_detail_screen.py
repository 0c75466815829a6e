"""The resource detail keeps the status line, scrolls with g/G, offers `w` only when an operation runs, and says
"one sample so far" instead of drawing a one-point chart; the chart's y-axis is in dollars."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

from textual.widgets import Static

from cftui.monitor.state import CostSample, Fetched
from cftui.ui.app import CloudForgeApp
from cftui.ui.screens.detail import CostChart, ResourceDetailScreen, clock_ticks, resource_fields
from cftui.ui.widgets.status_line import StatusLine
from tests.builders import NOW, clock, update
from tests.ui.dashboard import fed_dashboard
from tests.ui.live import until
from tests.worlds import INFO, cost_history, healthy_snapshot


async def open_detail(app: CloudForgeApp, pilot, size_keys: tuple[str, ...] = ("2", "j", "j", "enter")):
    await pilot.press(*size_keys)
    await until(pilot, lambda: isinstance(app.screen, ResourceDetailScreen), what="the detail screen")
    await pilot.pause()
    return app.screen


async def test_status_line_stays_and_w_only_with_an_operation_and_g_G_scroll() -> None:
    snapshot = healthy_snapshot()
    async with fed_dashboard(update(snapshot), size=(80, 24)) as (app, pilot):
        screen = await open_detail(app, pilot)
        status = screen.query_one(StatusLine)
        assert status.display and status.region.height >= 1 and status.region.y == 0
        assert "● OK" in status.current_text() and "data <10s old" in status.current_text()
        assert screen.resource.operation_id is None
        assert "w" not in screen.active_bindings  # not offered in the footer
        # the status line follows the live data on this screen too
        paused = replace(snapshot, paused=True)
        app.feed(update(paused))
        await pilot.pause()
        assert "⏸ PAUSED" in status.current_text()
        body = screen.query_one("#detail-body")
        assert body.max_scroll_y > 0
        await pilot.press("G")
        await until(pilot, lambda: body.scroll_y == body.max_scroll_y, what="scrolled to the bottom")
        await pilot.press("g")
        await until(pilot, lambda: body.scroll_y == 0, what="scrolled to the top")
        # an operation starts on the resource: now `w` is offered
        items = snapshot.resources["proj_shop"].value
        running = tuple(
            r.model_copy(update={"operation_id": "op_abc"}) if r.id == screen.resource.id else r for r in items
        )
        app.feed(update(replace(paused, resources={"proj_shop": Fetched(running, NOW)})))
        await pilot.pause()
        assert "w" in screen.active_bindings


async def test_one_cost_sample_is_a_sentence_not_a_chart() -> None:
    async with fed_dashboard(update(healthy_snapshot())) as (app, pilot):
        screen = await open_detail(app, pilot)
        note = screen.query_one("#detail-chart-note", Static)
        await until(pilot, lambda: str(note.render()).startswith("one sample so far"), what="the note")
        cost = screen.resource.monthly_cost
        assert f"one sample so far: ${cost:,.2f} at 14:03:25" in str(note.render()), "when the list was fetched"
        assert not screen.query_one(CostChart).display


async def test_a_cost_that_has_not_moved_is_a_flat_line_after_the_next_refresh() -> None:
    reads: list[str] = []

    async def no_history_yet(resource_id: str) -> list:
        reads.append(resource_id)
        return []

    app = CloudForgeApp(INFO, now=clock, cost_history=no_history_yet)
    async with app.run_test(size=(120, 40)) as pilot:
        app.feed(update(healthy_snapshot()))
        screen = await open_detail(app, pilot)
        chart = screen.query_one(CostChart)
        await until(pilot, lambda: len(chart.samples) == 1, what="the first look")
        later = healthy_snapshot(now=NOW + timedelta(minutes=2))  # the next refresh: the same costs
        app.feed(update(later))
        await until(pilot, lambda: len(chart.samples) == 2, what="the chart runs up to the latest look")
        assert chart.display and chart.samples[0].monthly_cost == chart.samples[1].monthly_cost
        assert chart.samples[1].at - chart.samples[0].at == timedelta(minutes=2)
        assert str(screen.query_one("#detail-chart-note", Static).render()) == ""
        assert len(reads) == 1, "the history is read once; each refresh's look extends it"


async def test_the_chart_y_axis_is_in_dollars() -> None:
    app = CloudForgeApp(INFO, now=clock, cost_history=cost_history)
    async with app.run_test(size=(120, 40)) as pilot:
        app.feed(update(healthy_snapshot()))
        screen = await open_detail(app, pilot)
        chart = screen.query_one(CostChart)
        await until(pilot, lambda: len(chart.samples) >= 2, what="the samples")
        await pilot.pause()
        drawn = str(chart.render())
        assert "monthly cost ($)" in drawn
        assert "$" in drawn.replace("monthly cost ($)", "")
        assert "-1.00" not in drawn


async def test_the_detail_names_the_project_and_the_chart_axis_reads_clock_times() -> None:
    async with fed_dashboard(update(healthy_snapshot())) as (app, pilot):
        screen = await open_detail(app, pilot)
        fields = str(screen.query_one("#detail-fields", Static).render())
        assert "shop-production (proj_shop)" in fields
    samples = [CostSample(NOW + timedelta(minutes=20 * i), Decimal("100.00")) for i in range(4)]
    ticks, labels = clock_ticks(samples)
    assert labels == ["14:03", "14:23", "14:43", "15:03"] and ticks[0] == 0 and ticks[-1] == 3600
    short = [CostSample(NOW + timedelta(seconds=60 * i), Decimal("100.00")) for i in range(3)]
    assert clock_ticks(short)[1][0] == "14:03:27"


async def test_the_project_is_one_line_though_the_payload_carries_project_id() -> None:
    """The simulator's (and a real API's) resource carries `project_id`: shown as an unknown field it repeated the
    project line's id; a `project_id` that disagrees with the project it was listed in still shows."""
    from cftui.api.models import Resource

    def carrying(r: Resource, project_id: str) -> Resource:
        return Resource.model_validate({**r.model_dump(mode="json"), "project_id": project_id})

    snapshot = healthy_snapshot()
    shop = snapshot.resources["proj_shop"]
    carried = tuple(carrying(r, "proj_shop") for r in shop.value)
    app = CloudForgeApp(INFO, now=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        app.feed(update(replace(snapshot, resources={**snapshot.resources, "proj_shop": replace(shop, value=carried)})))
        screen = await open_detail(app, pilot)
        lines = str(screen.query_one("#detail-fields", Static).render()).splitlines()
        assert [line.split()[0] for line in lines].count("project") == 1, lines
        assert "shop-production (proj_shop)" in next(line for line in lines if line.startswith("project "))
        assert not [line for line in lines if line.startswith("project_id")], lines
    odd = resource_fields(carrying(shop.value[0], "proj_other"), NOW, ("proj_shop", "shop-production (proj_shop)"))
    assert any(line.startswith("project_id") and "proj_other" in line for line in odd), odd
