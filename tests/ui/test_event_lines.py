"""The Events pane keeps following new events once it is full (unless the reader scrolled up), and a line about
another project's resource names that project; what happened comes before whose it is."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from cftui.monitor.events import ChangeEvent, EventKind, Severity
from cftui.ui.widgets.event_feed import EventFeed
from tests.builders import NOW, status_event, update
from tests.ui.dashboard import fed_dashboard
from tests.worlds import healthy_snapshot


def numbered_event(number: int) -> ChangeEvent:
    return ChangeEvent(
        kind=EventKind.RESOURCE_UPDATED,
        at=NOW + timedelta(seconds=number),
        subject_id=f"res_{number}",
        subject_name=f"vm-{number}",
        project_id="proj_shop",
        severity=Severity.INFO,
        summary=f"vm-{number}: event number {number}",
    )


def newest_is_visible(feed: EventFeed) -> bool:
    newest = len(feed.events) - 1
    top = feed.scroll_offset.y
    return top <= newest < top + feed.scrollable_content_region.height


async def test_the_feed_follows_new_events_after_it_fills_unless_scrolled_up() -> None:
    snapshot = healthy_snapshot()
    async with fed_dashboard(update(snapshot)) as (app, pilot):
        await pilot.pause()
        feed = app.query_one(EventFeed)
        height = feed.scrollable_content_region.height
        assert height > 0
        for number in range(3 * height):
            app.feed(update(snapshot, (numbered_event(number),)))
            await pilot.pause()
            assert newest_is_visible(feed), (number, feed.scroll_offset.y, height)
        # the reader scrolls up to read: new events do not pull the view away
        app.set_focus(feed)
        await pilot.press("g")
        await pilot.pause()
        assert feed.scroll_offset.y == 0
        for number in range(3 * height, 3 * height + 5):
            app.feed(update(snapshot, (numbered_event(number),)))
            await pilot.pause()
        assert feed.scroll_offset.y == 0
        # back at the newest line, it follows again
        await pilot.press("G")
        await pilot.pause()
        for number in range(3 * height + 5, 4 * height + 5):
            app.feed(update(snapshot, (numbered_event(number),)))
            await pilot.pause()
            assert newest_is_visible(feed), number


async def test_every_line_names_its_project_and_says_what_happened_first() -> None:
    snapshot = healthy_snapshot()
    async with fed_dashboard(update(snapshot)) as (app, pilot):
        await pilot.pause()
        assert app.query_one("#projects").selected_project_id == "proj_shop"
        here = status_event("web-1", "running", "error", rid="res_a", pid="proj_shop")
        there = status_event("db-" + "x" * 150, "running", "error", rid="res_b", pid="proj_data")
        app.feed(update(replace(snapshot), (here, there)))
        await pilot.pause()
        feed = app.query_one(EventFeed)
        own, other = feed.line_texts[-2:]
        # the selected project's own resources are named with their project too: a line read alone says whose
        assert own == "14:03:27 ⇄  ERROR running -> error · shop-production/web-1"
        assert other.startswith("14:03:27 ⇄  ERROR running -> error · data-platform/db-xxx")
        # what the pane draws, cut at its width, still says what happened
        await pilot.pause()
        width = feed.scrollable_content_region.width
        assert width < len(other)
        drawn = "".join(segment.text for segment in feed.render_line(len(feed.events) - 1 - feed.scroll_offset.y))
        assert "ERROR running -> error · data-" in drawn
        # another project selected: the same line
        await pilot.press("j")
        await pilot.pause()
        assert app.query_one("#projects").selected_project_id != "proj_shop"
        assert feed.line_texts[-2] == "14:03:27 ⇄  ERROR running -> error · shop-production/web-1"
