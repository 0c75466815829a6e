"""The API is not there at all: at start, and in the middle of a session (the server stops, then comes back).

The simulator is stopped and started again on the same port, as a restarted API server would be.
"""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest

from tests.reliability.dashboard import RECOVERY_DEADLINE, running_dashboard
from tests.simproc import READ_KEY, running_sim, wait_for

pytestmark = pytest.mark.tmux

WORLD = ("--seed", "7", "--static", "--plan", "enterprise")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_api_down_at_start_then_up(tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/v2"
    with running_dashboard(url, READ_KEY, tmp_path) as run:
        status = run.wait_for_status(re.compile(r"OFFLINE|DEGRADED"), timeout=45)
        assert f"127.0.0.1:{port}" in status  # it says where it is trying to connect
        run.assert_responsive()
        with running_sim(*WORLD, "--port", str(port)) as sim:
            first = sim.get("projects").json()["data"][0]["name"][:12]
            run.terminal.wait_for_text(first, timeout=RECOVERY_DEADLINE)
            run.wait_for_status("● OK", timeout=RECOVERY_DEADLINE)
            run.assert_responsive()


def test_api_down_mid_session_then_back(tmp_path: Path) -> None:
    port = free_port()
    with running_sim(*WORLD, "--port", str(port)) as sim:
        projects = sim.get("projects", per_page=100).json()["data"]
        names = [p["name"][:12] for p in projects[:2]]
        # the resource that will change while the API is away (the static world is the same after the restart)
        focused = max((p for p in projects if p["status"] == "active"), key=lambda p: p["monthly_cost"])
        resources = sim.get(f"projects/{focused['id']}/resources", type="compute_instance").json()["data"]
        resource = sorted((r for r in resources if r["status"] == "running"), key=lambda r: r["name"])[0]
        with running_dashboard(sim.base_url, READ_KEY, tmp_path) as run:
            for name in names:
                run.terminal.wait_for_text(name, timeout=30)
            run.wait_for_status("● OK", timeout=30)
            # seen running before the outage (a project of two pages may show its first page before its second):
            # only then is its change while the API was away a change with an old status, and an event
            run.terminal.wait_for_text(re.compile(rf"running\s+{re.escape(resource['name'])}\s"), timeout=30)
            wait_for(lambda: run.history_counts().cost_samples > 0, timeout=20, message="history written")
            before = run.history_counts()
            sim.stop()

            run.wait_for_status(re.compile(r"OFFLINE|DEGRADED"), timeout=45)
            # the last data stays, and its age keeps counting: it is no longer "just now"
            status = run.wait_for_status(re.compile(r"(OFFLINE|DEGRADED).*data (\d+s old|\d+[mhd] ago)"), timeout=15)
            assert "Cannot reach" in status or "could not connect" in status, status
            run.assert_keeps_data(names)
            run.assert_responsive()

            with running_sim(*WORLD, "--port", str(port)) as again:
                change = {"action": "set_status", "resource_id": resource["id"], "status": "stopped"}
                again.control("POST", "mutate", change)
                run.wait_for_status("● OK", timeout=RECOVERY_DEADLINE)
                run.shows_and_keeps_stopped(resource, before)
