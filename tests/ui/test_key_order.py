"""Keys that arrive in one read (a fast typist, a paste over SSH) are handled in the order they were typed, also
around a key that changes the screen or the focus (`0`, `w`, `1`-`4`): `j j 0` moves the cursor twice, then opens
the problems view; `j w op_…` moves once, then types the id into the watch dialog.

Keys are posted to the App in one burst, as a terminal delivers them: before the fix, `0` and `w` (priority
bindings, run at once by the App) changed the screen before the `j` keys ahead of them (handed to the focused
widget, matched against the bindings only once they bubbled back up to the App) were matched, so they were
matched against the new screen and lost.
"""

from __future__ import annotations

from textual.widgets import Input

from cftui.ui.screens.problems import ProblemsScreen
from cftui.ui.screens.watch_prompt import WatchOperationScreen
from cftui.ui.widgets.project_list import ProjectList
from tests.builders import update
from tests.polling import until
from tests.ui.dashboard import fed_dashboard
from tests.ui.test_watch_dialog_keys import burst
from tests.worlds import healthy_snapshot


def cursor_row(app) -> int:
    return app.screen_stack[0].query_one(ProjectList).cursor_row


def list_focused(app) -> bool:
    """The dashboard is composed and its project list has the keyboard (the App focuses it on mount)."""
    lists = app.screen_stack[0].query(ProjectList) if app.screen_stack else ()
    return bool(lists) and app.focused is lists.first()


async def test_keys_before_zero_in_one_read_move_the_cursor_first() -> None:
    async with fed_dashboard(update(healthy_snapshot()), size=(120, 40)) as (app, pilot):
        await until(pilot, lambda: list_focused(app), what="the project list focused")
        start = cursor_row(app)
        burst(app, "j", "j", "0")
        await until(pilot, lambda: isinstance(app.screen, ProblemsScreen), what="the problems view")
        await pilot.pause()
        assert cursor_row(app) == start + 2
        burst(app, "escape", "k", "0")  # back, up one, and the view again: in one read too
        await until(pilot, lambda: cursor_row(app) == start + 1, what="k after escape", timeout=5)
        await until(pilot, lambda: isinstance(app.screen, ProblemsScreen), what="the problems view again")


async def test_keys_before_w_move_the_cursor_and_keys_after_it_reach_the_dialog() -> None:
    async with fed_dashboard(update(healthy_snapshot()), size=(100, 30)) as (app, pilot):
        await until(pilot, lambda: list_focused(app), what="the project list focused")
        start = cursor_row(app)
        burst(app, "j", "j", "j", "w", *"op_abc")
        await until(pilot, lambda: isinstance(app.screen, WatchOperationScreen), what="the watch dialog")
        boxes = await until(pilot, lambda: app.screen.query(Input), what="the dialog's box composed")
        await until(pilot, lambda: boxes.first().value == "op_abc", what="the id typed after w", timeout=5)
        assert cursor_row(app) == start + 3


async def test_keys_before_a_pane_key_act_on_the_pane_they_were_typed_in() -> None:
    async with fed_dashboard(update(healthy_snapshot()), size=(120, 40)) as (app, pilot):
        await until(pilot, lambda: list_focused(app), what="the project list focused")
        projects = app.query_one(ProjectList)
        start = projects.cursor_row
        burst(app, "j", "2")
        await until(pilot, lambda: app.focused is not projects, what="the resources pane focused")
        await pilot.pause()
        assert projects.cursor_row == start + 1
