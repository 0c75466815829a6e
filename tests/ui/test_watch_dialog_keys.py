"""The watch dialog's text box: Ctrl+U followed at once by typing keeps what was typed (issue 13 item 15).

Keys are posted to the App in one burst, as a terminal delivers fast typing: before the fix, the App forwarded
the letters to the box before Ctrl+U (a binding, run only once the key had bubbled back up) erased the line,
letters included.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from cftui.ui.app import CloudForgeApp
from cftui.ui.screens.watch_prompt import WatchOperationScreen
from tests.builders import update
from tests.ui.dashboard import fed_dashboard
from tests.ui.live import until
from tests.worlds import healthy_snapshot


def burst(app: CloudForgeApp, *keys: str) -> None:
    """Post keys without waiting between them (printable ones as themselves, others by name)."""
    for key in keys:
        if key == "ctrl+u":
            app.post_message(events.Key("ctrl+u", "\x15"))
        elif key == "backspace":
            app.post_message(events.Key("backspace", "\x7f"))
        else:
            app.post_message(events.Key("underscore" if key == "_" else key, key))


async def test_ctrl_u_then_fast_typing_keeps_every_letter() -> None:
    async with fed_dashboard(update(healthy_snapshot()), size=(100, 30)) as (app, pilot):
        await pilot.press("w")
        await until(pilot, lambda: isinstance(app.screen, WatchOperationScreen), what="the watch dialog")
        box = app.screen.query_one(Input)
        burst(app, *"op_abc")
        await until(pilot, lambda: box.value == "op_abc", what="the first id typed")
        burst(app, "ctrl+u", *"op_xyz987")
        await until(pilot, lambda: len(box.value) >= 9, what="the second id typed", timeout=5)
        await pilot.pause()
        assert box.value == "op_xyz987"
        burst(app, "backspace", "backspace", *"65")
        await until(pilot, lambda: box.value.endswith("65"), what="the corrected id", timeout=5)
        assert box.value == "op_xyz965"


async def test_the_filter_boxes_keep_letters_typed_right_after_ctrl_u() -> None:
    """The same for the projects filter (`/`): the box is a PromptInput too."""
    async with fed_dashboard(update(healthy_snapshot()), size=(100, 30)) as (app, pilot):
        await pilot.press("slash")
        box = app.query_one("#projects-filter", Input)
        await until(pilot, lambda: app.focused is box, what="the projects filter")
        burst(app, *"prod")
        await until(pilot, lambda: box.value == "prod", what="the first filter")
        burst(app, "ctrl+u", *"staging")
        await until(pilot, lambda: len(box.value) >= 7, what="the second filter", timeout=5)
        await pilot.pause()
        assert box.value == "staging"
