"""`c`: a project's cost over time, against the simulator at 80x24 and 120x40, and from a day of samples."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cftui.ui.app import CloudForgeApp
from cftui.ui.screens.project_cost import ProjectCostScreen
from cftui.ui.widgets.project_list import ProjectList
from tests.builders import clock
from tests.simproc import SimServer, running_sim
from tests.ui.live import live_app, tree_filled, until
from tests.ui.panes_app import rendered_text
from tests.worlds import INFO, state_updates


@pytest.fixture(scope="module")
def cost_sim() -> Iterator[SimServer]:
    """A simulator these tests change (static: only their own mutations happen)."""
    with running_sim("--seed", "9", "--static", "--plan", "enterprise", "--projects", "3", "--resources", "12") as sim:
        yield sim


def summary(app: CloudForgeApp) -> str:
    return str(app.screen.query_one("#project-cost-summary").render())


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_c_charts_the_selected_projects_cost_as_it_moves_and_escape_goes_back(
    cost_sim: SimServer, size: tuple[int, int]
) -> None:
    app = live_app(cost_sim, interval=0.3)
    async with app.run_test(size=size) as pilot:
        tree = await tree_filled(pilot, app)
        project_id = app.query_one(ProjectList).selected_project_id
        assert project_id is not None and tree.project_id == project_id
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, ProjectCostScreen), what="the chart screen")
        screen = app.screen
        assert isinstance(screen, ProjectCostScreen) and screen.project_id == project_id
        await until(pilot, lambda: project_id in summary(app), what="the summary names the project")
        # no history (--no-history) and seconds of watching: the change is said to be over what is known, or unknown
        assert "last hour: " in summary(app) and "last day: " in summary(app)
        assert "↑" not in summary(app) or "known" in summary(app)

        # the project's total moves: the chart draws a line and the change says how far back it reaches
        target = next(iter(tree.row_texts()))
        rise = 50000.0 + size[0]  # a new cost in each run (this simulator lives for the whole module)
        cost_sim.control("POST", "mutate", {"action": "set_cost", "resource_id": target, "monthly_cost": rise})
        chart = screen.query_one("#project-cost-chart")
        await until(pilot, lambda: len(chart.samples) >= 2 and chart.display, timeout=20, what="a line of 2 samples")
        await until(pilot, lambda: "only " in summary(app) and "↑" in summary(app), timeout=20, what=summary(app))
        # laid out after it is shown: wait for the layout, then it must have the room left
        await until(pilot, lambda: chart.region.height >= 8, what="readable: the chart has the room left")
        assert "Back" in rendered_text(screen.query_one("KeyBar"))
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, ProjectCostScreen), what="back on the dashboard")

        # from the resources pane, c charts the tree's project
        await pilot.press("2", "c")
        await until(pilot, lambda: isinstance(app.screen, ProjectCostScreen))
        assert app.screen.project_id == tree.project_id
        await pilot.press("q")
        await until(pilot, lambda: not isinstance(app.screen, ProjectCostScreen))


async def test_a_day_of_samples_reads_as_the_hour_and_day_change() -> None:
    app = CloudForgeApp(INFO, now=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        app.feed(state_updates("healthy")[0])
        await pilot.pause()
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, ProjectCostScreen) and "proj_shop" in summary(app))
        lines = summary(app).splitlines()
        assert lines[0] == "shop-production (proj_shop) · now $12,500.00 a month"
        assert lines[1].startswith("last hour: ↑1.6% (") and lines[2].startswith("last day: ↑3.3% (")
        assert lines[3] == "157 samples over 1d 01h, as cftui saw it (the API keeps no cost history)", lines[3]
        assert len(app.screen.query_one("#project-cost-chart").samples) == 157
