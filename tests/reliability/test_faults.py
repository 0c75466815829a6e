"""The dashboard in a real terminal rides out API faults switched on and off mid-run.

One simulator and one dashboard serve the whole module (starting them is the slow part); every test begins
from a healthy, up-to-date screen and leaves the faults cleared. In every case the app stays up and answers a
key press, keeps the last data on screen with its age, says in the status line what is wrong, recovers on its
own once the fault clears (within one backoff cap plus the interval), and loses nothing: a change made while
the fault held shows up afterwards, on screen and in the history database.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.reliability.dashboard import RECOVERY_DEADLINE, DashboardRun, running_dashboard
from tests.simproc import SimServer, running_sim, wait_for

pytestmark = pytest.mark.tmux

OK = "● OK"


@pytest.fixture(scope="module")
def world() -> Iterator[SimServer]:
    with running_sim("--seed", "7", "--static", "--plan", "enterprise") as sim:
        yield sim


@pytest.fixture(scope="module")
def focused(world: SimServer) -> dict[str, Any]:
    """The project the dashboard selects first (the costliest) and the resources drawn first in its tree."""
    projects = world.get("projects", per_page=100).json()["data"]
    active = [p for p in projects if p["status"] == "active"]
    project = max(active, key=lambda p: p["monthly_cost"])
    resources = world.get(f"projects/{project['id']}/resources", per_page=100, type="compute_instance").json()
    running = sorted((r for r in resources["data"] if r["status"] == "running"), key=lambda r: r["name"])
    names = [p["name"][:12] for p in sorted(active, key=lambda p: -p["monthly_cost"])[:3]]  # as cut by the table
    return {"project": project, "resources": running[:8], "project_names": names}


@pytest.fixture(scope="module")
def dashboard(world: SimServer, focused: dict[str, Any], tmp_path_factory: pytest.TempPathFactory):
    state_dir = tmp_path_factory.mktemp("dashboard")
    with running_dashboard(world.base_url, world.read_key, state_dir) as run:
        run.terminal.wait_for_text(focused["project_names"][0], timeout=30)
        run.wait_for_status(OK, timeout=30)
        # the focused project's resources seen running (its tree drawn, seconds after the project list on a busy
        # machine): a first look is a baseline, so a resource the tests change before it would make no event
        first = focused["resources"][0]
        run.terminal.wait_for_text(re.compile(rf"running\s+{re.escape(first['name'])}\s"), timeout=30)
        yield run


@pytest.fixture
def healthy(world: SimServer, dashboard: DashboardRun) -> Iterator[DashboardRun]:
    world.control("DELETE", "faults")
    dashboard.wait_for_status(OK, timeout=RECOVERY_DEADLINE)
    assert dashboard.terminal.is_alive()
    yield dashboard
    world.control("DELETE", "faults")


def ride_out(
    run: DashboardRun,
    sim: SimServer,
    focused: dict[str, Any],
    resource_index: int,
    fault: dict[str, Any],
    says: str,
    *,
    recover: Callable[[], None] | None = None,
    fault_timeout: float = 30.0,
) -> str:
    """Switch `fault` on, check the app under it, change the world, clear the fault, check nothing was lost."""
    resource = focused["resources"][resource_index]
    before = run.history_counts()
    sim.control("POST", "faults", fault)
    status = run.wait_for_status(re.compile(says), timeout=fault_timeout)
    run.assert_keeps_data(focused["project_names"])
    run.assert_responsive()
    # the world moves on while the app cannot see it: the change must not be lost
    sim.control("POST", "mutate", {"action": "set_status", "resource_id": resource["id"], "status": "stopped"})
    sim.control("DELETE", "faults")
    if recover is not None:
        recover()
    run.wait_for_status(OK, timeout=RECOVERY_DEADLINE)
    run.shows_and_keeps_stopped(resource, before)
    assert run.terminal.is_alive()
    return status


def test_500_storm(healthy: DashboardRun, world: SimServer, focused: dict[str, Any]) -> None:
    status = ride_out(healthy, world, focused, 0, {"error_rate": 1.0}, r"DEGRADED")
    assert "internal_error" in status and "request req_" in status


def test_502_storm_with_a_proxy_page(healthy: DashboardRun, world: SimServer, focused: dict[str, Any]) -> None:
    status = ride_out(healthy, world, focused, 1, {"error_rate": 1.0, "error_status": 502}, r"DEGRADED")
    assert "502" in status or "bad_gateway" in status


def test_truncated_json(healthy: DashboardRun, world: SimServer, focused: dict[str, Any]) -> None:
    status = ride_out(healthy, world, focused, 2, {"truncate_rate": 1.0}, r"DEGRADED")
    assert re.search(r"[Mm]alformed|JSON", status), status


def test_429_storm(healthy: DashboardRun, world: SimServer, focused: dict[str, Any]) -> None:
    status = ride_out(healthy, world, focused, 3, {"rate_limit_storm_seconds": 4}, r"RATE LIMITED until \d\d:\d\d")
    assert re.search(r"RATE LIMITED until \d\d:\d\d:\d\d \((in \d+s|now)\)", status), status


def test_hung_requests(healthy: DashboardRun, world: SimServer, focused: dict[str, Any]) -> None:
    # every request hangs for ten minutes: the client's timeout turns that into a visible, retried failure
    ride_out(healthy, world, focused, 4, {"hang_rate": 1.0}, r"DEGRADED|OFFLINE|STALE", fault_timeout=45)


def test_dropped_connections(healthy: DashboardRun, world: SimServer, focused: dict[str, Any]) -> None:
    ride_out(healthy, world, focused, 5, {"drop_rate": 1.0}, r"DEGRADED|OFFLINE")


def test_key_revoked_mid_session(healthy: DashboardRun, world: SimServer, focused: dict[str, Any]) -> None:
    # A refused key is not hammered: the app waits for the user (or a slow retry). `r` is the user acting.
    status = ride_out(
        healthy,
        world,
        focused,
        6,
        {"revoked_keys": [world.read_key]},
        r"AUTH FAILED",
        recover=lambda: healthy.terminal.send_keys("r"),
    )
    assert "request req_" in status
    assert world.read_key not in status and "cf_read_…" in status


def test_two_second_latency(healthy: DashboardRun, world: SimServer, focused: dict[str, Any]) -> None:
    """Slow is not broken: no error state, and changes still reach the screen and the history."""
    resource = focused["resources"][7]
    before = healthy.history_counts()
    world.control("POST", "faults", {"latency_ms": 2000})
    try:
        world.control("POST", "mutate", {"action": "set_status", "resource_id": resource["id"], "status": "stopped"})
        healthy.terminal.wait_for_text(re.compile(rf"stopped\s+{re.escape(resource['name'])}\s"), timeout=30)
        status = healthy.assert_keeps_data(focused["project_names"])
        assert not re.search(r"DEGRADED|OFFLINE|AUTH FAILED|RATE LIMITED", status), status
        healthy.assert_responsive()
        wait_for(lambda: resource["id"] in healthy.history_event_subjects(), timeout=15, message="event in history")
    finally:
        world.control("DELETE", "faults")
    assert healthy.history_counts().events > before.events
