"""The footer shows whole labels only, chosen by importance for the width; `z` zooms the active pane with the
status line still on screen; `:` opens the command palette (k9s); Escape steps back out of a zoom."""

from __future__ import annotations

from textual.command import CommandPalette
from textual.widgets import Input

from cftui.ui.widgets.key_bar import KeyBar, choose_hints
from cftui.ui.widgets.status_line import StatusLine
from tests.builders import clock, update
from tests.ui.live import until
from tests.worlds import INFO, healthy_snapshot

HINTS = [
    ("q", "Quit", "quit"),
    ("?", "Help", "show_help"),
    (":", "Commands", "command_palette"),
    ("/", "Filter", "start_filter"),
    ("r", "Refresh", "refresh_now"),
    ("p", "Pause", "pause"),
    ("y", "Copy id", "copy_selected_id"),
    ("w", "Watch op", "ask_watch_operation"),
    ("e", "Problems", "toggle_problems_only"),
    ("s", "Sort", "cycle_sort"),
    ("z", "Zoom", "toggle_zoom"),
    ("0", "All problems", "show_problems"),
]


def test_the_hints_that_fit_are_the_most_important_and_keep_their_order() -> None:
    for width in (20, 40, 78, 118, 198):
        chosen = choose_hints(HINTS, width)
        text = "  ".join(f"{key} {label}" for key, label, _ in chosen)
        assert len(text) <= width, (width, text)
        assert chosen == [hint for hint in HINTS if hint in chosen]  # shown in binding order
    narrow = [action for _, _, action in choose_hints(HINTS, 78)]
    for must in ("show_help", "quit", "command_palette", "show_problems", "toggle_problems_only"):
        assert must in narrow, narrow
    assert choose_hints(HINTS, 198) == HINTS  # a wide terminal shows them all


def app():
    from cftui.ui.app import CloudForgeApp

    return CloudForgeApp(INFO, now=clock)


async def test_the_footer_at_80x24_cuts_no_label_and_offers_problems() -> None:
    dashboard = app()
    async with dashboard.run_test(size=(80, 24)) as pilot:
        dashboard.feed(update(healthy_snapshot()))
        bar = dashboard.screen.query_one(KeyBar)
        await until(pilot, lambda: "Help" in bar.shown_text, what="the footer")
        text = bar.shown_text
        assert len(text) <= 78, text
        for whole in ("? Help", "q Quit", ": Commands", "0 All problems", "e Problems"):
            assert whole in text, text
        hints = text.split("  ")
        assert all(hint in {f"{k} {label}" for k, label, _ in HINTS} for hint in hints), hints  # whole labels


async def test_z_zooms_the_active_pane_and_escape_steps_back() -> None:
    dashboard = app()
    async with dashboard.run_test(size=(120, 40)) as pilot:
        dashboard.feed(update(healthy_snapshot()))
        await pilot.press("2")
        await pilot.press("z")
        await until(pilot, lambda: dashboard.screen.has_class("-zoomed"), what="zoomed")
        await pilot.pause()
        resources = dashboard.query_one("#resources-pane")
        status = dashboard.query_one(StatusLine)
        assert status.display and status.region.height >= 1  # the status line stays on screen
        assert resources.region.width == 120 and resources.region.height > 30
        for other in ("#projects-pane", "#operations-pane", "#events-pane"):
            assert dashboard.query_one(other).region.area == 0, other
        await pilot.press("escape")
        await until(pilot, lambda: not dashboard.screen.has_class("-zoomed"), what="unzoomed by Escape")
        await pilot.pause()
        assert dashboard.query_one("#projects-pane").region.area > 0


async def test_colon_opens_the_palette_but_is_text_in_a_filter() -> None:
    dashboard = app()
    async with dashboard.run_test(size=(120, 40)) as pilot:
        dashboard.feed(update(healthy_snapshot()))
        await pilot.press("colon")
        await until(pilot, lambda: isinstance(dashboard.screen, CommandPalette), what="the palette")
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(dashboard.screen, CommandPalette), what="the palette closed")
        await pilot.press("2", "slash", "t", "a", "g", "colon", "e")
        box = dashboard.query_one("#resources-filter", Input)
        await until(pilot, lambda: box.value == "tag:e", what="':' typed into the filter")
        assert not isinstance(dashboard.screen, CommandPalette)
