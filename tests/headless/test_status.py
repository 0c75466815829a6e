"""`cftui status` as a real child process against the simulator: formats, pipe and terminal, each exit code."""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Iterator

import pytest

from tests.headless.runner import Finished, run_in_terminal, run_piped, run_together
from tests.headless.schema import check_status_document
from tests.headless.simworld import first_resource, heal, projects, set_status
from tests.hostile import assert_no_raw_controls
from tests.simproc import LIVE_KEY, READ_KEY, SimServer, running_sim

SGR = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(scope="module")
def sim() -> Iterator[SimServer]:
    with running_sim(
        "--seed", "7", "--static", "--plan", "enterprise", "--projects", "4", "--resources", "40"
    ) as server:
        yield server


@pytest.fixture
def healthy(sim: SimServer) -> SimServer:
    heal(sim)
    return sim


def status(sim: SimServer, *args: str, key: str = READ_KEY, terminal: bool = False):
    runner = run_in_terminal if terminal else run_piped
    return lambda: runner("status", "--api-url", sim.base_url, *args, key=key)


def test_healthy_world_exits_0_as_plain_text_json_and_a_table(healthy: SimServer) -> None:
    first = projects(healthy)[0]
    plain, document, drawn = run_together(
        status(healthy), status(healthy, "--format", "json"), status(healthy, "--project", first["id"], terminal=True)
    )
    assert plain.code == 0, plain.stderr
    assert "\x1b" not in plain.stdout and "┃" not in plain.stdout  # a pipe gets plain text
    lines = plain.stdout.splitlines()
    assert lines[2].split() == ["PROJECT", "ID", "STATUS", "RESOURCES", "BY", "STATUS", "PROBLEMS", "MONTHLY", "COST"]
    assert lines[-1] == "healthy: no resource in error"
    for project in projects(healthy):
        assert any(line.startswith(project["name"]) and project["id"] in line for line in lines)

    assert document.code == 0
    body = json.loads(document.stdout)
    check_status_document(body, with_resources=False)
    assert body["healthy"] is True and body["api_url"] == healthy.base_url
    api_projects = {p["id"]: p for p in projects(healthy)}
    assert {p["id"] for p in body["projects"]} == set(api_projects)
    for project in body["projects"]:
        assert project["resource_count"] == api_projects[project["id"]]["resource_count"]
        assert project["monthly_cost"] == f"{api_projects[project['id']]['monthly_cost']:.2f}"

    assert drawn.code == 0, drawn.stderr
    text = SGR.sub("", drawn.stdout)
    assert text.count("┏") == 1 and "Project" in text  # the projects table (ruled header) and the resources table
    assert f"Resources of {first['name']}" in text and "healthy: no resource in error" in text
    assert_no_raw_controls(drawn.stdout, allow_sgr=True)


def test_a_resource_in_error_exits_1_in_every_format(healthy: SimServer) -> None:
    victim = first_resource(healthy)
    set_status(healthy, victim["id"], "error")
    try:
        problems, selected, drawn = run_together(
            status(healthy, "--problems"),
            status(healthy, "--problems", "--project", victim["project_name"], "-o", "json"),  # kubectl's alias
            status(healthy, terminal=True),
        )
    finally:
        set_status(healthy, victim["id"], "running")
    assert problems.code == 1 and problems.stdout.splitlines()[-1] == "TROUBLE: 1 resource in error"
    others = [p["id"] for p in projects(healthy) if p["id"] != victim["project_id"]]
    assert victim["project_id"] in problems.stdout and not any(pid in problems.stdout for pid in others)

    assert selected.code == 1
    body = json.loads(selected.stdout)
    check_status_document(body, with_resources=True)
    assert body["healthy"] is False and body["error_count"] == 1 and body["problems_only"] is True
    (project,) = body["projects"]
    assert project["id"] == victim["project_id"] and project["errors"] == 1
    assert [r["id"] for r in project["resources"]] == [victim["id"]]
    assert project["resources"][0]["status"] == "error" and project["resources"][0]["problem"] is True

    assert drawn.code == 1 and "Project" in drawn.stdout and "─" in drawn.stdout  # a table was drawn
    assert "TROUBLE: 1 resource in error" in SGR.sub("", drawn.stdout)


def one_line_error(done: Finished, *fragments: str) -> None:
    assert done.code == 2 and done.stdout.strip() == ""
    assert done.stderr.startswith("cftui status: ") and done.stderr.count("\n") == 1, done.stderr
    for fragment in fragments:
        assert fragment in done.stderr, done.stderr


def test_failures_exit_2_with_one_sentence(sim: SimServer) -> None:
    with socket.socket() as probe:  # a loopback port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    unreachable, unknown, live = run_together(
        lambda: run_piped("status", "--api-url", f"http://127.0.0.1:{port}/v2"),
        status(sim, "--project", "no-such-project"),
        status(sim, key=LIVE_KEY),
    )
    one_line_error(unreachable, "Cannot reach", f"127.0.0.1:{port}", "request ")
    one_line_error(unknown, "'no-such-project'")
    one_line_error(live, "live key", "--allow-live-key", "cf_live_…live")
    assert LIVE_KEY not in live.stderr


def test_revoked_key_exits_2_with_request_id_on_a_terminal(sim: SimServer) -> None:
    sim.control("POST", "faults", {"revoked_keys": [READ_KEY]})
    try:
        done = status(sim, terminal=True)()
    finally:
        sim.control("DELETE", "faults")
    one_line_error(done, "API key rejected", "request req_", "cf_read_…read")
    assert READ_KEY not in done.stderr
