"""A small static organisation for the tmux tests of issue 11, and the dashboard running on it in tmux."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bench.terminal import Terminal
from tests.simproc import READ_KEY, SimServer, running_sim

SCREEN_TIMEOUT = 60.0  # a first round over every project, on a machine shared with other test runs


@pytest.fixture
def org_sim() -> Iterator[SimServer]:
    with running_sim("--seed", "11", "--static", "--plan", "enterprise", "--projects", "6", "--resources", "12") as sim:
        yield sim


def projects_by_cost(sim: SimServer) -> list[dict]:
    """The projects in the order the dashboard lists them (cost, highest first): the first one is opened."""
    projects = [p for p in sim.get("projects", per_page=100).json()["data"] if p["status"] != "archived"]
    return sorted(projects, key=lambda p: -float(p.get("monthly_cost") or 0))


def resources_of(sim: SimServer, project_id: str) -> list[dict]:
    return sim.get(f"projects/{project_id}/resources", per_page=100).json()["data"]


def mutate(sim: SimServer, **body: object) -> dict:
    return sim.control("POST", "mutate", body)


@contextmanager
def dashboard(sim: SimServer, tmp_path: Path, width: int, height: int) -> Iterator[Terminal]:
    env = {
        "CLOUDFORGE_API_KEY": READ_KEY,
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    command = [sys.executable, "-m", "cftui", "--api-url", sim.base_url, "--no-history", "--interval", "1"]
    with Terminal(command, width=width, height=height, env=env) as terminal:
        terminal.wait_for_text("● OK", timeout=SCREEN_TIMEOUT)
        yield terminal


def wait_for_tree_of(terminal: Terminal, resources: list[dict], timeout: float = SCREEN_TIMEOUT) -> str:
    """Wait until the resource tree shows one of these resources (by name): the app has looked at the project.

    A first look at a resource is a baseline, not a change, so a test that changes a resource before this may see
    no event. A marker such as "▼ " is no proof: the project list's sorted header ("Cost/month▼ ") shows it too.
    """
    names = [str(r["name"]) for r in resources]
    return terminal.wait_for_screen(
        lambda screen: any(name in screen for name in names),
        timeout=timeout,
        description=f"one of the resources {names[:3]}… in the tree",
    )


def flat(screen: str) -> str:
    """The screen's words on one line (a name wrapped or framed by borders still reads as one)."""
    return " ".join(screen.replace("│", " ").split())
