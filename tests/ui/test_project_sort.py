"""Sort the project list by any column (issue 13 item 13, k9s): `s` walks the columns, `S` walks back, the sorted
column's header carries ▼ and the pane's title names the sort."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

from cftui.monitor.state import CostSample, Fetched
from cftui.ui.project_sort import SORT_COLUMNS, SORT_MARK, SORT_MODES, sort_projects
from cftui.ui.widgets.project_list import COLUMNS, ProjectList
from tests.builders import NOW, project, update
from tests.ui.dashboard import fed_dashboard
from tests.ui.live import until
from tests.worlds import healthy_snapshot


def world():
    base = healthy_snapshot()
    suspended = project("proj_susp", "archive-jobs", cost="50.00", count=30, status="suspended")
    projects = (*base.projects.value, suspended)
    return replace(base, projects=Fetched(projects, base.projects.fetched_at))


def series(*costs: float, step_minutes: int = 30):
    start = NOW - timedelta(minutes=step_minutes * (len(costs) - 1))
    return tuple(CostSample(start + timedelta(minutes=step_minutes * i), Decimal(str(c))) for i, c in enumerate(costs))


def test_every_column_has_a_mode_and_each_mode_puts_what_needs_a_look_first() -> None:
    assert set(SORT_COLUMNS.values()) == {key for key, _ in COLUMNS}  # every column of the list is sortable
    a, b, c = (
        project(pid, name, cost=cost, count=count)
        for pid, name, cost, count in (
            ("p_a", "alpha", "100.00", 3),
            ("p_b", "bravo", "300.00", 9),
            ("p_c", "charlie", "200.00", 1),
        )
    )
    costs = {"p_a": series(100, 100, 130), "p_b": series(300, 290, 280), "p_c": series(200, 200, 200)}
    problems = {"p_c": 4, "p_a": 1}

    def order(mode: str) -> list[str]:
        chosen = [a, b, c]
        sort_projects(chosen, mode, problems, costs, NOW)
        return [p.id for p in chosen]

    assert order("cost") == ["p_b", "p_c", "p_a"]
    assert order("name") == ["p_a", "p_b", "p_c"]
    assert order("problems") == ["p_c", "p_a", "p_b"]
    assert order("resources") == ["p_b", "p_a", "p_c"]
    assert order("trend") == ["p_a", "p_c", "p_b"]  # +30 %, 0, -6.7 %
    assert order("1h change") == ["p_a", "p_c", "p_b"]  # the last half hour rose 30 % for alpha
    assert order("1d change") == ["p_b", "p_c", "p_a"]  # no day of history: unknown for all, by cost


async def test_s_walks_every_column_marking_its_header_and_s_shifted_walks_back() -> None:
    async with fed_dashboard(update(world())) as (dashboard, pilot):
        table = dashboard.query_one(ProjectList)
        await until(pilot, lambda: len(table.shown_ids) == 5, what="the projects")
        pane = dashboard.query_one("#projects-pane")

        def marked() -> list[str]:
            return [str(column.key.value) for column in table.ordered_columns if column.label.plain.endswith(SORT_MARK)]

        assert table.sort_mode == "cost" and marked() == ["cost"]
        seen = []
        for _ in SORT_MODES:
            seen.append(table.sort_mode)
            assert marked() == [SORT_COLUMNS[table.sort_mode]]
            assert f"by {table.sort_mode}" in str(pane.border_title)
            await pilot.press("s")
        assert seen == list(SORT_MODES) and table.sort_mode == "cost"  # round the whole cycle
        await pilot.press("s", "s", "s", "s")
        assert table.sort_mode == "resources"
        await until(pilot, lambda: table.shown_ids[0] == "proj_susp", what="most resources first")
        await pilot.press("S")
        assert table.sort_mode == "status"
        await until(pilot, lambda: table.shown_ids[0] == "proj_susp", what="a status needing a look first")
        await pilot.press("S", "S")
        assert table.sort_mode == "name"
        await until(pilot, lambda: table.shown_ids[0] == "proj_susp", what="archive-jobs A-Z first")
        assert marked() == ["name"]
