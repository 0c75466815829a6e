"""Names get the room there is (issue 13 item 7): the project list's and the resource tree's name columns take
what the other columns leave, ids show beside the names when both fit whole, and nothing overflows at 80x24."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from rich.cells import cell_len

from cftui.monitor.state import Fetched
from cftui.ui.app import CloudForgeApp
from cftui.ui.column_fit import name_room
from cftui.ui.widgets.project_list import ProjectList
from cftui.ui.widgets.resource_tree import LEAF_DEPTH, ResourceTree
from tests.builders import NOW, clock, project, resource, update
from tests.ui.dashboard import fed_dashboard
from tests.ui.live import until
from tests.worlds import INFO, healthy_snapshot

# names that differ only at their end: cut at a fixed width they read the same
PROJECTS = ("payments-core-eu-west-1", "payments-core-eu-west-2")
RESOURCES = ("audit-forwarder-eu-west-12", "audit-forwarder-eu-west-13")


def world():
    base = healthy_snapshot()
    shop, *rest = base.projects.value
    projects = (
        shop,
        *rest,
        project("proj_pay1", PROJECTS[0], cost="900.00", count=2),
        project("proj_pay2", PROJECTS[1], cost="800.00", count=2),
    )
    functions = tuple(
        resource(f"res_fn_{index}", name, rtype="function", cost="12.00") for index, name in enumerate(RESOURCES)
    )
    resources = {"proj_shop": Fetched(base.resources["proj_shop"].value + functions, NOW - timedelta(seconds=2))}
    return replace(base, projects=Fetched(projects, base.projects.fetched_at), resources=resources)


def name_cells(table: ProjectList) -> dict[str, str]:
    return {pid: table.get_cell(pid, "name").plain for pid in table.shown_ids}


def tree_room(tree: ResourceTree) -> int:
    return tree.size.width - tree.styles.scrollbar_size_vertical - LEAF_DEPTH * tree.guide_depth


async def settled(pilot, dashboard: CloudForgeApp) -> tuple[ProjectList, ResourceTree]:
    table, tree = dashboard.query_one(ProjectList), dashboard.query_one(ResourceTree)
    await until(pilot, lambda: len(table.shown_ids) == 6 and tree.shown_count == 18, what="the world shown")
    await pilot.pause()
    return table, tree


def test_names_take_the_room_and_ids_come_when_everything_fits() -> None:
    assert name_room(40, 20, 10, 12) == (20, True)  # 20 + 2 + 10 fit in 40
    assert name_room(31, 20, 10, 12) == (20, False)  # the id does not fit: the name is whole, no id
    assert name_room(15, 20, 10, 12) == (15, False)  # names get all the room there is
    assert name_room(5, 20, 10, 12) == (12, False)  # never under the minimum


async def test_at_200x60_names_that_differ_at_the_end_are_told_apart() -> None:
    async with fed_dashboard(update(world()), size=(200, 60)) as (dashboard, pilot):
        table, tree = await settled(pilot, dashboard)
        names = name_cells(table)
        assert names["proj_pay1"].startswith(PROJECTS[0]) and names["proj_pay2"].startswith(PROJECTS[1]), names
        rows = tree.row_texts()
        assert RESOURCES[0] in rows["res_fn_0"] and RESOURCES[1] in rows["res_fn_1"], rows
        # the rows fit their panes: nothing is cut at the edge
        assert table.virtual_size.width <= table.size.width
        assert max(cell_len(row) for row in rows.values()) <= tree_room(tree)


async def test_at_120x40_cut_names_use_all_the_room_and_nothing_overflows() -> None:
    async with fed_dashboard(update(world())) as (dashboard, pilot):
        table, tree = await settled(pilot, dashboard)
        names = name_cells(table)
        if any(name.endswith("…") for name in names.values()):
            # a name is cut only when the table has no column to spare
            assert table.virtual_size.width == table.size.width - table.scrollbar_size_vertical
        assert table.virtual_size.width <= table.size.width
        rows = tree.row_texts()
        assert max(cell_len(row) for row in rows.values()) <= tree_room(tree)
        if any("…" in row for row in rows.values()):
            assert max(cell_len(row) for row in rows.values()) == tree_room(tree)


async def test_at_80x24_nothing_overflows_in_either_pane() -> None:
    async with fed_dashboard(update(world()), size=(80, 24)) as (dashboard, pilot):
        table, tree = await settled(pilot, dashboard)
        assert table.virtual_size.width <= table.size.width, (table.virtual_size, table.size)
        await pilot.press("2")
        await until(pilot, lambda: tree.size.width > 0, what="the tree pane shown")
        await pilot.pause()
        rows = tree.row_texts()
        assert max(cell_len(row) for row in rows.values()) <= tree_room(tree)
        assert all(RESOURCES[0][:12] in rows[rid] for rid in ("res_fn_0",))


async def test_zoomed_wide_panes_show_ids_beside_whole_names_and_drop_them_when_narrowed() -> None:
    async with fed_dashboard(update(world()), size=(200, 60)) as (dashboard, pilot):
        table, tree = await settled(pilot, dashboard)
        await pilot.press("2", "z")
        await until(pilot, lambda: "res_fn_0" in tree.row_texts()["res_fn_0"], what="ids in the zoomed tree")
        assert RESOURCES[0] in tree.row_texts()["res_fn_0"]
        await pilot.press("z", "1", "z")
        await until(pilot, lambda: "proj_pay1" in name_cells(table)["proj_pay1"], what="ids in the zoomed list")
        assert name_cells(table)["proj_pay1"].startswith(PROJECTS[0])
        await pilot.resize_terminal(80, 24)
        await until(pilot, lambda: "proj_pay1" not in name_cells(table)["proj_pay1"], what="no room for ids")
        assert table.virtual_size.width <= table.size.width


def test_the_problems_view_gives_a_long_project_name_the_room_a_wide_table_has() -> None:
    from cftui.ui.widgets.problem_table import PROJECT_MAX, column_widths

    long_project = len("production-infrastructure-eu")
    wide = column_widths(198, {"project": long_project, "name": 30})
    assert wide["project"] == long_project and wide["name"] >= 30
    assert column_widths(198, {"project": 200, "name": 30})["project"] == PROJECT_MAX
    assert column_widths(198, {"project": 10, "name": 30})["project"] == 10  # as wide as what it holds
    medium = column_widths(118, {"project": 40, "name": 40})
    assert medium["project"] == 24 and medium["name"] >= 12  # no room to spare: the name keeps its share
    assert column_widths(78, {"project": 40, "name": 40})["project"] == 12
    for width in (198, 118, 78):
        widths = column_widths(width, {"project": 40, "name": 40})
        assert sum(widths.values()) + 2 * len(widths) + 1 <= width  # nothing overflows


async def test_the_first_frame_already_has_the_names_fitted() -> None:
    """The names were fitted against the other columns' header widths on the first rows (DataTable widens a
    column to its cells only when it next idles): for ~0.25 s the name column was too wide and the rest cut."""
    dashboard = CloudForgeApp(INFO, now=clock)
    async with dashboard.run_test(size=(120, 40)) as pilot:
        table = dashboard.query_one(ProjectList)
        await until(pilot, lambda: table.size.width > 0, what="the table laid out")
        dashboard.feed(update(world()))  # applied now, before the table next idles or paints
        first = table.columns[next(iter(table.columns))].width
        first_names = name_cells(table)
        await settled(pilot, dashboard)
        for _ in range(5):
            await pilot.pause()
        assert table.columns[next(iter(table.columns))].width == first
        assert name_cells(table) == first_names
        assert table.virtual_size.width <= table.size.width
