"""Snapshots of the main states at 80x24 and 120x40, fed the same `MonitorUpdate`s the engine posts.

The clock is frozen (`tests.builders.NOW`), so ages and countdowns are the same on every run. Update the
stored SVGs with `pytest -n 0 tests/ui/test_snapshots.py --snapshot-update` after a deliberate change, and look at them.
"""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from cftui.ui.app import CloudForgeApp
from cftui.ui.widgets import event_feed
from tests.builders import clock
from tests.worlds import INFO, STATES, cost_history, state_updates

SIZES = [(80, 24), (120, 40)]


@pytest.fixture(autouse=True)
def error_toasts_stay(monkeypatch: pytest.MonkeyPatch) -> None:
    """An error toast leaves after 10 real seconds, which a loaded machine can spend between the feed and the
    screenshot: the snapshots that show one would then differ. In them, it stays."""
    monkeypatch.setattr(event_feed, "ERROR_TOAST_SECONDS", 3600.0)


def feeder(state: str, keys: tuple[str, ...] = ()):
    async def run_before(pilot: Pilot) -> None:
        app = pilot.app
        assert isinstance(app, CloudForgeApp)
        for one in state_updates(state):
            app.feed(one)
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("state", STATES)
def test_main_states(snap_compare, state: str, size: tuple[int, int]) -> None:
    # at 80x24 one pane shows at a time: the operation state is shown on its pane
    keys = ("3",) if state == "operation_running" and size == (80, 24) else ()
    app = CloudForgeApp(INFO, now=clock)
    assert snap_compare(app, terminal_size=size, run_before=feeder(state, keys))


def test_nasty_tree_at_80x24(snap_compare) -> None:
    app = CloudForgeApp(INFO, now=clock)
    assert snap_compare(app, terminal_size=(80, 24), run_before=feeder("nasty", ("2",)))


def test_detail_with_cost_chart_at_120x40(snap_compare) -> None:
    app = CloudForgeApp(INFO, now=clock, cost_history=cost_history)
    assert snap_compare(app, terminal_size=(120, 40), run_before=feeder("healthy", ("2", "j", "j", "j", "enter")))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_project_cost_chart(snap_compare, size: tuple[int, int]) -> None:
    # c on shop-production: a day of its total, up 1.6 % in the hour and 3.3 % in the day
    app = CloudForgeApp(INFO, now=clock)
    assert snap_compare(app, terminal_size=size, run_before=feeder("healthy", ("c",)))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_problems_across_the_organisation(snap_compare, size: tuple[int, int]) -> None:
    app = CloudForgeApp(INFO, now=clock)
    assert snap_compare(app, terminal_size=size, run_before=feeder("org", ("0",)))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_events_with_the_cursor_on_a_long_line(snap_compare, size: tuple[int, int]) -> None:
    # the cursor on the error in data-platform: its whole text shows below the feed
    app = CloudForgeApp(INFO, now=clock)
    assert snap_compare(app, terminal_size=size, run_before=feeder("events", ("4", "k", "k", "k", "k")))
