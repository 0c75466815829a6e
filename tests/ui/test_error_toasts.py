"""A burst of errors is one toast naming projects and resources, and it never covers the help (issue 13 item 5)."""

from __future__ import annotations

from cftui.ui.app import CloudForgeApp
from cftui.ui.screens.help import HelpScreen
from tests.polling import until
from tests.ui.builders import INFO, clock, healthy_snapshot, status_event, update


async def test_a_burst_across_projects_is_one_toast_naming_them_held_while_the_help_is_open() -> None:
    app = CloudForgeApp(INFO, now=clock)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        app.feed(update(healthy_snapshot()))
        await pilot.pause()
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen), what="help open")
        burst = (
            status_event("res_a", "web-0", "running", "error", pid="proj_shop"),
            status_event("res_b", "api-1", "running", "error", pid="proj_shop"),
            status_event("res_c", "etl-2", "running", "error", pid="proj_data"),
        )
        app.feed(update(healthy_snapshot(), events=burst))
        await pilot.pause()
        assert list(app._notifications) == []  # nothing over the help
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, HelpScreen), what="help closed")
        notes = await until(pilot, lambda: list(app._notifications), what="the held toast shows")
        assert len(notes) == 1
        assert notes[0].message == (
            "3 resources in 2 projects went to error: "
            "shop-production/web-0, shop-production/api-1, data-platform/etl-2."
        )
