"""The simulator's --nasty world through the whole stack, in a real terminal, every byte captured.

Hostile names, tags, configuration values, statuses, operation logs and event summaries are shown: in the
project list, the resource tree, the detail screen, the events feed and notifications, the operations pane.
Not one of the data's escape sequences may reach the terminal (they must appear as visible `\\x1b` text
instead), no markup in the data may be interpreted, and the app must still be running and answering keys.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pytest

from bench.terminal import Terminal, running_terminal
from cftui.api.sanitize import one_line
from tests.hostile import leaked_sequences
from tests.reliability.dashboard import running_dashboard
from tests.simproc import SimServer, running_sim

pytestmark = pytest.mark.tmux


def _resources(sim: SimServer, project_id: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for page in range(1, 100):
        batch = sim.get(f"projects/{project_id}/resources", per_page=100, page=page).json()["data"]
        items += batch
        if len(batch) < 100:
            return items
    return items


def _shown(text: str, width: int = 12) -> str:
    """How the start of an API string appears on screen: sanitised, flattened, cut short like a table cell."""
    return one_line(text)[:width]


FOLDED = "▶ "  # a folded group row of the tree, and the active pane's title


def open_first_detail(terminal: Terminal) -> str:
    """Focus the tree and walk down to the first resource row; Enter on a group row only folds it (undo that).

    Keys go once the tree is filled (before, they reach its `loading…` placeholder and do nothing), and each
    Enter is followed by a wait for what it did: the detail open, or one more folded row."""
    terminal.send_keys("2")
    terminal.wait_for_screen(
        lambda text: f"{FOLDED}2 Resources" in text and "├ ▼ " in text and "loading the resources" not in text,
        timeout=30,
        description="the tree filled and focused",
    )
    for _ in range(8):
        terminal.send_keys("Down")
        folded = terminal.screen_text().count(FOLDED)
        terminal.send_keys("Enter")
        screen = terminal.wait_for_screen(
            lambda text, folded=folded: "Configuration" in text or text.count(FOLDED) > folded,
            timeout=30,
            description="the detail, or the group row folded",
        )
        if "Configuration" in screen:
            return screen
        terminal.send_keys("Enter")  # that was a category or type row: unfold it again
        terminal.wait_for_screen(
            lambda text, folded=folded: text.count(FOLDED) <= folded, timeout=30, description="the row unfolded"
        )
    return terminal.wait_for_text("Configuration", timeout=10)


MARKUP_ON_SCREEN = re.compile(r"\[bold red\]|\[@click=|\[link=|oops \[/\]|list\[int\]|\[blink\]|\[i\]note")


def test_nasty_world_is_shown_literally_and_obeyed_nowhere(tmp_path: Path) -> None:
    with running_sim("--seed", "7", "--static", "--nasty", "--plan", "enterprise") as sim:
        projects = sim.get("projects", per_page=100).json()["data"]
        hostile_project = next(p for p in projects if "\x1b" in p["name"])
        focused = max((p for p in projects if p["status"] == "active"), key=lambda p: p["monthly_cost"])
        instances = [r for r in _resources(sim, focused["id"]) if r["type"] == "compute_instance"]
        first_shown = min(instances, key=lambda r: one_line(r["name"]))  # the tree sorts by name
        markup_named = [r for r in _resources(sim, focused["id"]) if MARKUP_ON_SCREEN.search(r["name"])]

        with running_dashboard(sim.base_url, sim.read_key, tmp_path) as run:
            terminal = run.terminal
            terminal.wait_for_text(_shown(hostile_project["name"]), timeout=30)
            # markup in names is text: the brackets are on screen, nothing was made bold, clickable or swallowed
            terminal.wait_for_text(MARKUP_ON_SCREEN, timeout=30)
            title_before = terminal._tmux("display-message", "-p", "-t", terminal.session, "#{pane_title}")

            # detail of the first resource in the tree: every field, configuration and tags, escapes made visible
            detail = open_first_detail(terminal)
            assert "\\x" in detail or "\\u20" in detail or MARKUP_ON_SCREEN.search(detail), detail
            terminal.send_keys("Escape")
            terminal.wait_for_no_text("Configuration", timeout=10)

            # hostile names in the tree's changed rows, events, notifications and the operations pane
            for resource in (first_shown, *markup_named[:2]):
                change = {"action": "set_status", "resource_id": resource["id"], "status": "error"}
                sim.control("POST", "mutate", change)
            operation = {
                "action": "start_operation",
                "resource_id": first_shown["id"],
                "type": "update_resource",
                "outcome": "failed",
                "duration_s": 5,
            }
            sim.control("POST", "mutate", operation)
            sim.control("POST", "advance", {"seconds": 10})
            shown = re.escape(_shown(first_shown["name"], 10))
            head = re.escape(_shown(first_shown["name"], 4))  # an event line may cut the name at the pane's edge
            # its tree row (`✖ error  name`) or its event line (`ERROR running -> error · project/name`), read in
            # the events pane zoomed to the whole width: the line names the project before the resource
            terminal.send_keys("4", "z")
            terminal.wait_for_text(re.compile(rf"error\s+{shown}|-> error · (?:[^/\s]+/)?{head}"), timeout=30)
            terminal.send_keys("z")

            # every project in turn, the one whose name carries an escape sequence among them
            terminal.send_keys("1")
            for _ in range(len(projects)):
                terminal.send_keys("j")
            run.assert_responsive()
            assert terminal.is_alive()
            output = terminal.output()
            title_after = terminal._tmux("display-message", "-p", "-t", terminal.session, "#{pane_title}")

    assert leaked_sequences(output) == []
    assert b"\x1b[2J" not in output  # the data's clear-screen (the app itself never sends one)
    assert output.count(b"\x1b[?1049h") <= 1  # the app's own switch to the alternate screen, once at most
    assert b"\x08space" not in output  # a raw backspace from a name
    assert "pwned" not in title_after and title_after == title_before


def test_the_checks_catch_a_client_that_prints_api_text_raw() -> None:
    """Control: a careless client printing the same world raw is caught by the very same checks."""
    with running_sim("--seed", "7", "--static", "--nasty", "--plan", "enterprise") as sim:
        careless = (
            "import httpx, sys, time\n"
            f"h = {{'Authorization': 'Bearer {sim.read_key}'}}\n"
            f"projects = httpx.get('{sim.base_url}/projects', headers=h, params={{'per_page': 100}}).json()['data']\n"
            "for p in projects:\n"
            f"    for r in httpx.get('{sim.base_url}/projects/' + p['id'] + '/resources', headers=h,"
            " params={'per_page': 100}).json()['data']:\n"
            "        print(r['name'], r.get('region'), r.get('tags'))\n"
            "sys.stdout.flush(); print('done'); time.sleep(30)\n"
        )
        with running_terminal([sys.executable, "-c", careless], width=120, height=40) as terminal:
            terminal.wait_for_text("done", timeout=30)
            output = terminal.output()
            title = terminal._tmux("display-message", "-p", "-t", terminal.session, "#{pane_title}")
    assert leaked_sequences(output), "the detector must see raw hostile sequences"
    assert b"\x1b[2J" in output
    assert "pwned" in title  # the raw OSC 2 really retitled the terminal
