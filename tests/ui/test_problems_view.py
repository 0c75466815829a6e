"""The whole-organisation problems view (`0`), fed Snapshots whose `org` is built directly (issue 11, item 3).

(The same view against the real monitor and simulator, in a real terminal: tests/e2e/test_org_terminal.py.)
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from textual.widgets import Input

from cftui.monitor.state import Fetched, OrgView
from cftui.ui.app import CloudForgeApp
from cftui.ui.commands import ResourceProvider
from cftui.ui.org import status_line_round
from cftui.ui.screens.detail import ResourceDetailScreen
from cftui.ui.screens.problems import ProblemsScreen, summary_line
from cftui.ui.widgets.problem_table import ProblemTable
from cftui.ui.widgets.project_list import ProjectList
from cftui.ui.widgets.status_line import status_content
from tests.builders import NOW, clock, resource, resource_ref, update
from tests.polling import until
from tests.ui.dashboard import fed_dashboard, open_screen
from tests.worlds import INFO, healthy_snapshot

SEEN = NOW - timedelta(seconds=20)


def ago(minutes: float) -> datetime:
    return NOW - timedelta(minutes=minutes)


DB = resource_ref("proj_data", "data-platform", "res_db", "db-1", rtype="rds_instance", cost="830.00", seen_at=SEEN,
                  since=ago(12))  # fmt: skip
GPU = resource_ref("proj_ml", "ml-experiments", "res_gpu", "gpu-1", seen_at=SEEN, since=ago(3))
WEIRD = resource_ref("proj_stage", "shop-staging", "res_weird", "web-2", status="degraded", seen_at=SEEN, since=ago(40))


def org_snapshot(problems=(DB, GPU, WEIRD), round_seconds: float | None = 240.0, **seen):
    base = healthy_snapshot()
    seen_at = seen or {"proj_data": NOW - timedelta(minutes=3), "proj_stage": NOW - timedelta(seconds=30)}
    org = OrgView(
        resources={p.resource_id: p for p in problems},
        problems=tuple(problems),
        project_seen_at=seen_at,
        round_seconds=round_seconds,
    )
    return replace(base, org=org)


def rows(app: CloudForgeApp) -> list[str]:
    return app.screen.query_one(ProblemTable).row_texts()


def header(app: CloudForgeApp) -> str:
    return str(app.screen.query_one("#problems-header").render())


async def test_zero_lists_every_problem_of_every_project_worst_then_oldest() -> None:
    async with fed_dashboard(update(org_snapshot())) as (app, pilot):
        await open_screen(pilot, "0", ProblemsScreen)
        shown = rows(app)
        # errors first (the focused project's own web-0 it had at first sight counts as oldest), then by age,
        # then the unknown status however old it is
        assert [row.split("  ")[2] for row in shown] == ["web-0", "db-1", "gpu-1", "web-2"]
        db_row = shown[1]
        for cell in ("data-platform", "rds_instance", "db-1", "✖ error", "13:51 (12m)", "$830", "3m"):
            assert cell in db_row, (cell, db_row)
        assert "? degraded" in shown[3] and "shop-staging" in shown[3]
        text = header(app)
        assert "4 problems in 4 projects: 3 in error, 1 in an unknown status" in text
        # shop-production's list is loaded (2 s old), data-platform and shop-staging were swept: 3 of 4 live
        assert "looked at 3 of 4 projects" in text and "oldest look 3m ago (data-platform)" in text
        assert "a full round takes under 5m" in text
        assert "not looked at yet: ml-experiments" in text
        assert "0" in str(app.screen.query_one(ProblemTable).border_title)


async def test_y_copies_the_highlighted_id_and_the_view_follows_updates_keeping_the_cursor() -> None:
    async with fed_dashboard(update(org_snapshot())) as (app, pilot):
        await open_screen(pilot, "0", ProblemsScreen)
        await pilot.press("j", "j", "y")  # gpu-1
        assert app.clipboard == "res_gpu"
        older = resource_ref("proj_ml", "ml-experiments", "res_old", "queue-1", seen_at=SEEN, since=ago(90))
        app.feed(update(org_snapshot(problems=(DB, GPU, WEIRD, older))))
        await pilot.pause()
        assert [row.split("  ")[2] for row in rows(app)] == ["web-0", "queue-1", "db-1", "gpu-1", "web-2"]
        assert app.screen.query_one(ProblemTable).selected.resource_id == "res_gpu"  # the same resource
        app.feed(update(org_snapshot(problems=(DB, WEIRD))))  # gpu-1 recovered, queue-1 deleted
        await pilot.pause()
        assert not any("gpu-1" in row for row in rows(app))
        assert "3 problems in 3 projects" in header(app)


async def test_enter_opens_a_loaded_resource_at_once_and_loads_an_unopened_project_first() -> None:
    snapshot = org_snapshot()
    async with fed_dashboard(update(snapshot)) as (app, pilot):
        await open_screen(pilot, "0", ProblemsScreen)
        await pilot.press("enter")  # web-0: shop-production's resources are loaded
        await until(pilot, lambda: isinstance(app.screen, ResourceDetailScreen))
        assert app.screen.resource.id == "res_proj_shop_000"
        await open_screen(pilot, "escape", ProblemsScreen)
        await pilot.press("j", "enter")  # db-1: data-platform was only swept, its resources are not loaded
        await until(pilot, lambda: app.query_one(ProjectList).selected_project_id == "proj_data")
        assert isinstance(app.screen, ProblemsScreen)  # waiting for the project's list
        db = resource("res_db", "db-1", rtype="rds_instance", status="error", cost="830.00")
        loaded = dict(snapshot.resources) | {"proj_data": Fetched((db,), NOW + timedelta(seconds=1))}
        app.feed(update(replace(snapshot, resources=loaded)))
        await until(pilot, lambda: isinstance(app.screen, ResourceDetailScreen))
        assert app.screen.resource.id == "res_db" and app.screen.project_id == "proj_data"


async def test_zero_works_from_the_detail_and_goes_back_but_is_text_in_a_filter_box() -> None:
    async with fed_dashboard(update(org_snapshot()), size=(80, 24)) as (app, pilot):
        await pilot.press("2", "j", "j", "enter")
        await until(pilot, lambda: isinstance(app.screen, ResourceDetailScreen))
        await open_screen(pilot, "0", ProblemsScreen)
        assert len(rows(app)) == 4  # at 80 columns too, one row each
        await pilot.press("0")
        await until(pilot, lambda: isinstance(app.screen, ResourceDetailScreen))  # back where it was pressed
        await pilot.press("escape", "1", "slash", "0")
        await pilot.pause()
        assert app.query_one("#projects-filter", Input).value == "0"
        assert not isinstance(app.screen, ProblemsScreen)


async def test_an_empty_organisation_view_says_so() -> None:
    app = CloudForgeApp(INFO, now=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        clean = replace(healthy_snapshot(), resources={})
        app.feed(update(replace(clean, org=OrgView(round_seconds=20.0))))
        await open_screen(pilot, "0", ProblemsScreen)
        assert rows(app) == []
        assert "No resource in error or in an unknown status" in header(app)
        assert "not looked at yet: shop-production, data-platform, shop-staging, ml-experiments" in header(app)
        # a 20 s round: words, not `under <1m`
        assert "a full round takes under a minute" in header(app) and "<1m" not in header(app)


def test_the_status_line_says_how_long_a_round_takes_only_when_it_matters() -> None:
    long_round = status_content(org_snapshot(round_seconds=240.0), INFO, NOW).plain
    assert "round <5m · oldest 3m old · 1 not looked at yet" in long_round
    assert "round <2m ·" in status_content(org_snapshot(round_seconds=78.0), INFO, NOW).plain, "a bound rounds up"
    short_round = status_content(org_snapshot(round_seconds=20.0), INFO, NOW).plain
    assert "round" not in short_round
    # the text moves at most once a minute: an idle dashboard writes nothing
    later = {status_line_round(org_snapshot(), NOW + timedelta(seconds=s)) for s in range(0, 50, 5)}
    assert len(later) == 1, later


async def test_the_palette_finds_resources_of_projects_never_opened() -> None:
    async with fed_dashboard(update(org_snapshot())) as (app, pilot):
        provider = ResourceProvider(app.screen)
        found = [hit async for hit in provider.search("gpu")]
        assert [hit.text for hit in found] == ["Resource: gpu-1"]
        assert "in ml-experiments" in str(found[0].help) and "res_gpu" in str(found[0].help)
        discovered = {hit.text async for hit in provider.discover()}
        assert {"Resource: gpu-1", "Resource: db-1", "Resource: web-2", "Resource: web-0"} <= discovered
        found[0].command()
        await until(pilot, lambda: app.query_one(ProjectList).selected_project_id == "proj_ml")


async def test_columns_fit_what_they_hold_so_names_sharing_a_prefix_stay_apart() -> None:
    # the demo's internal-tools had platform-cluster-1 and -2 both cut to `platform-cluste…` at 120x40, beside
    # half-empty Status/Since columns; production-infrastructure was cut too
    prod = ("proj_prod", "production-infrastructure")
    one = resource_ref(*prod, "res_pc1", "platform-cluster-1", rtype="container_cluster", seen_at=SEEN)
    two = resource_ref(*prod, "res_pc2", "platform-cluster-2", rtype="container_cluster", seen_at=SEEN)
    async with fed_dashboard(update(org_snapshot(problems=(DB, one, two)))) as (app, pilot):
        await open_screen(pilot, "0", ProblemsScreen)
        await until(pilot, lambda: any("platform-cluster-2" in row for row in rows(app)), what=str(rows(app)))
        shown = rows(app)
        assert any("production-infrastructure  container_cluster  platform-cluster-1" in row for row in shown), shown
        assert not any("…" in row for row in shown), shown


OLD = resource_ref("proj_old", "legacy-billing", "res_old", "old-vm-1", seen_at=SEEN, since=ago(90))


async def test_archived_projects_count_only_while_the_project_list_shows_them() -> None:
    # the sweep looked at the archived legacy-billing too, and found a problem there
    seen = {"proj_data": NOW - timedelta(minutes=3), "proj_stage": SEEN, "proj_old": SEEN}
    async with fed_dashboard(update(org_snapshot((DB, GPU, WEIRD, OLD), **seen))) as (app, pilot):
        await open_screen(pilot, "0", ProblemsScreen)
        text = header(app)
        # hidden as in the project list: not among the rows, the problems or the projects counted
        assert not any("old-vm-1" in row for row in rows(app))
        assert "4 problems in 4 projects" in text and "looked at 3 of 4 projects" in text, text
        assert "1 archived project left out" in text, text
        assert "legacy-billing" not in text
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, ProblemsScreen), what="back on the dashboard")
        await pilot.press("a")  # the project list shows archived projects: the problems view counts them too
        await until(pilot, lambda: app.query_one(ProjectList).show_archived, what="archived shown")
        await open_screen(pilot, "0", ProblemsScreen)
        text = header(app)
        assert any("old-vm-1" in row and "legacy-billing" in row for row in rows(app))
        assert "5 problems in 5 projects" in text and "looked at 4 of 5 projects" in text, text
        assert "archived project" not in text


def test_the_summary_leaves_out_what_is_none_and_the_status_line_a_look_under_a_minute_old() -> None:
    assert summary_line(36, 16, 36) == "36 problems in 16 projects: 36 in error"
    assert summary_line(2, 1, 1) == "2 problems in 1 project: 1 in error, 1 in an unknown status"
    fresh = org_snapshot(round_seconds=78.0, proj_data=NOW, proj_stage=NOW)
    line = status_line_round(fresh, NOW)
    assert line is not None and line.startswith("round <2m") and "oldest" not in line, line
