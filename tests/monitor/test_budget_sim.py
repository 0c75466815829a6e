"""The request budget holds on a Starter plan with 20 projects, counted by the simulator itself."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime

import pytest

from tests.monitor.helpers import control, eventually, running_monitor

# about what a 20 s window at the budget (50 a minute) holds: enough to judge the pace, including the burst the
# pacing bucket allows (a sixth of a minute's budget) if it is still full
ENOUGH_REQUESTS = 16


async def test_starter_plan_with_20_projects_stays_inside_half_the_limit(sim_factory) -> None:
    sim = sim_factory("--seed", "3", "--projects", "20", "--resources", "50", "--plan", "starter", "--speed", "5")
    async with running_monitor(sim, interval=1.0, budget=0.5) as (monitor, recorder):
        await eventually(lambda: monitor.snapshot.projects is not None, message="projects fetched")
        monitor.focus_project(monitor.snapshot.projects.value[0].id)
        await eventually(lambda: monitor.snapshot.rate.limit == 100, message="the plan learned from the headers")
        await control(sim, "DELETE", "stats")
        started = time.monotonic()
        # measured over as long as the monitor takes to send ENOUGH_REQUESTS (about 20 s at its budget), however
        # busy the machine: the pace is judged against the time it really took
        deadline = started + 90
        while (stats := await control(sim, "GET", "stats"))["requests"] < ENOUGH_REQUESTS:
            assert time.monotonic() < deadline, f"only {stats['requests']} requests in 90 s"
            await asyncio.sleep(0.2)
        elapsed = time.monotonic() - started
        snapshot = monitor.snapshot

    budget_per_minute = 50.0
    assert snapshot.rate.budget_per_minute == budget_per_minute
    # the pacing bucket lets a refresh of a few pages go out together: at most ~10 s of budget beyond the rate
    allowed = budget_per_minute * elapsed / 60.0 + budget_per_minute / 6.0
    assert stats["requests"] <= allowed, f"{stats['requests']} requests in {elapsed:.1f}s (allowed {allowed:.1f})"
    assert stats["requests"] >= budget_per_minute * elapsed / 60.0 * 0.5, "the budget is used, not left idle"
    assert stats["by_status"].get("429", 0) == 0
    # no 60 s window may exceed the budget either (the window here is shorter, so all of it counts)
    times = sorted(datetime.fromisoformat(r["at"].replace("Z", "+00:00")) for r in stats["recent"])
    assert len(times) <= budget_per_minute
    # the 1 s wish cannot be met for 20 projects on 50 requests a minute: the engine says so
    assert snapshot.interval_stretched and snapshot.effective_interval > 1.0
    assert snapshot.requested_interval == 1.0
    assert snapshot.rate.used_last_minute > 0
    focused_path = f"/v2/projects/{snapshot.focused_project_id}/resources"
    sweeps = [r for r in stats["recent"] if r["path"].endswith("/resources") and r["path"] != focused_path]
    # the round's floor is 30 % of the budget; over a window this short one request more or less is noise
    assert len(sweeps) >= 0.3 * budget_per_minute * elapsed / 60.0 * 0.5, "the round keeps its share"
    assert len({r["path"] for r in sweeps}) == len(sweeps), "each visit looks at another project"
    assert not [r for r in sweeps if "status=" in r["query"]], "projects of one page are listed whole"
    assert recorder.events, "a sped-up world produced events"


async def test_it_slows_down_when_another_tool_drains_the_shared_key(sim_factory) -> None:
    sim = sim_factory("--seed", "3", "--static", "--projects", "4", "--resources", "10", "--plan", "starter")
    async with running_monitor(sim, interval=1.0, budget=0.5) as (monitor, _):
        await eventually(lambda: monitor.snapshot.rate.limit == 100, message="the plan learned")
        assert monitor.snapshot.rate.budget_per_minute == 50.0
        # another tool on the same key spends the bucket down to a handful of requests
        remaining = await asyncio.to_thread(_drain, sim, 8)
        assert remaining <= 8
        low = await eventually(
            lambda: (r := monitor.snapshot.rate).budget_per_minute is not None and r.budget_per_minute < 50.0 and r,
            message="the budget shrinks",
        )
        # in proportion to what was left when the monitor looked, below a fifth of the limit (the key refills
        # meanwhile, by how much depends on how busy the machine is: judge it on the Remaining the monitor read)
        assert low.remaining is not None and low.remaining < 20
        assert low.budget_per_minute == pytest.approx(50.0 * max(low.remaining, 2) / 20)
        # the key refills (100 a minute) faster than the slowed monitor spends: it comes back up
        await eventually(lambda: monitor.snapshot.rate.budget_per_minute == 50.0, within=30, message="recovered")
    stats = await control(sim, "GET", "stats")
    monitor_429s = [r for r in stats["recent"] if r["status"] == 429 and "per_page=100" in r["query"]]
    assert monitor_429s == [], "the monitor itself never hit the limit"


def _drain(sim, leave: int) -> int:
    """Spend the read key's bucket until at most `leave` requests remain; return what remains."""
    import httpx

    headers = {"Authorization": f"Bearer {sim.read_key}"}
    with httpx.Client(base_url=sim.base_url, headers=headers, timeout=5) as http:
        while True:
            response = http.get("/projects/none-such")  # a 404 still spends a request
            remaining = int(response.headers["X-RateLimit-Remaining"])
            if remaining <= leave or response.status_code == 429:
                return remaining
