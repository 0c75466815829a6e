"""Pause says what it does (watched operations are still followed), the footer offers `p Resume` while paused,
and `-` at the 1 s minimum says so; on the real monitor against `cftui sim`."""

from __future__ import annotations

from cftui.ui.widgets.key_bar import KeyBar
from tests.simproc import SimServer
from tests.ui.live import live_app, until


def footer_text(app) -> str:
    return app.screen.query_one(KeyBar).shown_text


def messages(app) -> list[str]:
    return [str(note.message) for note in app._notifications]


async def test_pause_toast_footer_and_minimum_interval(static_sim: SimServer) -> None:
    app = live_app(static_sim, interval=2.0)
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await until(pilot, lambda: app.latest_snapshot and app.latest_snapshot.projects, timeout=20)
        assert app.screen.active_bindings["p"].binding.description == "Pause"
        # the Footer renders its keys asynchronously: wait for them, never read them once
        await until(pilot, lambda: "Pause" in footer_text(app) and "Resume" not in footer_text(app), what="p Pause")
        await pilot.press("p")
        await until(pilot, lambda: "PAUSED" in app.status_text())
        assert (
            "Paused: projects and resources are not refreshed (watched operations still are); p resumes."
            in messages(app)
        )
        assert not any("no requests until" in text for text in messages(app))
        await until(pilot, lambda: app.screen.active_bindings["p"].binding.description == "Resume", what="p resumes")
        await until(pilot, lambda: "Resume" in footer_text(app), what="the footer offers p Resume")
        await pilot.press("p")
        await until(pilot, lambda: "PAUSED" not in app.status_text())
        await until(pilot, lambda: "Pause" in footer_text(app) and "Resume" not in footer_text(app))
        await pilot.press("minus")
        await until(pilot, lambda: app.latest_snapshot.requested_interval == 1.0)
        await pilot.press("minus")
        await until(pilot, lambda: any("that is the minimum" in text for text in messages(app)))
        assert app.latest_snapshot.requested_interval == 1.0
