"""The help screen on the dashboard: every app binding with a proper description, Enter and h/l with what they
do in cftui, and none of Textual's internal bindings that make no sense here."""

from __future__ import annotations

from cftui.ui.screens.help import HelpScreen
from tests.builders import update
from tests.ui.dashboard import fed_dashboard, open_screen
from tests.ui.live import until
from tests.worlds import healthy_snapshot


async def test_help_describes_cftui_keys_and_hides_textual_internals() -> None:
    async with fed_dashboard(update(healthy_snapshot())) as (app, pilot):
        await open_screen(pilot, "question_mark", HelpScreen)
        groups = {group.title: group for group in app.screen.groups}
        entries = [
            (key, entry.description) for group in groups.values() for entry in group.entries for key in entry.keys
        ]
        described = dict(entries)
        # the palette, properly named (it read `^p  palette`)
        assert described["^p"].startswith("Command palette")
        # Textual's own text-selection copy and sideways scrolling are not cftui's keys
        assert "super+c" not in described
        assert not any("Copy selected text" in text or "Scroll left" in text for _, text in entries)
        # every description is a sentence, with a capital letter
        assert all(text[:1].isupper() for _, text in entries), [t for _, t in entries if not t[:1].isupper()]
        # every app binding says what it does, beyond the footer's one word
        everywhere = {(tuple(e.keys), e.description) for e in groups["Everywhere"].entries}
        for wanted in (
            (("y",), "Copy the selected project, resource or operation id"),
            (("w",), "Watch an operation by its id"),
            (("-",), "Refresh more often (1 s at least)"),
            (("p",), "Pause refreshing projects and resources / Resume refreshing projects and resources"),
        ):
            assert wanted in everywhere, wanted
        # Enter in the project list and in the resource tree, h/l in the tree
        projects = {key: e.description for e in groups["Project list (focused)"].entries for key in e.keys}
        assert projects["⏎"] == "Open the project's resources"
        tree = {key: e.description for e in groups["Resource tree"].entries for key in e.keys}
        assert tree["⏎"].startswith("Open the resource's detail")
        assert tree["h"] and tree["l"]
        # and the rendered list says so too
        body = app.screen.query_one("#help-body")
        await pilot.pause()
        shown = "\n".join(str(child.render()) for child in body.children)
        assert "Open the project's resources" in shown and "super+c" not in shown


async def test_help_at_80x24_shows_the_apps_keys_readable_and_g_reaches_the_end() -> None:
    async with fed_dashboard(update(healthy_snapshot()), size=(80, 24)) as (app, pilot):
        await pilot.pause()
        await open_screen(pilot, "question_mark", HelpScreen)
        titles = [group.title for group in app.screen.groups]
        assert titles[0] == "Everywhere"
        # the filter box's editing keys are not listed while it is not being typed in
        assert not any("Filter box" in title for title in titles)
        keys = [key for group in app.screen.groups for entry in group.entries for key in entry.keys]
        assert not any(key.startswith("shift+^") or "ctrl+shift" in key for key in keys), keys
        body = app.screen.query_one("#help-body")
        await pilot.pause()
        # every line fits the dialog: a description wraps beside its keys, never under them
        lines = "\n".join(str(child.render()) for child in body.children).splitlines()
        width = body.content_region.width
        assert lines and max(len(line) for line in lines) <= width, (width, max(lines, key=len))
        continuation = [line for line in lines if line.startswith(" ") and line.strip()]
        assert continuation, "some description is long enough to wrap at 80x24"
        assert all(line.startswith(" " * 17) and line[17] != " " for line in continuation), continuation
        assert body.max_scroll_y > 0  # the list is longer than the dialog at 80x24
        await pilot.press("G")
        await until(pilot, lambda: body.scroll_y == body.max_scroll_y, what="G reached the end")
        await pilot.press("g")
        await until(pilot, lambda: body.scroll_y == 0, what="g back to the top")
