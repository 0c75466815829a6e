"""The engine with its history: trends and events survive a restart; a locked file never stops monitoring."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from cftui.monitor.history import History
from cftui.monitor.history_files import default_history_path
from cftui.monitor.state import Changed
from tests.monitor.helpers import api_get, eventually, mutate, running_monitor

SIM = ("--seed", "21", "--static", "--plan", "enterprise", "--projects", "3", "--resources", "8")


@pytest.fixture
def sim(sim_factory):
    return sim_factory(*SIM)


async def test_costs_and_events_survive_a_restart(sim, tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    project = api_get(sim, "projects")[0]["id"]
    resource = api_get(sim, f"projects/{project}/resources")[0]
    async with running_monitor(sim, interval=0.3, history=History(path)) as (monitor, recorder):
        monitor.focus_project(project)
        await eventually(lambda: project in monitor.snapshot.resources)
        await mutate(sim, action="set_status", resource_id=resource["id"], status="error")
        await mutate(sim, action="set_cost", resource_id=resource["id"], monthly_cost=123.45)
        await eventually(lambda: recorder.of("cost.changed", resource["id"]), message="cost event")
        await eventually(lambda: recorder.of("resource.status_changed", resource["id"]), message="status event")
    first_run_events = [e.to_json() for e in recorder.events]
    first_costs = dict(monitor.snapshot.project_costs)  # all of them were written when the monitor closed
    assert len(first_costs[project]) >= 1

    async with running_monitor(sim, interval=60, history=History(path)) as (monitor, recorder):
        # before any request is answered, the trend and the last events are there
        first = await eventually(lambda: recorder.updates and recorder.updates[0], message="first update")
        assert first.changed == {Changed.HISTORY}
        assert first.snapshot.projects is None, "published before the first fetch"
        assert first.snapshot.project_costs[project][-1] == first_costs[project][-1]
        recent = await monitor.recent_events()
        assert [e.to_json() for e in recent[-len(first_run_events) :]] == first_run_events
        resource_costs = await monitor.resource_cost_history(resource["id"])
        assert resource_costs[-1].monthly_cost == Decimal("123.45")


async def test_a_locked_history_file_is_reported_and_monitoring_goes_on(sim, tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    project = api_get(sim, "projects")[0]["id"]
    resources = api_get(sim, f"projects/{project}/resources")
    async with running_monitor(sim, interval=0.3, history=History(path)) as (monitor, recorder):
        monitor.focus_project(project)
        await eventually(lambda: project in monitor.snapshot.resources)
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            await mutate(sim, action="set_status", resource_id=resources[0]["id"], status="error")
            await eventually(lambda: recorder.of("resource.status_changed", resources[0]["id"]), message="event")
            await eventually(lambda: monitor.snapshot.history_problem, message="the lock is reported")
            assert "locked" in monitor.snapshot.history_problem
            assert any("locked" in note for note in monitor.snapshot.notes)
            # still monitoring: the next change arrives as usual
            await mutate(sim, action="set_status", resource_id=resources[1]["id"], status="stopped")
            await eventually(lambda: recorder.of("resource.status_changed", resources[1]["id"]), message="more")
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        await mutate(sim, action="set_status", resource_id=resources[0]["id"], status="running")
        await eventually(lambda: monitor.snapshot.history_problem is None, message="writes resume")


async def test_a_corrupt_history_file_is_survived_and_said(sim, tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    path.write_bytes(b"\x00garbage" * 512)
    async with running_monitor(sim, interval=0.3, history=History(path)) as (monitor, _):
        await eventually(lambda: monitor.snapshot.projects is not None)
        await eventually(lambda: any("moved to" in note for note in monitor.snapshot.notes), message="notice")
        await eventually(lambda: monitor.snapshot.project_costs, message="fresh samples")
    assert _moved_aside(tmp_path)


async def test_without_history_nothing_is_written(sim, isolated_dirs: Path) -> None:
    async with running_monitor(sim, interval=0.3, history=None) as (monitor, recorder):
        project = api_get(sim, "projects")[0]["id"]
        monitor.focus_project(project)
        await eventually(lambda: project in monitor.snapshot.resources)
        resource = api_get(sim, f"projects/{project}/resources")[0]["id"]
        await mutate(sim, action="set_status", resource_id=resource, status="error")
        await eventually(lambda: recorder.of("resource.status_changed", resource))
        assert [e.subject_id for e in await monitor.recent_events()] == [resource], "kept in memory instead"
    assert not default_history_path(sim.base_url).exists()
    assert not (isolated_dirs / "xdg_state_home").exists() or not any(
        (isolated_dirs / "xdg_state_home").rglob("*.sqlite3")
    )


def _moved_aside(directory: Path) -> list[Path]:
    return [p for p in directory.iterdir() if ".corrupt-" in p.name]
