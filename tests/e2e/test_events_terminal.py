"""The events feed in a real terminal (tmux), against the simulator (issue 11 item 4, issue 13 item 11).

The cursor shows a line's whole text and the filter keeps errors only, at 80x24 and 120x40; after a resize from
200x60 to 120x40 the newest event is on the pane's last row. A static world: every change is made through the
simulator's control endpoint.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.e2e.orgworld import (
    SCREEN_TIMEOUT,
    dashboard,
    mutate,
    org_sim,
    projects_by_cost,
    resources_of,
    wait_for_tree_of,
)
from tests.simproc import SimServer

pytestmark = pytest.mark.tmux
__all__ = ["org_sim"]  # the fixture


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_events_cursor_and_filter(org_sim: SimServer, tmp_path: Path, size: tuple[int, int]) -> None:
    first = projects_by_cost(org_sim)[0]  # the project the dashboard opens: its every change is an event
    resources = resources_of(org_sim, first["id"])
    running = [r for r in resources if r["status"] == "running"]
    stopped_one, broken_one = running[0], running[1]
    with dashboard(org_sim, tmp_path, *size) as terminal:
        terminal.send_keys("2")
        terminal.wait_for_text("▶ 2 Resources", timeout=SCREEN_TIMEOUT)
        # its tree is filled: the app has its first look (a baseline), so each change from now on is an event
        wait_for_tree_of(terminal, resources)
        mutate(org_sim, action="set_status", resource_id=stopped_one["id"], status="stopped")
        mutate(org_sim, action="set_status", resource_id=broken_one["id"], status="error")
        terminal.send_keys("4")
        terminal.wait_for_screen(
            lambda text: "running -> stopped" in text and "ERROR running -> error" in text,
            timeout=SCREEN_TIMEOUT,
            description="both changes in the events feed",
        )
        # the cursor: the line's whole text shows below the feed, with its project's name and id
        terminal.send_keys("k")
        # (the project's id in brackets is only in that text; a notification may cover part of it for 10 s)
        terminal.wait_for_screen(
            lambda text: f"({first['id']})" in text,
            timeout=20,
            description="the highlighted line in full",
        )
        # the filter: errors only
        terminal.send_keys("/")
        terminal.send_keys("sev:error", literal=True)
        terminal.send_keys("Enter")
        terminal.wait_for_screen(
            lambda text: "ERROR running -> error" in text and "running -> stopped" not in text,
            timeout=10,
            description="only the error left",
        )
        assert "sev:error" in terminal.screen_text()
        terminal.send_keys("Escape")  # in the feed: clears the filter
        terminal.wait_for_text("running -> stopped", timeout=10)


def test_after_a_resize_from_200x60_to_120x40_the_newest_event_is_on_the_last_row(
    org_sim: SimServer, tmp_path: Path
) -> None:
    """Issue 13, item 11: blank rows were left under the newest event until `G`."""
    first = projects_by_cost(org_sim)[0]
    resources = resources_of(org_sim, first["id"])
    movable = [r for r in resources if r["status"] in ("running", "stopped")]
    with dashboard(org_sim, tmp_path, 200, 60) as terminal:
        wait_for_tree_of(terminal, resources)  # the first project is followed, its first look taken
        for round_number in range(3):  # about three dozen status changes: more than a pane of lines
            statuses: dict[str, str] = {}
            for resource in movable:
                status = ("stopped", "running")[(round_number + (resource["status"] == "stopped")) % 2]
                mutate(org_sim, action="set_status", resource_id=resource["id"], status=status)
                statuses[resource["name"]] = status
            # this round seen (the tree shows every new status) before the next one undoes it
            terminal.wait_for_screen(
                lambda screen, statuses=statuses: all(
                    re.search(rf"{status}\s+{re.escape(name)}(?!\S)", screen) for name, status in statuses.items()
                ),
                timeout=SCREEN_TIMEOUT,
                description=f"round {round_number}'s statuses in the tree",
            )
        # the last round's lines all in: nothing is appended to the feed after this (an append would scroll it)
        terminal.wait_for_quiet(quiet_for=2.5, timeout=SCREEN_TIMEOUT)
        # the feed ran past its pane at least once: the newest line sits mid-pane with room kept below it
        assert sum(row.count("⇄") for row in terminal.screen_text().splitlines()) >= 12
        terminal.resize(120, 40)

        def newest_on_last_row(screen: str) -> bool:
            rows = screen.splitlines()
            borders = [i for i, row in enumerate(rows) if "╰" in row[60:]]  # the events pane's lower border
            return bool(borders) and len(rows[0]) <= 120 and "⇄" in rows[borders[-1] - 1][60:]

        terminal.wait_for_screen(newest_on_last_row, timeout=20, description="an event on the pane's last row")
