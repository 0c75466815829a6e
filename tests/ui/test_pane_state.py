"""The panes keep their own state (issue 14 item 6): `PaneGrid` owns the active pane and tells the tab line by a
message, each pane's title is its own and is set only when it changes, and the App holds none of it."""

from __future__ import annotations

from cftui.ui.pane_grid import PaneGrid
from cftui.ui.widgets.pane import PaneTabs
from cftui.ui.widgets.project_list import ProjectList
from cftui.ui.widgets.projects_pane import ProjectsPane
from tests.builders import update
from tests.polling import until
from tests.ui.dashboard import fed_dashboard
from tests.worlds import healthy_snapshot


def reversed_tab(tabs: PaneTabs) -> str:
    """The text of the tab drawn in reverse video (the active pane's)."""
    content = tabs.visual
    spans = [span for span in content.spans if "reverse" in str(span.style)]
    assert len(spans) == 1, spans
    return content.plain[spans[0].start : spans[0].end]


async def test_the_grid_owns_the_active_pane_and_the_tab_line_follows_its_message() -> None:
    async with fed_dashboard(update(healthy_snapshot()), size=(80, 24)) as (app, pilot):
        grid, tabs = app.query_one(PaneGrid), app.query_one(PaneTabs)
        assert "active_pane" not in vars(app)  # the App reads it from the grid, it does not keep it
        assert reversed_tab(tabs) == " 1 Projects "
        await pilot.press("3")
        assert grid.active == "operations" and app.active_pane == "operations"
        await until(pilot, lambda: reversed_tab(tabs) == " 3 Operations ", what="the tab line follows")
        assert str(app.query_one("#operations-pane").border_title) == "▶ 3 Operations"
        assert not str(app.query_one("#projects-pane").border_title).startswith("▶")
        assert app.query_one("#projects-pane").has_class("-active") is False
        grid.show("events")  # what the opener and the actions call: the feed has the keyboard at once
        assert app.focused is app.query_one("#events")
        await until(pilot, lambda: reversed_tab(tabs) == " 4 Events ", what="the tab line follows show()")


async def test_a_title_is_set_only_when_it_changes_and_the_pane_owns_its_empty_note() -> None:
    async with fed_dashboard(update(healthy_snapshot())) as (app, pilot):
        pane = app.query_one(ProjectsPane)
        shown = len(app.query_one(ProjectList).shown_ids)
        title = pane.border_title
        assert str(title).startswith(f"▶ 1 Projects · {shown} · by cost"), title
        app.feed(update(healthy_snapshot()))  # the same projects again
        assert pane.border_title is title  # not set again: nothing in it changed
        await pilot.press("slash", *"no-such-project")
        await until(pilot, lambda: "/no-such-project" in str(pane.border_title), what="the filter in the title")
        note = app.query_one("#projects-empty")
        assert note.display and "No project matches the filter" in str(note.visual.plain)


async def test_slash_and_escape_are_the_active_panes_own() -> None:
    """`/` opens the active pane's filter, or the project list's in the operations pane (it has none); Escape
    closes the pane's own filter."""
    async with fed_dashboard(update(healthy_snapshot()), size=(120, 40)) as (app, pilot):
        grid = app.query_one(PaneGrid)
        await pilot.press("3", "slash", *"shop")
        assert grid.active == "projects"
        projects_box = app.query_one("#projects-pane PaneFilter")
        await until(pilot, lambda: projects_box.display and projects_box.has_focus, what="the projects' filter")
        await until(pilot, lambda: "/shop" in str(app.query_one(ProjectsPane).border_title), what="its title")
        await pilot.press("escape", "escape")  # out of the box, then the filter goes
        await until(pilot, lambda: not projects_box.display, what="the projects' filter closed")
        await pilot.press("2", "slash")
        resources_box = app.query_one("#resources-pane PaneFilter")
        await until(pilot, lambda: resources_box.has_focus, what="the resources pane's own filter")
        assert grid.active == "resources" and not projects_box.display


async def test_a_resize_while_the_panes_are_torn_down_is_no_error() -> None:
    """A SIGTERM ends the app while a resize is on its way: the resize meets a grid whose panes are going. It was
    an error (NoMatches), which made the exit code 1 instead of 143 and put a traceback on the terminal."""
    async with fed_dashboard(update(healthy_snapshot()), size=(120, 40)) as (app, pilot):
        grid = app.query_one(PaneGrid)
        await app.query_one("#operations-pane").remove()
        grid.put_panes_in_grid_order(80)  # the order for 80 columns differs from 120's: it would move panes
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert app.return_code is None and app.is_running


async def test_a_start_up_that_meets_its_panes_gone_is_no_error() -> None:
    """A signal ends the app while it starts: `on_mount` meets a screen whose panes are going. It raised NoMatches
    (a traceback on the terminal, exit code 1 instead of 143); now it leaves the app to end."""
    async with fed_dashboard(update(healthy_snapshot())) as (app, pilot):
        await app.query_one(ProjectsPane).remove()
        app.on_mount()  # what Textual runs once the screen is mounted, here after the panes began to go
        await pilot.pause()
        assert app.return_code is None and app.is_running
