"""Keys, layouts and states of the dashboard, fed with `MonitorUpdate`s built from real model objects.

(Behaviour that depends on live data is tested against the simulator in `test_app_live.py`.)
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from textual.command import CommandPalette

from cftui.monitor.state import ConnectionState, ConnectionStatus, CostSample, Fetched, OrgView, RateBudget, Snapshot
from cftui.ui.app import CloudForgeApp
from cftui.ui.cost_trend import SPARK_POINTS
from cftui.ui.screens.help import HelpScreen
from cftui.ui.widgets.event_feed import EventFeed
from cftui.ui.widgets.project_list import ProjectList, sparkline
from cftui.ui.widgets.resource_tree import ResourceTree
from cftui.ui.widgets.status_line import status_content
from tests.builders import NOW, clock, resource, status_event, update
from tests.hostile import NASTY_NAMES
from tests.polling import until
from tests.worlds import INFO, healthy_snapshot, state_updates, world_resources


def data_aged(snapshot: Snapshot, seconds: float) -> Snapshot:
    """The snapshot with its project list and its focused project's resources fetched `seconds` ago."""
    at = NOW - timedelta(seconds=seconds)
    focused = snapshot.focused_project_id
    resources = dict(snapshot.resources)
    if focused in resources:
        resources[focused] = Fetched(resources[focused].value, at)
    projects = Fetched(snapshot.projects.value, at) if snapshot.projects is not None else None
    return replace(snapshot, projects=projects, resources=resources)


def app() -> CloudForgeApp:
    return CloudForgeApp(INFO, now=clock)


def status(snapshot) -> str:
    return status_content(snapshot, INFO, NOW).plain


def test_status_line_states() -> None:
    healthy = healthy_snapshot()
    assert status(None).startswith("◌ connecting to 127.0.0.1:8765…")
    text = status(healthy)
    for part in (
        "● OK",
        "data <10s old",
        "API 70% left",
        "every 5s",
        "READ-ONLY cf_read_…3f9a",
        "profile oncall",
        "API 2.15.3",
    ):
        assert part in text
    # fresh data (under ten seconds old) and a plentiful budget: the text does not move from second to second
    later = [status_content(healthy, INFO, NOW + timedelta(seconds=s)).plain for s in range(7)]
    assert len(set(later)) == 1, later
    aging = data_aged(healthy, 12)
    assert "data 10s old" in status(aging) and "▲ STALE" not in status(aging)  # past ten seconds: 10 s steps
    low = replace(healthy, rate=replace(healthy.rate, remaining=42))
    assert "API 42/1000 left, reset in 18s" in status(low)  # running low: exact, with its countdown
    old = data_aged(healthy, 16)
    assert "▲ STALE" in status(old) and "data 10s old" in status(old)
    assert "▲ STALE" not in status(replace(old, effective_interval=10.0))  # 3 x the effective interval
    assert "⏸ PAUSED" in status(replace(old, paused=True))
    stretched = replace(healthy, requested_interval=2.0, effective_interval=12.0)
    assert "every 12s (stretched by budget; asked 2s)" in status(stretched)
    limited = replace(
        healthy,
        connection=ConnectionState(
            status=ConnectionStatus.RATE_LIMITED, rate_limited_until=NOW + timedelta(seconds=42)
        ),
    )
    assert "⏸ RATE LIMITED until 14:04:09 (in 42s)" in status(limited)
    offline = state_updates("stale_offline")[0].snapshot
    assert "✖ OFFLINE, retry in 12s" in status(offline) and "data 4m ago" in status(offline)
    auth = state_updates("auth_failed")[0].snapshot
    assert "✖ AUTH FAILED (request req_8f2a01c9)" in status(auth)
    test_key = replace(INFO, key_kind="test", key_masked="cf_test_…abcd")
    assert "TEST cf_test_…abcd" in status_content(healthy, test_key, NOW).plain
    degraded = replace(healthy, connection=ConnectionState(status=ConnectionStatus.DEGRADED, last_error="HTTP 503"))
    assert "▲ DEGRADED" in status(degraded) and "HTTP 503" in status(degraded)
    no_rate = replace(healthy, rate=RateBudget())
    assert "rate" not in status(no_rate)


def test_sparkline_scales_between_min_and_max() -> None:
    at = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    costs = [1000 + 40 * (i % 5) for i in range(10)]  # moves of 16 %
    line = sparkline([CostSample(at + timedelta(minutes=i), Decimal(cost)) for i, cost in enumerate(costs)])
    assert len(line) == SPARK_POINTS and set(line) <= set("▁▂▃▄▅▆▇█"), "the last few samples"
    assert "▁" in line and "█" in line
    assert sparkline(()) == ""


def test_a_sparkline_draws_a_move_of_cents_as_a_near_flat_line() -> None:
    at = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    costs = ["30816.11", "30816.11", "30814.90", "30815.40"]
    samples = [CostSample(at + timedelta(minutes=i), Decimal(cost)) for i, cost in enumerate(costs)]
    line = sparkline(samples)
    assert set(line) <= {"▃", "▄", "▅"}, line
    jump = [CostSample(at, Decimal("100")), CostSample(at + timedelta(minutes=1), Decimal("150"))]
    assert sparkline(jump) == "▁█", "a real move still spans the whole height"


async def test_narrow_layout_shows_one_pane_and_number_keys_switch() -> None:
    dashboard = app()
    async with dashboard.run_test(size=(80, 24)) as pilot:
        dashboard.feed(state_updates("healthy")[0])
        await pilot.pause()
        assert dashboard.screen.has_class("-narrow")
        shown = [
            p
            for p in ("projects", "resources", "operations", "events")
            if dashboard.query_one(f"#{p}-pane").display and dashboard.query_one(f"#{p}-pane").size.height
        ]
        assert shown == ["projects"]
        for key, pane in (("2", "resources"), ("3", "operations"), ("4", "events"), ("1", "projects")):
            await pilot.press(key)
            await pilot.pause()
            assert dashboard.active_pane == pane
            assert dashboard.query_one(f"#{pane}-pane").region.height > 10
            assert dashboard.query_one("#status").region.y == 0  # the status line stays
        await pilot.press("tab")
        assert dashboard.active_pane == "resources"
        await pilot.press("shift+tab", "shift+tab")
        assert dashboard.active_pane == "events"
        assert "▶ 4 Events" in str(dashboard.query_one("#events-pane").border_title)


async def test_wide_layouts_show_every_pane() -> None:
    for size, layout in (((120, 40), "-medium"), ((200, 60), "-wide")):
        dashboard = app()
        async with dashboard.run_test(size=size) as pilot:
            dashboard.feed(state_updates("healthy")[0])
            await pilot.pause()
            assert dashboard.screen.has_class(layout)
            for pane in ("projects", "resources", "operations", "events"):
                region = dashboard.query_one(f"#{pane}-pane").region
                assert region.width > 30 and region.height > 8, (size, pane, region)


async def test_help_palette_and_theme() -> None:
    dashboard = app()
    async with dashboard.run_test(size=(120, 40)) as pilot:
        dashboard.feed(state_updates("healthy")[0])
        await pilot.press("question_mark")
        assert isinstance(dashboard.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.press("ctrl+p")
        assert isinstance(dashboard.screen, CommandPalette)
        await pilot.press("escape")
        dashboard.action_set_theme("cftui-high-contrast")
        assert dashboard.theme == "cftui-high-contrast"
        dashboard.action_set_theme("no-such-theme")
        assert dashboard.theme == "cftui-high-contrast"


async def test_project_list_edits_cells_in_place() -> None:
    """A cost change updates that cell; the other rows' cells are the same objects (nothing rebuilt)."""
    dashboard = app()
    async with dashboard.run_test(size=(120, 40)) as pilot:
        snapshot = healthy_snapshot()
        dashboard.feed(update(snapshot))
        await pilot.pause()
        table = dashboard.query_one(ProjectList)
        before = {key: table.get_row(key) for key in table.shown_ids}
        old = snapshot.projects.value[3]
        cheap = old.model_copy(update={"monthly_cost": old.monthly_cost + 1})
        projects = (*snapshot.projects.value[:3], cheap, *snapshot.projects.value[4:])
        dashboard.feed(update(replace(snapshot, projects=Fetched(projects, NOW))))
        await pilot.pause()
        after = {key: table.get_row(key) for key in table.shown_ids}
        assert after["proj_ml"][4].plain == "$641.00"
        for key in ("proj_shop", "proj_data", "proj_stage"):
            assert all(a is b for a, b in zip(before[key], after[key], strict=True))


async def test_tree_updates_rows_in_place_and_highlights_changes() -> None:
    dashboard = app()
    async with dashboard.run_test(size=(120, 40)) as pilot:
        snapshot = healthy_snapshot()
        dashboard.feed(update(snapshot))
        await pilot.pause()
        tree = dashboard.query_one(ResourceTree)
        items = snapshot.resources["proj_shop"].value
        assert tree.shown_count == len(items) and not any(tree.is_highlighted(r.id) for r in items)
        broken = items[5].model_copy(update={"status": "error"})
        added = resource("res_new", "vpc-extra", rtype="vpc", cost="1.00")
        changed = (*items[:5], broken, *items[6:-1], added)  # one changed, one deleted, one added
        resources = {"proj_shop": Fetched(changed, NOW)}
        event = status_event(broken.name, "running", "error", rid=broken.id)
        dashboard.feed(update(replace(snapshot, resources=resources), events=(event,)))
        await pilot.pause()
        rows = tree.row_texts()
        assert "✖ error" in rows[broken.id] and tree.is_highlighted(broken.id)
        assert "res_new" in rows and tree.is_highlighted("res_new")
        assert items[-1].id not in rows
        assert not tree.is_highlighted(items[0].id)
        assert [e.subject_id for e in dashboard.query_one(EventFeed).events] == [broken.id]


async def test_nasty_data_stays_text_and_the_app_keeps_running() -> None:
    dashboard = app()
    async with dashboard.run_test(size=(120, 40)) as pilot:
        for one in state_updates("nasty"):
            dashboard.feed(one)
        await pilot.press("2", "a", "j", "j", "enter")
        await pilot.pause()
        assert dashboard.is_running
        table = dashboard.query_one(ProjectList)

        def read_names() -> list[str]:
            return [table.get_row_at(i)[0].plain for i in range(table.row_count)]

        # at 120x40 the names have 15 cells beside the cost columns: wide enough, they are shown whole
        await pilot.resize_terminal(200, 60)
        await until(pilot, lambda: "[bold red]alert[/] db" in read_names(), what="whole names at 200x60")
        names = read_names()
        assert any(name.startswith("[@click=app.quit]") for name in names)
        assert "web\\x1b]2;pwned\\x07-1" in names
        rows = "\n".join(dashboard.query_one(ResourceTree).row_texts().values())
        assert "oops [/] x" in rows and "list[int]" in rows and "\x1b" not in rows
        assert "? hibernating" in rows and "? degraded" in rows
        assert len(NASTY_NAMES) == dashboard.query_one(ResourceTree).shown_count


async def test_jump_to_resource_and_copy_its_id() -> None:
    dashboard = app()
    async with dashboard.run_test(size=(120, 40)) as pilot:
        snapshot = healthy_snapshot()
        dashboard.feed(update(snapshot))
        await pilot.pause()
        target = snapshot.resources["proj_shop"].value[7]
        dashboard.action_jump_to_resource("proj_shop", target.id)
        await pilot.pause()
        await pilot.pause()
        tree = dashboard.query_one(ResourceTree)
        assert dashboard.active_pane == "resources"
        assert tree.selected_resource() is not None and tree.selected_resource().id == target.id
        await pilot.press("y")
        assert dashboard.clipboard == target.id
        await pilot.press("1", "y")
        assert dashboard.clipboard == "proj_shop"
        dashboard.action_jump_to_project("proj_stage")
        await pilot.pause()
        assert dashboard.query_one(ProjectList).selected_project_id == "proj_stage"


async def test_y_on_a_category_row_says_there_is_no_id_there_and_copies_nothing() -> None:
    dashboard = app()
    async with dashboard.run_test(size=(120, 40), notifications=True) as pilot:
        dashboard.feed(update(healthy_snapshot()))
        await pilot.pause()
        await pilot.press("2")
        tree = dashboard.query_one(ResourceTree)
        tree.cursor_line = 0  # the first category
        await pilot.pause()
        assert tree.cursor_node is not None and tree.cursor_node.data.kind == "category"
        await pilot.press("y")
        note = list(dashboard._notifications)[-1]
        assert str(note.message) == "No resource id to copy: the cursor is not on a row that has one."
        assert note.severity == "warning" and dashboard.clipboard == ""


async def test_vim_keys_in_the_tree_and_the_list() -> None:
    dashboard = app()
    async with dashboard.run_test(size=(120, 40)) as pilot:
        dashboard.feed(update(healthy_snapshot()))
        await pilot.pause()
        projects = dashboard.query_one(ProjectList)
        await pilot.press("j", "j")
        assert projects.selected_project_id == projects.shown_ids[2]
        await pilot.press("k")
        assert projects.selected_project_id == projects.shown_ids[1]
        await pilot.press("G")
        assert projects.selected_project_id == projects.shown_ids[-1]
        await pilot.press("g")
        assert projects.selected_project_id == projects.shown_ids[0]
        tree = dashboard.query_one(ResourceTree)
        await pilot.press("2", "j", "j")  # Compute -> compute_instance -> first resource
        assert tree.selected_resource() is not None
        await pilot.press("h")  # from a resource: to its type
        assert tree.cursor_node.data.kind == "type"
        await pilot.press("h")  # collapse the type
        assert not tree.cursor_node.is_expanded
        await pilot.press("l")
        assert tree.cursor_node.is_expanded
        await pilot.press("G")
        assert tree.cursor_line == tree.last_line
        await pilot.press("g")
        assert tree.cursor_line == 0


async def test_the_detail_follows_live_changes_and_says_when_the_resource_is_gone() -> None:
    dashboard = app()
    async with dashboard.run_test(size=(120, 40)) as pilot:
        snapshot = healthy_snapshot()
        dashboard.feed(update(snapshot))
        await pilot.pause()
        await pilot.press("2", "j", "j", "enter")
        await pilot.pause()
        screen = dashboard.screen
        chosen = screen.resource
        fields = lambda: str(screen.query_one("#detail-fields").render())  # noqa: E731
        assert "● running" in fields() or "✖ error" in fields()
        items = snapshot.resources["proj_shop"].value
        moved = tuple(r.model_copy(update={"status": "stopped"}) if r.id == chosen.id else r for r in items)
        dashboard.feed(update(replace(snapshot, resources={"proj_shop": Fetched(moved, NOW)})))
        await pilot.pause()
        assert "■ stopped" in fields()
        gone = tuple(r for r in items if r.id != chosen.id)
        dashboard.feed(update(replace(snapshot, resources={"proj_shop": Fetched(gone, NOW)})))
        await pilot.pause()
        assert "no longer in the project" in fields()
        await pilot.press("escape")
        assert dashboard.screen is dashboard.screen_stack[0]


async def test_keys_typed_into_a_filter_are_text_not_commands() -> None:
    dashboard = app()
    async with dashboard.run_test(size=(120, 40)) as pilot:
        dashboard.feed(update(healthy_snapshot()))
        await pilot.pause()
        await pilot.press("2", "slash", *"tag:team:w2/q")
        assert dashboard.active_pane == "resources"  # neither `2` nor `w` nor `/` acted
        assert dashboard.screen is dashboard.screen_stack[0] and dashboard.is_running
        assert dashboard.query_one("#resources-filter").value == "tag:team:w2/q"
        assert dashboard.query_one(ResourceTree).shown_count == 0
        await pilot.press("escape")  # the filter box is left, the filter stays
        assert dashboard.focused is dashboard.query_one(ResourceTree)
        assert dashboard.query_one("#resources-filter").value == "tag:team:w2/q"
        await pilot.press("escape")  # and now it is cleared
        assert dashboard.query_one(ResourceTree).shown_count == len(healthy_snapshot().resources["proj_shop"].value)


def test_data_age_comes_from_the_data_never_from_the_interval() -> None:
    """Paused, with the interval raised to minutes, 20-second-old data still reads as 20 seconds old."""
    healthy = healthy_snapshot()
    slow = replace(healthy, paused=True, requested_interval=160.0, effective_interval=160.0)
    for seconds, expected in ((3, "data <10s old"), (20, "data 20s old"), (59, "data 50s old"), (200, "data 3m ago")):
        aged = data_aged(slow, seconds)
        assert expected in status(aged), (seconds, status(aged))


def test_a_project_list_read_once_a_round_is_not_stale_while_the_focused_project_is_fresh() -> None:
    """With other projects, the list is read once a round (up to a minute or more): the data's age is that of the
    newest of it and the focused project, refreshed every interval. Nothing focused: the round's newest look."""
    healthy = healthy_snapshot()
    assert healthy.focused_project_id == "proj_shop"
    stale = data_aged(healthy, 50)
    assert "STALE" in status(stale) and "data 50s old" in status(stale)
    old_list = replace(stale, resources={"proj_shop": Fetched(healthy.resources["proj_shop"].value, NOW)})
    assert "data <10s old" in status(old_list) and "STALE" not in status(old_list)
    unfocused = replace(old_list, focused_project_id=None, org=OrgView(project_seen_at={"proj_data": NOW}))
    assert "data <10s old" in status(unfocused) and "STALE" not in status(unfocused)
    assert "STALE" in status(replace(unfocused, org=OrgView()))


async def test_jump_to_a_resource_whose_project_is_not_loaded_selects_it_when_its_rows_arrive() -> None:
    dashboard = app()
    async with dashboard.run_test(size=(120, 40)) as pilot:
        snapshot = healthy_snapshot()
        dashboard.feed(update(snapshot))
        await pilot.pause()
        rows = world_resources("proj_data")
        target = rows[7].id
        dashboard.action_jump_to_resource("proj_data", target)
        tree = dashboard.query_one(ResourceTree)
        await until(pilot, lambda: tree.project_id == "proj_data", what="the tree shows proj_data")
        assert tree.selected_resource() is None  # nothing to select yet: its rows have not arrived
        resources = {**snapshot.resources, "proj_data": Fetched(rows, NOW)}
        dashboard.feed(update(replace(snapshot, resources=resources)))
        await until(
            pilot,
            lambda: (chosen := tree.selected_resource()) is not None and chosen.id == target,
            what="the wanted resource selected",
        )
        assert dashboard.active_pane == "resources"
