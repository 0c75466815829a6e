"""The dashboard on the real monitor and client, against a real `cftui sim` child over loopback HTTP."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from decimal import Decimal

import pytest

from cftui.config import Settings
from cftui.ui.launch import build_app
from cftui.ui.messages import ResourceOpened
from cftui.ui.screens.detail import ResourceDetailScreen
from cftui.ui.widgets.operations import OperationsPane
from cftui.ui.widgets.project_list import ProjectList
from cftui.ui.widgets.resource_tree import ResourceTree
from cftui.ui.widgets.status_line import StatusLine
from tests.simproc import SimServer, running_sim
from tests.ui.live import live_app, tree_filled, tree_lines, until


@pytest.fixture(scope="module")
def world_sim() -> Iterator[SimServer]:
    """A simulator these tests may change (static: only the tests' own mutations happen)."""
    with running_sim("--seed", "21", "--static", "--plan", "enterprise", "--projects", "4", "--resources", "30") as sim:
        yield sim


def start_operation(sim: SimServer, resource_id: str, duration_s: int = 600) -> str:
    body = {
        "action": "start_operation",
        "resource_id": resource_id,
        "type": "update_resource",
        "outcome": "completed",
        "duration_s": duration_s,
    }
    return sim.control("POST", "mutate", body)["operation_id"]


def sim_projects(sim: SimServer) -> list[dict]:
    return sim.get("projects", per_page=100).json()["data"]


async def test_projects_and_status_line_come_from_the_simulator(static_sim: SimServer) -> None:
    app = live_app(static_sim)
    names = {p["name"] for p in sim_projects(static_sim) if p["status"] == "active"}
    async with app.run_test(size=(120, 40)) as pilot:
        projects = app.query_one(ProjectList)
        await until(pilot, lambda: len(projects.shown_ids) == len(names), what="projects listed")
        shown = {app.latest_snapshot.projects.value[i].name for i in range(len(app.latest_snapshot.projects.value))}
        assert names <= shown
        status = await until(pilot, lambda: "API 2.15.3" in app.status_text() and app.status_text())
        assert "● OK" in status
        assert "READ-ONLY" in status and "cf_read_…" in status
        assert static_sim.read_key not in status  # never the whole key
        assert re.search(r"API (\d+% left|\d+/10000 left)", status), status  # the plan's limit, as the API sent it
        host = static_sim.base_url.split("//")[1].split("/")[0]
        assert host in status


async def test_archived_projects_on_demand_and_sort_cycle(static_sim: SimServer) -> None:
    app = live_app(static_sim)
    everything = sim_projects(static_sim)
    archived = [p["id"] for p in everything if p["status"] == "archived"]
    assert archived, "the default world has an archived project"
    async with app.run_test(size=(120, 40)) as pilot:
        projects = app.query_one(ProjectList)
        await until(pilot, lambda: len(projects.shown_ids) == len(everything) - len(archived))
        assert archived[0] not in projects.shown_ids
        await pilot.press("a")
        assert archived[0] in projects.shown_ids
        by_cost = [p["id"] for p in sorted(everything, key=lambda p: -p["monthly_cost"])]
        assert projects.shown_ids == by_cost
        await pilot.press("s")
        assert projects.sort_mode == "name"
        by_name = [p["id"] for p in sorted(everything, key=lambda p: p["name"])]
        assert projects.shown_ids == by_name
        assert projects.get_row_at(0)[0].plain == sorted(p["name"] for p in everything)[0]
        await pilot.press("s")
        assert projects.sort_mode == "problems"
        await pilot.press("slash")
        await pilot.press(*"data")
        await pilot.pause()
        assert [app.latest_snapshot and pid for pid in projects.shown_ids] == [
            p["id"] for p in everything if "data" in p["name"]
        ]
        await pilot.press("escape", "escape")
        assert len(projects.shown_ids) == len(everything)


async def test_selecting_a_project_fills_the_tree_and_enter_opens_detail(static_sim: SimServer) -> None:
    app = live_app(static_sim)
    first = max(sim_projects(static_sim), key=lambda p: p["monthly_cost"] if p["status"] == "active" else -1)
    resources = static_sim.get(f"projects/{first['id']}/resources", per_page=100).json()["meta"]["total"]
    async with app.run_test(size=(120, 40)) as pilot:
        tree = app.query_one(ResourceTree)
        await until(pilot, lambda: tree.project_id == first["id"] and tree.shown_count == resources, timeout=20)
        assert all(
            line.split()[1] in {"running", "stopped", "pending", "error", "provisioning"} for line in tree_lines(app)
        )
        await pilot.press("enter")  # Enter on the project: go to its resources
        assert app.active_pane == "resources" and app.focused is tree
        for _ in range(3):  # category, type, first resource
            await pilot.press("j")
        chosen = tree.selected_resource()
        assert chosen is not None
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ResourceDetailScreen) and app.screen.query("#detail-fields"))
        await pilot.pause()
        fields = str(app.screen.query_one("#detail-fields").render())
        assert chosen.id in fields and chosen.name in fields
        await pilot.press("y")
        assert app.clipboard == chosen.id
        await pilot.press("escape")
        assert not isinstance(app.screen, ResourceDetailScreen)


async def test_filters_by_type_tag_and_problems_only(static_sim: SimServer) -> None:
    app = live_app(static_sim)
    async with app.run_test(size=(120, 40)) as pilot:
        tree = await tree_filled(pilot, app, 20)
        every = dict(tree._resources)
        await pilot.press("2", "slash")
        await pilot.press(*"type:vpc")
        await pilot.press("enter")
        vpcs = {rid for rid, r in every.items() if r.type == "vpc"}
        assert set(tree.row_texts()) == vpcs and vpcs
        assert "type:vpc" in str(app.query_one("#resources-pane").border_title)
        await pilot.press("escape")  # clear the filter
        assert tree.shown_count == len(every)
        await pilot.press("e")
        problems = {rid for rid, r in every.items() if r.is_problem}
        assert set(tree.row_texts()) == problems
        await pilot.press("e")
        tag_key, tag_value = next(iter(next(iter(every.values())).tags.items()))
        await pilot.press("slash")
        await pilot.press(*f"tag:{tag_key}:{tag_value}")
        tagged = {rid for rid, r in every.items() if r.tags.get(tag_key) == tag_value}
        assert set(tree.row_texts()) == tagged


async def test_a_status_change_in_the_world_is_highlighted_in_the_tree(world_sim: SimServer) -> None:
    app = live_app(world_sim, interval=0.3)
    async with app.run_test(size=(120, 40)) as pilot:
        tree = await tree_filled(pilot, app)
        victim_id, victim_text = next((rid, text) for rid, text in tree.row_texts().items() if "running" in text)
        world_sim.control("POST", "mutate", {"action": "set_status", "resource_id": victim_id, "status": "error"})
        await until(pilot, lambda: "✖ error" in tree.row_texts().get(victim_id, ""), timeout=20)
        assert tree.is_highlighted(victim_id)
        assert victim_text != tree.row_texts()[victim_id]
        world_sim.control("POST", "mutate", {"action": "set_status", "resource_id": victim_id, "status": "running"})
        await until(pilot, lambda: "● running" in tree.row_texts().get(victim_id, ""), timeout=20)


async def test_watching_an_operation_shows_it_in_the_operations_pane(world_sim: SimServer) -> None:
    app = live_app(world_sim, interval=0.3)
    async with app.run_test(size=(120, 40)) as pilot:
        tree = await tree_filled(pilot, app)
        target = next(iter(tree.row_texts()))
        change = world_sim.control(
            "POST",
            "mutate",
            {
                "action": "start_operation",
                "resource_id": target,
                "type": "update_resource",
                "outcome": "completed",
                "duration_s": 600,
            },
        )["change"]
        op_id = change.get("operation_id") or change.get("new") or change.get("id")
        await pilot.press("w")
        await pilot.press(*op_id)
        await pilot.press("enter")
        pane = app.query_one(OperationsPane)
        assert op_id in pane.watched_ids
        await until(pilot, lambda: op_id in app.latest_snapshot.operations, timeout=20)
        await pilot.press("3")
        assert app.active_pane == "operations"


async def test_watch_op_flag_follows_an_operation_from_the_start(world_sim: SimServer) -> None:
    project = sim_projects(world_sim)[0]["id"]
    target = world_sim.get(f"projects/{project}/resources", per_page=5).json()["data"][0]["id"]
    op_id = start_operation(world_sim, target, duration_s=2)
    app = live_app(world_sim, interval=0.3, watch_op=[op_id])
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        pane = app.query_one(OperationsPane)
        assert op_id in pane.watched_ids  # a card before the first answer
        await until(pilot, lambda: op_id in app.latest_snapshot.operations if app.latest_snapshot else False)
        world_sim.control("POST", "advance", {"seconds": 30})
        await until(
            pilot,
            lambda: app.latest_snapshot.operations[op_id].value.status == "completed",
            timeout=20,
            what="the operation completes",
        )
        await until(pilot, lambda: any("completed" in str(n.message) for n in app._notifications), timeout=10)


async def test_pause_and_interval_keys_reach_the_monitor(static_sim: SimServer) -> None:
    app = live_app(static_sim, interval=5.0)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.latest_snapshot and app.latest_snapshot.projects, timeout=20)
        await pilot.press("p")
        await until(pilot, lambda: "PAUSED" in app.status_text())
        await pilot.press("p")
        await until(pilot, lambda: "PAUSED" not in app.status_text())
        await pilot.press("plus")
        await until(pilot, lambda: app.latest_snapshot.requested_interval == 10.0)
        await pilot.press("minus", "minus")
        await until(pilot, lambda: app.latest_snapshot.requested_interval == 3.0)
        await pilot.press("r")  # refresh now: a new answer arrives well before the 3 s interval
        before = app.latest_snapshot.projects.fetched_at
        await until(pilot, lambda: app.latest_snapshot.projects.fetched_at > before, timeout=10)


async def test_revoked_key_shows_auth_failed_with_request_id_and_keeps_data(sim_factory) -> None:
    sim = sim_factory("--seed", "5", "--static", "--plan", "enterprise", "--projects", "3", "--resources", "5")
    app = live_app(sim, interval=0.3)
    async with app.run_test(size=(120, 40)) as pilot:
        projects = app.query_one(ProjectList)
        await until(pilot, lambda: len(projects.shown_ids) == 3, timeout=20)
        sim.control("POST", "faults", {"revoked_keys": [sim.read_key]})
        text = await until(pilot, lambda: "AUTH FAILED" in app.status_text() and app.status_text(), timeout=20)
        assert "request req_" in text
        assert sim.read_key not in text
        assert len(projects.shown_ids) == 3  # the last data stays, with its age
        assert "data " in text
        sim.stop()
        await pilot.press("r")  # a refused key is tried again at once on a manual refresh: now nobody answers
        gone = await until(
            pilot,
            lambda: any(word in app.status_text() for word in ("OFFLINE", "DEGRADED")) and app.status_text(),
            timeout=40,
            what="the dashboard notices the API is gone",
        )
        # never blank: it says what is wrong, how old its data is, and keeps showing that data
        assert "data " in gone
        assert len(projects.shown_ids) == 3


async def test_unreachable_api_says_offline_with_a_retry(sim_factory) -> None:
    sim = sim_factory("--seed", "5", "--static", "--projects", "2", "--resources", "3")
    app = live_app(sim, interval=0.3)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: "● OK" in app.status_text(), timeout=20)
        sim.stop()
        text = await until(
            pilot,
            lambda: any(w in app.status_text() for w in ("OFFLINE", "DEGRADED")) and app.status_text(),
            timeout=40,
        )
        assert "data " in text


async def test_nasty_world_renders_as_text(sim_factory) -> None:
    sim = sim_factory("--seed", "3", "--static", "--nasty", "--plan", "enterprise", "--projects", "5")
    app = live_app(sim, interval=0.5)
    async with app.run_test(size=(120, 40)) as pilot:
        projects = app.query_one(ProjectList)
        tree = app.query_one(ResourceTree)
        await until(pilot, lambda: len(projects.shown_ids) >= 3 and tree.shown_count > 0, timeout=25)
        for _ in list(projects.shown_ids):
            await pilot.press("j")
            await pilot.pause(0.2)
        await pilot.press("a", "2")
        await pilot.pause(0.5)
        assert app.is_running  # a [@click=app.quit] name was not obeyed, nothing crashed
        screen_text = "\n".join(tree_lines(app))
        cells = " ".join(projects.get_row_at(i)[0].plain for i in range(projects.row_count))
        visible = screen_text + cells
        assert "\x1b" not in visible and "\u202e" not in visible
        assert "[" in visible  # brackets stayed text


async def test_a_failing_monitor_becomes_a_visible_state_not_a_traceback(static_sim: SimServer) -> None:
    app = live_app(static_sim)

    async def broken_run() -> None:
        raise RuntimeError("engine bug")

    app.monitor.run = broken_run  # a bug inside the engine, as the worker would meet it
    async with app.run_test(size=(120, 40)) as pilot:
        text = await until(pilot, lambda: "MONITOR STOPPED" in app.status_text() and app.status_text())
        assert "RuntimeError: engine bug" in text
        assert app.is_running


async def test_detail_chart_draws_the_cost_history_the_monitor_kept(world_sim: SimServer) -> None:
    app = live_app(world_sim, interval=0.3)
    async with app.run_test(size=(120, 40)) as pilot:
        tree = await tree_filled(pilot, app)
        target = next(iter(tree.row_texts()))
        world_sim.control("POST", "mutate", {"action": "set_cost", "resource_id": target, "monthly_cost": 4321.5})
        await until(pilot, lambda: "$4,321.50" in tree.row_texts().get(target, ""), timeout=20)
        app.post_message(ResourceOpened(tree.project_id, target))
        opened = lambda: isinstance(app.screen, ResourceDetailScreen) and app.screen.query("#detail-chart-note")  # noqa: E731
        await until(pilot, opened)
        note = app.screen.query_one("#detail-chart-note")
        chart = app.screen.query_one("#detail-chart")
        # two costs seen (before and after the change): a line, not the "one sample so far" note
        await until(pilot, lambda: len(chart.samples) >= 2, timeout=10)
        assert str(note.render()) == ""
        assert chart.samples[-1].monthly_cost == Decimal("4321.5")
        assert chart.samples[0].monthly_cost != chart.samples[-1].monthly_cost


async def test_a_url_without_v2_is_pointed_out_when_the_dashboard_opens(static_sim: SimServer) -> None:
    args = argparse.Namespace(api_url=static_sim.root_url, interval=0.5, no_history=True)
    app = build_app(Settings.load(args, environ={"CLOUDFORGE_API_KEY": static_sim.read_key}))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await until(pilot, lambda: app._notifications, timeout=5, what="a notification")
        first = next(iter(app._notifications))
        assert first.title == "Settings" and first.severity == "warning"
        assert "does not end in /v2" in str(first.message)
        # and the status line says what each request then meets
        status = app.query_one(StatusLine)
        await until(pilot, lambda: "Not found: /projects" in status.current_text(), timeout=20, what="the 404")
