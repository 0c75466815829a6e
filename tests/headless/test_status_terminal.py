"""`cftui status` on a terminal: one line per project at 80 and 120 columns, dollars as on the dashboard, and
archived projects left out (from the table, the JSON and the exit code) unless `--archived` is given."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from rich.cells import cell_len

from tests.headless.runner import run_in_terminal, run_piped
from tests.headless.simworld import heal, projects, resources, set_status
from tests.simproc import SimServer, running_sim

SGR = re.compile(r"\x1b\[[0-9;?]*[a-zA-Z]")
DOLLARS = re.compile(r"-?\$\d{1,3}(,\d{3})*\.\d\d$")


@pytest.fixture(scope="module")
def sim() -> Iterator[SimServer]:
    with running_sim("--seed", "11", "--static", "--projects", "5", "--resources", "30") as server:
        heal(server)
        yield server


def _archive_one_in_error(sim: SimServer) -> dict:
    """An archived project with a resource in error; the rest healthy."""
    project = next(p for p in projects(sim) if p["status"] == "active")
    set_status(sim, resources(sim, project["id"])[0]["id"], "error")
    sim.control("POST", "mutate", {"action": "set_project_status", "project_id": project["id"], "status": "archived"})
    return project


@pytest.mark.parametrize("columns", [80, 120])
def test_one_line_per_project_with_dollars(sim: SimServer, columns: int) -> None:
    done = run_in_terminal("status", "--archived", "--api-url", sim.base_url, columns=columns)
    assert done.code in (0, 1), done.stderr
    lines = [SGR.sub("", line).rstrip() for line in done.stdout.replace("\r", "").splitlines()]
    assert all(cell_len(line) <= columns for line in lines), lines
    rows = [line for line in lines if DOLLARS.search(line)]
    listed = projects(sim)
    assert len(rows) == len(listed), lines  # each project is exactly one line, ending in its cost
    for project in listed:
        row = next(r for r in rows if project["name"][:8] in r)
        assert f"${project['monthly_cost']:,.2f}" in row
        assert (project["id"] in row) is (columns >= 100)  # ids only where there is room


def test_archived_projects_are_left_out_unless_asked_for(sim: SimServer) -> None:
    archived = _archive_one_in_error(sim)
    default = run_piped("status", "--format", "json", "--api-url", sim.base_url)
    assert default.code == 0, default.stderr  # the only error is in an archived project
    body = json.loads(default.stdout)
    assert archived["id"] not in {p["id"] for p in body["projects"]}
    assert body["healthy"] is True and body["error_count"] == 0

    asked = run_piped("status", "--archived", "--format", "json", "--api-url", sim.base_url)
    assert asked.code == 1, asked.stderr
    assert archived["id"] in {p["id"] for p in json.loads(asked.stdout)["projects"]}

    named = run_piped("status", "--project", archived["id"], "--format", "json", "--api-url", sim.base_url)
    assert named.code == 1 and json.loads(named.stdout)["projects"][0]["id"] == archived["id"]
