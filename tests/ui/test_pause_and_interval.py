"""Pause says what it does (watched operations are still followed), the footer offers `p Resume` while paused,
and `-` at the 1 s minimum says so; on the real monitor against `cftui sim`."""

from __future__ import annotations

from cftui.ui.widgets.key_bar import KeyBar
from tests.simproc import SimServer
from tests.ui.live import live_app, toasts_of, until


def footer_text(app) -> str:
    return app.screen.query_one(KeyBar).shown_text


async def test_pause_toast_footer_and_minimum_interval(static_sim: SimServer) -> None:
    app = live_app(static_sim, interval=2.0)
    said = toasts_of(app)
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await until(pilot, lambda: app.latest_snapshot and app.latest_snapshot.projects, timeout=20)
        assert app.screen.active_bindings["p"].binding.description == "Pause"
        # the Footer renders its keys asynchronously: wait for them, never read them once
        await until(pilot, lambda: "Pause" in footer_text(app) and "Resume" not in footer_text(app), what="p Pause")
        await pilot.press("p")
        await until(pilot, lambda: "PAUSED" in app.status_text())
        paused = "Paused: projects and resources are not refreshed (watched operations still are); p resumes."
        await until(pilot, lambda: paused in said, what="the pause toast")
        assert not any("no requests until" in text for text in said)
        await until(pilot, lambda: app.screen.active_bindings["p"].binding.description == "Resume", what="p resumes")
        await until(pilot, lambda: "Resume" in footer_text(app), what="the footer offers p Resume")
        await pilot.press("p")
        await until(pilot, lambda: "PAUSED" not in app.status_text())
        await until(pilot, lambda: "Pause" in footer_text(app) and "Resume" not in footer_text(app))
        await pilot.press("minus")
        await until(pilot, lambda: app.latest_snapshot.requested_interval == 1.0)
        await pilot.press("minus")
        await until(pilot, lambda: any("that is the minimum" in text for text in said))
        assert app.latest_snapshot.requested_interval == 1.0


async def test_p_then_w_in_one_read_pauses_and_opens_the_dialog_and_p_in_a_box_is_text(static_sim: SimServer) -> None:
    """A terminal delivers `pw` typed quickly in one read: both keys are queued before either is handled. The `p`
    used to wait for the focused widget and then be read against `w`'s dialog, where it means nothing: lost."""
    from textual import events
    from textual.widgets import Input

    from cftui.ui.screens.watch_prompt import WatchOperationScreen

    app = live_app(static_sim, interval=2.0)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.latest_snapshot and app.latest_snapshot.projects, timeout=20)
        app.post_message(events.Key("p", "p"))
        app.post_message(events.Key("w", "w"))
        await until(pilot, lambda: isinstance(app.screen, WatchOperationScreen), what="the watch dialog")
        await until(pilot, lambda: app.paused and "PAUSED" in app.status_text(), what="paused")
        # in the dialog (even before its box has the keyboard) `p` is text: part of an operation id
        await pilot.press("o", "p")
        box = app.screen.query_one(Input)
        await until(pilot, lambda: box.value == "op", what="'op' typed in the dialog")
        assert app.paused
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, WatchOperationScreen), what="dialog closed")
        # in the projects filter box too
        await pilot.press("slash", "p")
        await until(pilot, lambda: app.query_one("#projects-filter", Input).value == "p", what="'p' in the filter")
        assert app.paused
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.focused, Input), what="the filter left")
        await pilot.press("p")
        await until(pilot, lambda: not app.paused and "PAUSED" not in app.status_text(), what="resumed")
