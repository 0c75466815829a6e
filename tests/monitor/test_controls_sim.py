"""The controls front ends use (refresh, pause, interval, focus), hostile data, and bounded memory."""

from __future__ import annotations

import asyncio

import pytest

from cftui.monitor.state import ConnectionStatus
from cftui.monitor.store import MAX_RESOURCE_LISTS
from tests.monitor.helpers import api_get, control, eventually, running_monitor
from tests.simproc import running_sim

SIM = ("--seed", "13", "--static", "--plan", "enterprise", "--projects", "10", "--resources", "5")


@pytest.fixture(scope="module")
def sim():
    with running_sim(*SIM) as server:
        yield server


def _list_requests(stats: dict) -> int:
    return sum(1 for r in stats["recent"] if r["path"].endswith("/projects"))


async def test_refresh_now_goes_next_in_line_and_pause_stops_polling(sim) -> None:
    async with running_monitor(sim, interval=60) as (monitor, recorder):
        await eventually(lambda: monitor.snapshot.projects is not None)
        first = monitor.snapshot.projects.fetched_at
        monitor.refresh_now()  # a 60 s interval, yet the list comes again at once
        await eventually(lambda: monitor.snapshot.projects.fetched_at > first, within=5, message="refreshed")

        monitor.set_paused(True)
        assert monitor.snapshot.paused
        await control(sim, "DELETE", "stats")
        monitor.set_interval(0.2)
        assert monitor.snapshot.requested_interval == 0.2
        updates = len(recorder.updates)
        await asyncio.sleep(1.5)  # a window of more than seven intervals, to show that nothing happens in it
        assert (await control(sim, "GET", "stats"))["requests"] == 0, "paused: nothing is polled"
        assert len(recorder.updates) == updates, "and nothing is repainted"

        monitor.set_paused(False)
        paused_at = monitor.snapshot.projects.fetched_at
        await eventually(lambda: monitor.snapshot.projects.fetched_at > paused_at, message="resumed")
        await eventually(lambda: _list_requests_sync(sim) >= 3, message="polling at the new interval")


def _list_requests_sync(sim) -> int:
    return _list_requests(sim.control("GET", "stats"))


async def test_focus_moves_and_memory_stays_bounded(sim) -> None:
    projects = [p["id"] for p in api_get(sim, "projects")]
    async with running_monitor(sim, interval=0.2) as (monitor, recorder):
        for project_id in projects:
            monitor.focus_project(project_id)
            await eventually(lambda p=project_id: p in monitor.snapshot.resources, message=f"{project_id} listed")
            assert monitor.snapshot.focused_project_id == project_id
        assert len(monitor.snapshot.resources) == MAX_RESOURCE_LISTS
        assert projects[-1] in monitor.snapshot.resources and projects[0] not in monitor.snapshot.resources
        monitor.focus_project(None)
        assert monitor.snapshot.focused_project_id is None
        assert monitor.snapshot.connection.status is ConnectionStatus.OK
    assert not [e for e in recorder.events if e.kind.value == "resource.created"], "looking around is not news"


async def test_hostile_data_flows_through_as_visible_escapes(sim_factory) -> None:
    nasty = sim_factory("--seed", "4", "--nasty", "--speed", "30", "--plan", "enterprise", "--projects", "4")
    async with running_monitor(nasty, interval=0.2) as (monitor, recorder):
        await eventually(lambda: monitor.snapshot.projects is not None)
        monitor.focus_project(monitor.snapshot.projects.value[0].id)
        await eventually(lambda: len(recorder.events) >= 5, within=30, message="events from a hostile world")
        names = [p.name for p in monitor.snapshot.projects.value]
    assert any("\\x1b" in name for name in names), "the hostile name arrived, escaped"
    for event in recorder.events:
        for text in (event.summary, event.subject_name, event.old or "", event.new or ""):
            assert "\x1b" not in text and "\u202e" not in text and "\x07" not in text
