"""Command-palette providers: their results from a real snapshot, what choosing one calls, hostile names as text."""

from __future__ import annotations

from textual.command import CommandPalette, Matcher, Provider
from textual.content import Content

from cftui.api.sanitize import sanitize_tree as sanitized
from cftui.ui.commands import (
    DashboardActionsProvider,
    ProjectProvider,
    ResourceProvider,
    ThemeProvider,
    WatchOperationProvider,
    plain_highlight,
)
from cftui.ui.themes import HIGH_CONTRAST_THEME_NAME
from tests.builders import operation, project, resource, snapshot, update
from tests.hostile import NASTY_RAW
from tests.polling import until
from tests.ui.dashboard import open_screen
from tests.ui.panes_app import PanesApp, rendered_text

SIZE = (120, 40)


def world():
    projects = [
        project("proj_shop", "shop-production"),
        project("proj_data", "data-platform", count=2),
        project("proj_old", "legacy-archive", status="archived"),
        project("proj_evil", NASTY_RAW["click"]),
    ]
    resources = {
        "proj_shop": [
            resource("res_web1", "web-frontend-1"),
            resource("res_db1", "orders-db", status="error", rtype="rds_instance"),
            resource("res_cache", "session-cache", rtype="cache_cluster", operation_id="op_run42"),
        ],
        "proj_evil": [resource("res_evil", NASTY_RAW["markup"], status="hibernating")],
    }
    return snapshot(projects=projects, resources=resources, operations=[operation("op_seen")])


async def hits(provider: Provider, query: str) -> list:
    source = provider.search(query) if query else provider.discover()
    return [hit async for hit in source]


async def test_project_search_finds_by_name_and_jumps() -> None:
    app = PanesApp()
    async with app.run_test(size=SIZE):
        app.feed(update(world()))
        found = await hits(ProjectProvider(app.screen), "shop")
        assert [hit.text for hit in found] == ["Project: shop-production"]
        assert isinstance(found[0].prompt, Content)
        assert "proj_shop" in str(found[0].help)
        found[0].command()
        assert app.calls[-1] == ("jump_to_project", "proj_shop")


async def test_project_discovery_puts_trouble_first() -> None:
    app = PanesApp()
    async with app.run_test(size=SIZE):
        app.feed(update(world()))
        found = await hits(ProjectProvider(app.screen), "")
        texts = [hit.text for hit in found]
        # the two with a resource in trouble (error, unknown status) first, the archived one last
        assert set(texts[:2]) == {"Project: shop-production", "Project: [@click=app.quit]click me"}
        assert texts[2:] == ["Project: data-platform", "Project: legacy-archive"]
        assert "1 with problems" in str(found[0].help)


async def test_resource_search_spans_loaded_projects_and_jumps() -> None:
    app = PanesApp()
    async with app.run_test(size=SIZE):
        app.feed(update(world()))
        found = await hits(ResourceProvider(app.screen), "orders")
        assert [hit.text for hit in found] == ["Resource: orders-db"]
        assert "in shop-production" in str(found[0].help) and "✖ error" in str(found[0].help)
        found[0].command()
        assert app.calls[-1] == ("jump_to_resource", "proj_shop", "res_db1")
        # discovery lists only resources with problems (error or an unknown status)
        discovered = {hit.text for hit in await hits(ResourceProvider(app.screen), "")}
        assert discovered == {"Resource: orders-db", f"Resource: {sanitized(NASTY_RAW['markup'])}"}


async def test_a_project_outranks_a_resource_of_the_same_name_in_the_palette() -> None:
    app = PanesApp()
    async with app.run_test(size=SIZE):
        projects = [project("proj_shop", "shop-production"), project("proj_edge", "edge-delivery")]
        resources = {"proj_shop": [resource("res_edge", "edge-cluster-1")]}
        app.feed(update(snapshot(projects=projects, resources=resources)))
        (project_hit,) = await hits(ProjectProvider(app.screen), "edge")
        (resource_hit,) = await hits(ResourceProvider(app.screen), "edge")
        assert project_hit.score > resource_hit.score
        (better,) = await hits(ResourceProvider(app.screen), "edge-cluster")
        assert better.score > 0 and not await hits(ProjectProvider(app.screen), "edge-cluster")


async def test_watch_provider_offers_typed_id_and_running_operations() -> None:
    app = PanesApp()
    async with app.run_test(size=SIZE):
        app.feed(update(world()))
        typed = await hits(WatchOperationProvider(app.screen), "op_abc123")
        assert typed[0].text == "Watch operation op_abc123" and typed[0].score == 1.0
        typed[0].command()
        assert app.calls[-1] == ("watch_operation", "op_abc123")
        discovered = [hit.text for hit in await hits(WatchOperationProvider(app.screen), "")]
        assert discovered == ["Watch an operation…", "Watch op_run42 on session-cache"]
        asked = await hits(WatchOperationProvider(app.screen), "watch")
        assert any(hit.text == "Watch an operation…" for hit in asked)


async def test_problems_only_and_other_actions_are_found_by_name() -> None:
    app = PanesApp()
    async with app.run_test(size=SIZE):
        found = await hits(DashboardActionsProvider(app.screen), "problems")
        assert found[0].text == "Toggle problems-only"
        found[0].command()
        assert app.calls[-1] == ("toggle_problems_only",)
        names = [hit.text for hit in await hits(DashboardActionsProvider(app.screen), "")]
        assert names == ["Toggle problems-only", "Copy the selected id", "Show keys", "Project cost chart"]


async def test_theme_provider_lists_textual_themes_and_high_contrast() -> None:
    app = PanesApp()
    async with app.run_test(size=SIZE) as pilot:
        listed = [hit.text for hit in await hits(ThemeProvider(app.screen), "")]
        assert f"Theme: {HIGH_CONTRAST_THEME_NAME}" in listed and "Theme: nord" in listed
        for query in ("high contrast", "high-contrast", "cftui_high", "hc"):
            found = await hits(ThemeProvider(app.screen), query)
            best = max(found, key=lambda hit: hit.score)  # the palette shows the best score first
            assert best.text == f"Theme: {HIGH_CONTRAST_THEME_NAME}", query
        best.command()
        await pilot.pause()
        assert app.calls[-1] == ("set_theme", HIGH_CONTRAST_THEME_NAME)
        assert app.theme == HIGH_CONTRAST_THEME_NAME


def test_plain_highlight_keeps_brackets_as_text() -> None:
    name = sanitized(NASTY_RAW["click"])
    highlighted = plain_highlight(Matcher("click"), name)
    assert highlighted.plain == name
    assert highlighted.spans, "the matched letters are styled"


async def test_hostile_names_are_text_in_the_provider_results() -> None:
    app = PanesApp()
    async with app.run_test(size=SIZE):
        app.feed(update(world()))
        found = await hits(ProjectProvider(app.screen), "click")
        assert [hit.text for hit in found] == ["Project: [@click=app.quit]click me"]
        assert found[0].prompt.plain == "Project: [@click=app.quit]click me"


async def test_palette_end_to_end_jumps_to_a_project_with_a_hostile_neighbour() -> None:
    app = PanesApp()
    async with app.run_test(size=SIZE) as pilot:
        app.feed(update(world()))
        await open_screen(pilot, "ctrl+p", CommandPalette)
        await pilot.press(*"click")
        palette = app.screen
        await until(pilot, lambda: "[@click=app.quit]click me" in rendered_text(palette))
        assert app.is_running
        await pilot.press(*["backspace"] * len("click"))
        await pilot.press(*"data-platform")
        await until(pilot, lambda: "Project: data-platform" in rendered_text(palette))
        await pilot.pause(0.3)  # let the palette settle on its best hit before choosing it
        await pilot.press("down", "enter")  # highlight the best hit, pick it
        await pilot.pause()
        await pilot.press("enter")  # run it
        await until(pilot, lambda: ("jump_to_project", "proj_data") in app.calls)
        assert app.is_running
