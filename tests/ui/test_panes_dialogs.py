"""HelpScreen (generated from live bindings), WatchOperationScreen, themes, NO_COLOR choice and the OSC 52 copy."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from cftui.ui.clipboard import copy_id
from cftui.ui.screens.help import HelpScreen, collect_key_groups, help_description, is_hidden
from cftui.ui.screens.watch_prompt import InvalidOperationId, WatchOperationScreen, parse_operation_id
from cftui.ui.themes import HIGH_CONTRAST_THEME_NAME, UnknownThemeError, choose_theme, theme_names
from cftui.ui.widgets.operations import OperationsPane
from tests.polling import until
from tests.ui.dashboard import open_screen
from tests.ui.panes_app import PanesApp, rendered_text

SIZE = (120, 40)


async def test_help_lists_every_live_binding_with_key_and_description() -> None:
    app = PanesApp()
    async with app.run_test(size=SIZE) as pilot:
        app.query_one(OperationsPane).focus()
        app.bind("x", "copy_selected_id", description="Added at run time")
        await open_screen(pilot, "question_mark", HelpScreen)
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        groups = {group.title: group for group in help_screen.groups}
        titles = list(groups)
        assert titles[0] == "Everywhere"
        assert titles[1] == "Operations pane (focused)"
        everywhere = {(tuple(e.keys), e.description) for e in groups["Everywhere"].entries}
        assert (("?",), "Show every key") in everywhere
        assert (("w",), "Watch an operation") in everywhere
        assert (("e",), "Problems only") in everywhere
        assert (("x",), "Added at run time") in everywhere
        assert (("^q",), "Quit cftui") in everywhere
        # every binding of the app, the screen and the focused pane is listed somewhere
        listed = {
            (key, entry.description) for group in help_screen.groups for entry in group.entries for key in entry.keys
        }
        for node in (app, pilot.app.screen_stack[0], app.query_one(OperationsPane)):
            for bindings in node._bindings.key_to_bindings.values():
                for binding in bindings:
                    if is_hidden(binding, node):
                        continue  # Textual internals that make no sense in cftui
                    assert any(key == app.get_key_display(binding) for key, _ in listed), binding
        await pilot.pause()
        shown = rendered_text(help_screen.query_one("#help-body"))
        assert "Show every key" in shown and "Watch an operation" in shown
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, HelpScreen))


async def test_help_on_the_dashboard_lists_its_bindings_and_hides_shadowed_ones() -> None:
    from cftui.ui.app import CloudForgeApp
    from tests.builders import clock
    from tests.worlds import INFO

    app = CloudForgeApp(INFO, now=clock)
    async with app.run_test(size=SIZE) as pilot:
        app.action_show_pane("events")
        await open_screen(pilot, "question_mark", HelpScreen)
        groups = app.screen.groups
        listed = {(key, e.description) for g in groups for e in g.entries for key in e.keys}
        for binding in CloudForgeApp.BINDINGS:  # keys that take turns (p: pause / resume) share one line
            shown_for_key = [text for key, text in listed if key == app.get_key_display(binding)]
            assert any(help_description(binding) in text for text in shown_for_key), binding
        assert ("p", "Pause refreshing projects and resources / Resume refreshing projects and resources") in listed
        events_group = next(g for g in groups if g.title == "Events pane (focused)")
        assert any(e.keys == ["↓", "j"] for e in events_group.entries)
        # Tab belongs to the app (priority): Textual's "Focus Next" on the screen never runs, so it is not listed
        assert ("tab", "Next pane") in listed
        assert not any(e.description == "Focus Next" for g in groups for e in g.entries)


async def test_help_closes_with_q_and_question_mark() -> None:
    app = PanesApp()
    async with app.run_test(size=(80, 24)) as pilot:
        for key in ("q", "question_mark"):
            await open_screen(pilot, "question_mark", HelpScreen)
            await pilot.press(key)
            await until(pilot, lambda: not isinstance(app.screen, HelpScreen))
        assert app.is_running


async def test_same_key_same_meaning_is_listed_once() -> None:
    app = PanesApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        groups = collect_key_groups(app.screen)
        pairs = [(key, e.description) for g in groups for e in g.entries for key in e.keys]
        assert len(pairs) == len(set(pairs))


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("op_789ghi", "op_789ghi"),
        ("  op_789ghi \n", "op_789ghi"),
        ("https://api.example.com/v2/operations/op_abc-123?x=1", "op_abc-123"),
        ("operations/op_x1/", "op_x1"),
    ],
)
def test_operation_id_shapes_accepted(typed: str, expected: str) -> None:
    assert parse_operation_id(typed) == expected


@pytest.mark.parametrize("typed", ["", "   ", "res_123", "op_", "op_ spaces", "[@click=app.quit]", "op_" + "x" * 101])
def test_operation_id_shapes_refused_with_a_sentence(typed: str) -> None:
    with pytest.raises(InvalidOperationId) as caught:
        parse_operation_id(typed)
    assert "op_" in str(caught.value)


async def test_w_asks_for_an_id_refuses_a_bad_one_and_watches_a_good_one() -> None:
    app = PanesApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, "w", WatchOperationScreen)
        prompt = app.screen
        await pilot.press(*"[@click=app.quit]", "enter")
        await pilot.pause()
        assert app.screen is prompt and app.is_running
        error_text = rendered_text(prompt.query_one("#watch-error"))
        assert "'[@click=app.quit]' is not an operation id" in error_text
        prompt.query_one(Input).value = ""
        await pilot.press(*"op_789ghi", "enter")
        await until(pilot, lambda: not isinstance(app.screen, WatchOperationScreen))
        assert ("watch_operation", "op_789ghi") in app.calls
        assert app.query_one(OperationsPane).watched_ids == ("op_789ghi",)


async def test_escape_cancels_the_prompt_without_watching() -> None:
    app = PanesApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(pilot, "w", WatchOperationScreen)
        await pilot.press(*"op_1", "escape")
        await until(pilot, lambda: not isinstance(app.screen, WatchOperationScreen))
        assert not any(call[0] == "watch_operation" for call in app.calls)


async def test_high_contrast_theme_is_registered_and_selectable() -> None:
    app = PanesApp()
    async with app.run_test(size=(80, 24)) as pilot:
        assert HIGH_CONTRAST_THEME_NAME in theme_names(app)
        assert "textual-dark" in theme_names(app)
        app.theme = HIGH_CONTRAST_THEME_NAME
        await pilot.pause()
        assert app.current_theme.background == "#000000"
        assert app.current_theme.foreground == "#FFFFFF"
        assert app.screen.styles.background.hex.upper() == "#000000"


async def test_theme_choice_flag_then_no_color_then_default() -> None:
    app = PanesApp()
    async with app.run_test(size=(80, 24)):
        assert choose_theme(app, "nord", {"NO_COLOR": "1"}) == "nord"
        assert choose_theme(app, None, {"NO_COLOR": ""}) == HIGH_CONTRAST_THEME_NAME
        assert choose_theme(app, None, {}) == app.theme
        with pytest.raises(UnknownThemeError) as caught:
            choose_theme(app, "no-such-theme", {})
        assert "Unknown theme 'no-such-theme'" in str(caught.value)
        assert HIGH_CONTRAST_THEME_NAME in str(caught.value)


async def test_copy_id_uses_the_clipboard_and_says_so() -> None:
    app = PanesApp()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        assert copy_id(app, "res_123abc", what="resource id", environ={})
        await pilot.pause()
        assert app.clipboard == "res_123abc"
        note = list(app._notifications)[-1]
        # it says where the id went and no more than cftui knows; the id is on screen in any case
        assert "Resource id res_123abc sent to your terminal's clipboard (OSC 52)" in note.message
        assert "Copied" not in note.message and note.markup is False
        assert not copy_id(app, None)
        await pilot.pause()
        assert app.clipboard == "res_123abc"
        assert list(app._notifications)[-1].severity == "warning"


async def test_copy_id_in_a_tmux_that_does_not_answer_says_so_and_shows_the_id(tmp_path) -> None:
    """$TMUX names a server that is not there: the real tmux refuses, and the message says so (issue 13 item 6)."""
    import os

    environ = {**os.environ, "TMUX": f"{tmp_path / 'no-such-server'},1,0"}
    app = PanesApp()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        assert copy_id(app, "res_9f9f", what="resource id", environ=environ)
        await until(pilot, lambda: any("tmux" in n.message for n in app._notifications), timeout=10)
        note = next(n for n in app._notifications if "tmux" in n.message)
        assert (
            note.severity == "warning" and "res_9f9f" in note.message and "could not be handed to tmux" in note.message
        )
        assert app.clipboard == "res_9f9f"  # OSC 52 was still sent
