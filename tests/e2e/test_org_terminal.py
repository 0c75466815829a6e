"""The whole organisation in a real terminal (tmux), against the simulator (issue 11, items 2 and 3).

The problems view (`0`) lists errors of projects never opened and Enter lands on a resource's detail; an
operation started in a project never opened shows in the Operations pane with its project's name and completes
there. A static world (no spontaneous changes): every change here is made through the simulator's control
endpoint, so the test knows what must appear.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.e2e.orgworld import SCREEN_TIMEOUT, dashboard, flat, mutate, org_sim, projects_by_cost, resources_of
from tests.simproc import SimServer

pytestmark = pytest.mark.tmux
__all__ = ["org_sim"]  # the fixture


def test_problems_of_three_unopened_projects_listed_and_enter_opens_one(org_sim: SimServer, tmp_path: Path) -> None:
    others = projects_by_cost(org_sim)[1:4]  # the dashboard opens the first; these three it never opens
    broken: list[dict] = []
    for project in others:
        target = next(r for r in resources_of(org_sim, project["id"]) if r["status"] != "error")
        mutate(org_sim, action="set_status", resource_id=target["id"], status="error")
        broken.append({**target, "project_name": project["name"]})
    with dashboard(org_sim, tmp_path, 160, 40) as terminal:
        terminal.send_keys("0")
        screen = terminal.wait_for_screen(
            lambda text: all(b["name"][:20] in text and b["project_name"][:20] in text for b in broken),
            timeout=SCREEN_TIMEOUT,
            description="the three errors in the problems view",
        )
        assert "Problems across the organisation" in screen
        assert "a full round takes" in screen
        # once every project has been looked at the rows stop moving: then the row to open can be counted
        terminal.wait_for_text(f"looked at {len(projects_by_cost(org_sim))} of", timeout=SCREEN_TIMEOUT)
        terminal.wait_for_quiet(quiet_for=2.0, timeout=SCREEN_TIMEOUT)
        screen = terminal.screen_text()
        # Enter on the second one's row: its project's resources are read, then its detail opens
        target = broken[1]
        rows = screen.splitlines()
        header = next(i for i, row in enumerate(rows) if re.search(r"Project\s+Type\s+Name", row))
        row = next(i for i, line in enumerate(rows) if target["name"][:20] in line)
        terminal.send_keys("g", *(["j"] * (row - header - 1)), "Enter")  # from the first row down
        detail = terminal.wait_for_screen(
            lambda text: "monthly cost" in text and re.search(rf"id\s+{target['id']}", text),
            timeout=SCREEN_TIMEOUT,
            description="the resource's detail",
        )
        assert "✖ error" in detail
        terminal.send_keys("Escape")
        terminal.wait_for_text("Problems across the organisation", timeout=10)


def test_an_operation_in_an_unopened_project_shows_its_project_and_completes(
    org_sim: SimServer, tmp_path: Path
) -> None:
    project = projects_by_cost(org_sim)[2]
    target = next(r for r in resources_of(org_sim, project["id"]) if r["status"] == "running")
    with dashboard(org_sim, tmp_path, 80, 24) as terminal:
        terminal.send_keys("3")
        terminal.wait_for_text("▶ 3 Operations", timeout=10)
        started = mutate(
            org_sim,
            action="start_operation",
            resource_id=target["id"],
            type="update_resource",
            outcome="completed",
            # long enough for a round to find it running: its card shows within a second here (10x that on a busy
            # machine still finds it); it ends, and the card says so, a second or two after these 8 s
            duration_s=8,
        )
        op_id = started["operation_id"]
        terminal.wait_for_screen(
            lambda text: op_id in text and project["name"][:30] in flat(text) and target["name"][:30] in flat(text),
            timeout=SCREEN_TIMEOUT,
            description="the operation's card with its project and resource names",
        )
        terminal.wait_for_screen(
            lambda text: op_id in text and "✔ completed" in text,
            timeout=SCREEN_TIMEOUT,
            description="the operation completed on its card",
        )
