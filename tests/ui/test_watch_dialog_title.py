"""The watch dialog says what it is in its border, however it was opened (here: from the command palette)."""

from __future__ import annotations

from textual.command import CommandPalette
from textual.geometry import Region

from cftui.ui.screens.watch_prompt import WatchOperationScreen
from tests.builders import update
from tests.ui.dashboard import fed_dashboard
from tests.ui.live import until
from tests.worlds import healthy_snapshot


async def test_watch_dialog_opened_from_the_palette_has_a_real_title() -> None:
    async with fed_dashboard(update(healthy_snapshot())) as (app, pilot):
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette), what="the palette")
        await pilot.press(*"watch an operation")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, WatchOperationScreen), what="the watch dialog")
        await pilot.pause()
        dialog = app.screen.query_one("#watch-dialog")
        top_border = "".join(segment.text for segment in dialog.render_lines(Region(0, 0, dialog.size.width, 1))[0])
        assert "Watch an operation" in top_border, top_border
        assert "▀ w ▀" not in top_border
