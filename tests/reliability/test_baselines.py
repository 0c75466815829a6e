"""The benchmark's baselines do what they claim, so the comparison figures mean something."""

from __future__ import annotations

import asyncio
import itertools
import sys
import time
from typing import Any

import httpx
import pytest

from bench.baselines.floor_app import FloorApp
from bench.baselines.naive_poller import NaivePoller
from bench.baselines.watch_curl import curl_projects_pipeline, watch_curl_command
from bench.terminal import running_terminal
from tests.simproc import SimServer


def _names(sim: SimServer) -> list[str]:
    return [project["name"] for project in sim.get("projects", per_page=100).json()["data"]]


async def test_naive_poller_lists_everything_each_cycle_and_sees_a_change(sim_factory) -> None:
    sim: SimServer = sim_factory("--seed", "7", "--static", "--plan", "enterprise", "--projects", "4")
    projects = sim.get("projects", per_page=100).json()["data"]
    resource = sim.get(f"projects/{projects[1]['id']}/resources", per_page=1).json()["data"][0]
    poller = NaivePoller(sim.base_url, sim.read_key, interval=0.2)
    seen = []
    poller.add_listener(seen.append)
    sim.control("DELETE", "stats")
    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {sim.read_key}"}) as client:
        await poller.poll_once(client)
        new_status = "stopped" if resource["status"] != "stopped" else "running"
        sim.control("POST", "mutate", {"action": "set_status", "resource_id": resource["id"], "status": new_status})
        await poller.poll_once(client)
    assert [(c.resource_id, c.what) for c in seen] == [(resource["id"], "status")]
    # one projects page plus every project's resources, each of them fully paged, twice
    pages_per_cycle = 1 + sum(-(-p["resource_count"] // 100) for p in projects)
    assert poller.stats.requests == 2 * pages_per_cycle == sim.control("GET", "stats")["requests"]
    assert poller.stats.rate_limited == poller.stats.failed == 0


async def test_floor_app_shows_the_first_page_of_projects(static_sim: SimServer) -> None:
    app = FloorApp(static_sim.base_url, static_sim.read_key)
    async with app.run_test(size=(100, 30)) as pilot:
        first = _names(static_sim)[0]
        for _ in range(100):
            await pilot.pause(0.05)
            if first in str(app.query_one("#projects").render()):
                break
        assert first in str(app.query_one("#projects").render())


@pytest.mark.tmux
def test_watch_curl_shows_the_same_projects_in_a_terminal(static_sim: SimServer) -> None:
    names = _names(static_sim)
    command = watch_curl_command(static_sim.base_url, static_sim.read_key, interval=1)
    with running_terminal(command, width=120, height=30) as terminal:
        terminal.wait_for_text(names[0], timeout=15)
        assert "curl -s" in terminal.screen_text()  # watch's header names the pipeline it re-runs
    assert static_sim.read_key in curl_projects_pipeline(static_sim.base_url, static_sim.read_key)


@pytest.mark.tmux
def test_floor_app_runs_in_a_real_terminal(static_sim: SimServer) -> None:
    command = [sys.executable, "-m", "bench.baselines.floor_app", static_sim.base_url]
    env = {"CLOUDFORGE_API_KEY": static_sim.read_key}
    with running_terminal(command, width=100, height=30, env=env) as terminal:
        terminal.wait_for_text(_names(static_sim)[0], timeout=20)
        terminal.send_keys("q")
        terminal.wait_for_screen(lambda _screen: not terminal.is_alive(), timeout=10, description="floor app quit")
        assert terminal.exit_status() == 0


class TimedPoller(NaivePoller):
    """Records when each cycle started and ended, so the pacing is checked whatever the machine's load."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cycle_times: list[tuple[float, float]] = []

    async def poll_once(self, client: httpx.AsyncClient) -> None:
        started = time.monotonic()
        await super().poll_once(client)
        self.cycle_times.append((started, time.monotonic()))


def test_naive_poller_runs_for_its_duration(static_sim: SimServer) -> None:
    interval, duration = 0.3, 1.0
    poller = TimedPoller(static_sim.base_url, static_sim.read_key, interval=interval)
    began = time.monotonic()
    stats = asyncio.run(poller.run(duration=duration))
    returned = time.monotonic()
    times = poller.cycle_times
    assert stats.cycles == len(times) >= 1
    assert stats.changes == []  # a static world: nothing to report
    # The duration counts from when the client is ready: between `began` and the first cycle's start. Every later
    # cycle starts before it ends, at most one per interval, none left out while time remains (a cycle longer than
    # the interval is followed at once). A busy machine changes how many cycles there are, not these.
    latest_deadline = times[0][0] + duration
    assert returned >= began + duration
    assert all(start < latest_deadline for start, _ in times[1:]), (began, times)
    for (start, end), (next_start, _) in itertools.pairwise(times):
        assert next_start >= start + interval - 0.01, times  # asyncio's timer may fire a clock tick early
        assert next_start >= end
    last_start, last_end = times[-1]
    assert max(last_end, last_start + interval) >= began + duration - 0.01, ("stopped early", began, times)
