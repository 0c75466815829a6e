"""A burst of errors is one toast naming projects and resources, and it never covers the help (issue 13 item 5)."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from cftui.ui.app import CloudForgeApp
from cftui.ui.screens.help import HelpScreen
from tests.builders import clock, status_event, update
from tests.polling import until
from tests.worlds import INFO, healthy_snapshot

WEB = status_event("web-0", "running", "error", rid="res_a", pid="proj_shop")
API = status_event("api-1", "running", "error", rid="res_b", pid="proj_shop")
ETL = status_event("etl-2", "running", "error", rid="res_c", pid="proj_data")
THE_BURST_IN_ONE = (
    "3 resources in 2 projects went to error: shop-production/web-0, shop-production/api-1, data-platform/etl-2."
)


async def _open_help(app: CloudForgeApp, pilot: Pilot) -> None:
    app.feed(update(healthy_snapshot()))
    await pilot.pause()
    await pilot.press("question_mark")
    await until(pilot, lambda: isinstance(app.screen, HelpScreen), what="help open")


async def _close_help_after_nothing_showed(app: CloudForgeApp, pilot: Pilot) -> None:
    await pilot.pause()
    assert list(app._notifications) == []  # nothing over the help
    await pilot.press("escape")
    await until(pilot, lambda: not isinstance(app.screen, HelpScreen), what="help closed")


async def test_a_burst_across_projects_is_one_toast_naming_them_held_while_the_help_is_open() -> None:
    app = CloudForgeApp(INFO, now=clock)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _open_help(app, pilot)
        app.feed(update(healthy_snapshot(), events=(WEB, API, ETL)))
        await _close_help_after_nothing_showed(app, pilot)
        notes = await until(pilot, lambda: list(app._notifications), what="the held toast shows")
        assert len(notes) == 1
        assert notes[0].message == THE_BURST_IN_ONE


async def test_a_burst_that_grows_while_the_help_is_open_is_still_one_toast_counting_it_all() -> None:
    """The app holds toasts while the help is up; a newer error toast replaces the held one (it counts both)."""
    app = CloudForgeApp(INFO, now=clock)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _open_help(app, pilot)
        app.feed(update(healthy_snapshot(), events=(WEB,)))
        await pilot.pause()
        app.notify("Paused", markup=False)
        app.feed(update(healthy_snapshot(), events=(API, ETL)))
        await _close_help_after_nothing_showed(app, pilot)
        await until(pilot, lambda: len(app._notifications) >= 2, what="the held toasts show")
        await pilot.pause()
        notes = list(app._notifications)
        assert [note.title for note in notes] == ["", "Resource error"]
        assert notes[1].message == THE_BURST_IN_ONE


async def test_at_80x24_toasts_sit_on_the_footer_and_cover_no_row_of_data() -> None:
    from cftui.ui.widgets.event_feed import EventFeed

    app = CloudForgeApp(INFO, now=clock)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        app.feed(update(healthy_snapshot()))
        await pilot.press("4")
        app.feed(update(healthy_snapshot(), events=(WEB, ETL)))
        app.notify("Refreshing now.", title="Refresh", markup=False)
        await until(pilot, lambda: len(app._notifications) == 2, what="two notifications")

        def rows() -> list[str]:
            return [strip.text for strip in app.screen._compositor.render_strips()]

        await until(pilot, lambda: "went to error" in rows()[-1] or "Refreshing" in rows()[-1], what="a toast shown")
        await pilot.pause()
        feed = app.query_one(EventFeed)
        screen = rows()
        # the toast is the last two rows (the pane's bottom border, the footer), at full width, cut with …
        assert "Resource error" in screen[-2] or "Refresh" in screen[-2], screen[-2:]
        assert feed.region.bottom <= len(screen) - 2
        data = "\n".join(screen[: len(screen) - 2])
        assert "ERROR running -> error · shop-production/web-0" in data  # the events under it are all on screen
        assert "went to error" not in data and "Refreshing now" not in data
        for toast in app.screen.query("Toast"):
            assert toast.region.height <= 2


@pytest.mark.parametrize("size", [(110, 30), (120, 40), (169, 40), (200, 50)])
async def test_at_medium_and_wide_sizes_toasts_cover_only_the_right_hand_column(size: tuple[int, int]) -> None:
    """Textual's 60-column toast reached into the left column at 120x40, over the resource tree's costs."""
    app = CloudForgeApp(INFO, now=clock)
    async with app.run_test(size=size, notifications=True) as pilot:
        app.feed(update(healthy_snapshot()))
        app.notify("Copied resource id res_d2a7020349 to tmux's paste buffer and your clipboard.", markup=False)
        await until(pilot, lambda: any(t.region.height for t in app.screen.query("Toast")), what="the toast")
        toast = app.screen.query_one("Toast").region
        events = app.query_one("#events-pane").region
        for pane in ("#projects-pane", "#resources-pane"):
            assert toast.x >= app.query_one(pane).region.right, (pane, toast)
        assert events.x <= toast.x and toast.right <= events.right, (toast, events)
        assert toast.width >= 40 and toast.height >= 3  # still Textual's toast, title and padding


async def test_a_zoomed_pane_at_120x40_keeps_its_rows_clear_of_toasts() -> None:
    """Zoomed (`z`), the resource tree spans the width and its costs sit where the right-hand column was."""
    app = CloudForgeApp(INFO, now=clock)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        app.feed(update(healthy_snapshot()))
        await pilot.press("2", "z")
        await until(pilot, lambda: app.screen.has_class("-zoomed"), what="zoomed")
        app.notify("Copied resource id res_d2a7020349 to tmux's paste buffer and your clipboard.", markup=False)
        await until(pilot, lambda: any(t.region.height for t in app.screen.query("Toast")), what="the toast")
        toast = app.screen.query_one("Toast").region
        assert toast.y >= app.query_one("#resources").region.bottom, toast  # the pane's border and the footer


async def test_any_toast_raised_while_the_help_is_open_waits_until_it_closes() -> None:
    app = CloudForgeApp(INFO, now=clock)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        app.feed(update(healthy_snapshot()))
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen), what="help open")
        app.notify("Operation op_1 found on web-0", title="Operation", markup=False)
        app.notify("Paused", markup=False)
        await pilot.pause()
        assert list(app._notifications) == []  # nothing over the help
        await pilot.press("escape")
        notes = await until(pilot, lambda: list(app._notifications), what="the held toasts show")
        assert [note.message for note in notes] == ["Operation op_1 found on web-0", "Paused"]
        assert notes[0].title == "Operation"
