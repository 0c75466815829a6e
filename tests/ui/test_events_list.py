"""The events feed as a list to act on (issue 11, item 4): cursor, whole text, Enter, filter, folded progress.

The full dashboard, fed `MonitorUpdate`s built from real model objects; the same in a real terminal (tmux) at
80x24 and 120x40 is in tests/e2e/test_org_terminal.py.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from cftui.monitor.events import ChangeEvent, EventKind, Severity
from cftui.monitor.state import Fetched
from cftui.ui.app import CloudForgeApp
from cftui.ui.event_filter import parse_event_filter
from cftui.ui.screens.detail import ResourceDetailScreen
from cftui.ui.widgets.event_feed import EventFeed
from cftui.ui.widgets.events_pane import EventsPane
from cftui.ui.widgets.operations import OperationsPane
from cftui.ui.widgets.project_list import ProjectList
from tests.builders import NOW, clock, resource, status_event, update
from tests.polling import until
from tests.ui.dashboard import fed_dashboard
from tests.worlds import INFO, healthy_snapshot, operation_snapshot

LONG = "etl-" + "nightly-aggregation-" * 8 + "end"


def progress(op_id: str, percent: int, seconds: int) -> ChangeEvent:
    return ChangeEvent(
        kind=EventKind.OPERATION_PROGRESS,
        at=NOW + timedelta(seconds=seconds),
        subject_id=op_id,
        subject_name="update_resource on api-1",
        project_id="proj_shop",
        old=f"in_progress {percent - 5}%",
        new=f"in_progress {percent}%",
        summary=f"update_resource on api-1: {percent}%",
        data={"resource_id": "res_proj_shop_001", "progress": percent},
    )


def mixed_events() -> tuple[ChangeEvent, ...]:
    return (
        status_event("vpc-main-3", "running", "stopped", rid="res_proj_shop_003"),
        status_event(LONG, "running", "error", rid="res_etl", pid="proj_data"),
        status_event("cdn-edge", "pending", "running", rid="res_cdn", pid="proj_stage"),
        status_event("web-0", "running", "error", rid="res_proj_shop_000"),
    )


async def open_events(app: CloudForgeApp, pilot, events: tuple[ChangeEvent, ...] | None = None) -> EventFeed:
    app.feed(update(healthy_snapshot(), events=mixed_events() if events is None else events))
    await pilot.press("4")
    feed = app.query_one(EventFeed)
    await until(pilot, lambda: app.focused is feed)
    return feed


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_cursor_shows_the_whole_line_and_g_lets_go(size: tuple[int, int]) -> None:
    app = CloudForgeApp(INFO, now=clock)
    async with app.run_test(size=size) as pilot:
        feed = await open_events(app, pilot)
        pane = app.query_one(EventsPane)
        assert pane.detail_text == ""
        await pilot.press("k", "k", "k")  # newest first, then up to the long line about data-platform
        await until(pilot, lambda: feed.highlighted is not None and feed.highlighted.subject_id == "res_etl")
        # the line is cut at the pane's width; below it, its whole text
        assert len(feed.line_texts[1]) > feed.scrollable_content_region.width
        await until(pilot, lambda: LONG in " ".join(pane.detail_text.split()))
        detail = " ".join(pane.detail_text.split())
        assert "project data-platform (proj_data)" in detail and "ERROR" in detail and "running -> error" in detail
        await pilot.press("y")
        assert app.clipboard == "res_etl"
        await pilot.press("G")
        await until(pilot, lambda: pane.detail_text == "" and feed.highlighted is None)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_filter_keeps_a_severity_a_project_or_a_kind_and_escape_clears_it(size) -> None:
    app = CloudForgeApp(INFO, now=clock)
    async with app.run_test(size=size) as pilot:
        feed = await open_events(app, pilot)
        await pilot.press("slash", *"sev:error")
        await until(pilot, lambda: [e.subject_id for e in feed.events] == ["res_etl", "res_proj_shop_000"])
        assert "sev:error" in str(app.query_one(EventsPane).border_subtitle)
        await pilot.press("ctrl+u", *"project:stag")
        await until(pilot, lambda: [e.subject_id for e in feed.events] == ["res_cdn"])
        await pilot.press("ctrl+u", *"kind:status web")
        await until(pilot, lambda: [e.subject_id for e in feed.events] == ["res_proj_shop_000"])
        # new events pass the same filter
        app.feed(update(healthy_snapshot(), events=(status_event("web-9", "stopped", "running", rid="res_web9"),)))
        await until(pilot, lambda: [e.subject_id for e in feed.events] == ["res_proj_shop_000", "res_web9"])
        await pilot.press("enter")  # back to the feed, the filter stays
        await until(pilot, lambda: app.focused is feed)
        await pilot.press("escape")  # clears it
        await until(pilot, lambda: len(feed.events) == 5)
        assert not app.query_one("#events-filter").display


async def test_enter_opens_the_resource_of_a_project_not_opened_yet() -> None:
    app = CloudForgeApp(INFO, now=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        feed = await open_events(app, pilot)
        await pilot.press("k", "k", "k", "enter")  # etl, in data-platform: not loaded
        await until(pilot, lambda: app.query_one(ProjectList).selected_project_id == "proj_data")
        snapshot = healthy_snapshot()
        etl = resource("res_etl", LONG, status="error")
        loaded = dict(snapshot.resources) | {"proj_data": Fetched((etl,), NOW + timedelta(seconds=1))}
        app.feed(update(replace(snapshot, resources=loaded)))
        await until(pilot, lambda: isinstance(app.screen, ResourceDetailScreen))
        assert app.screen.resource.id == "res_etl"
        assert feed.highlighted is not None


async def test_progress_is_one_line_per_operation_and_enter_on_it_selects_its_card() -> None:
    app = CloudForgeApp(INFO, now=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        _snapshot, op_update = operation_snapshot()
        app.feed(op_update)
        feed = await open_events(app, pilot, events=(progress("op_789ghi", 10, 1),))
        for step in range(2, 7):
            app.feed(replace(op_update, events=(progress("op_789ghi", step * 10, step),)))
        other = status_event("cdn-edge", "pending", "running", rid="res_cdn", pid="proj_stage")
        app.feed(replace(op_update, events=(other, progress("op_789ghi", 70, 8))))
        await pilot.pause()
        kinds = [e.kind for e in feed.events]
        assert kinds.count(EventKind.OPERATION_PROGRESS) == 1, feed.line_texts
        assert feed.events[0].data["progress"] == 70  # the one line says the latest
        assert "70%" in feed.line_texts[0] and "shop-production" in feed.line_texts[0]
        await pilot.press("g", "enter")
        operations = app.query_one(OperationsPane)
        await until(pilot, lambda: app.active_pane == "operations")
        assert operations.selected_operation_id == "op_789ghi"
        done = replace(progress("op_789ghi", 100, 9), kind=EventKind.OPERATION_COMPLETED, severity=Severity.INFO)
        app.feed(replace(op_update, events=(done,)))
        await pilot.pause()
        assert [e.kind for e in feed.events][-1] is EventKind.OPERATION_COMPLETED


async def test_after_shrinking_the_terminal_the_newest_event_is_on_the_last_row() -> None:
    """Issue 13, item 11: 200x60 back to 120x40 left blank rows under the newest event until `G`."""
    snapshot = healthy_snapshot()
    async with fed_dashboard(update(snapshot), size=(200, 60)) as (app, pilot):
        feed = app.query_one(EventFeed)
        await pilot.pause()
        # one line past a full pane: the view jumped, the newest line sits mid-pane with room below it
        for number in range(feed.scrollable_content_region.height + 1):
            event = status_event(f"vm-{number}", "running", "stopped", rid=f"res_{number}")
            app.feed(update(snapshot, events=(replace(event, summary=f"vm-{number}: event {number}"),)))
        await pilot.pause()
        await pilot.resize_terminal(120, 40)

        def last_row() -> str:
            height = feed.scrollable_content_region.height
            return "".join(segment.text for segment in feed.render_line(height - 1))

        newest = f"event {number}"
        await until(pilot, lambda: newest in last_row())
        assert feed.is_vertical_scroll_end


async def test_filtering_a_feed_too_short_to_scroll_does_not_fail() -> None:
    """A filter set on a feed with nothing to scroll once raised Textual's SkipAction and stopped the app."""
    app = CloudForgeApp(INFO, now=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        feed = await open_events(app, pilot)
        assert feed.max_scroll_y == 0
        feed.set_filter(parse_event_filter("sev:error"))
        feed.set_filter(parse_event_filter(""))
        await pilot.pause()
        assert len(feed.events) == 4 and app.is_running
