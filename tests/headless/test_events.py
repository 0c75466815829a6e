"""`cftui events` as a real child process against a simulated world the tests move: formats, signals, pipes,
history."""

from __future__ import annotations

import json
import re
import shlex
import signal
import subprocess
from collections.abc import Iterator

import pytest

from cftui.monitor.events import EventKind
from tests.headless.runner import Streaming, child_env, command, run_piped, start_piped
from tests.headless.simworld import moving, projects, resources, start_operation
from tests.simproc import READ_KEY, SimServer, running_sim

KINDS = "|".join(re.escape(kind.value) for kind in EventKind)
TEXT_LINE = re.compile(rf"^\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\dZ ({KINDS}) \S.*$")
JSON_KEYS = {
    "kind",
    "at",
    "subject_id",
    "subject_name",
    "project_id",
    "old",
    "new",
    "severity",
    "summary",
    "data",
    "source",
}


@pytest.fixture(scope="module")
def world() -> Iterator[SimServer]:
    # static: nothing changes unless a test moves it (`moving`), so no test hopes for the world to move in time
    with running_sim("--seed", "11", "--static", "--plan", "enterprise") as server:
        yield server


def stream(sim: SimServer, *args: str) -> Streaming:
    return start_piped("events", "--api-url", sim.base_url, "--interval", "1", *args)


def test_text_lines_then_sigterm_and_replay_from_history_then_ctrl_c(world: SimServer) -> None:
    live = stream(world)
    with moving(world):
        seen = live.lines(3)
    assert all(TEXT_LINE.match(line) for line in seen), seen
    assert live.stop(signal.SIGTERM) == 0
    assert not any("Traceback" in line for line in live.err), live.err
    printed = [line.rstrip("\n") for line in live.out]

    replay = stream(world, "--since", "1h", "--format", "jsonl")
    replayed = [json.loads(line) for line in replay.lines(len(printed))]
    assert replay.stop(signal.SIGINT) == 0  # Ctrl+C
    assert all(set(event) == JSON_KEYS for event in replayed)
    # the events of the first run come first, from the history, in the same words; the text lines also said where
    names = {p["id"]: p["name"] for p in projects(world)}

    def where(event: dict) -> str:
        naming = event["project_id"] and event["subject_id"] != event["project_id"]
        return f"{names[event['project_id']]} / " if naming else ""

    as_text = sorted(f"{event['kind']} {where(event)}{event['summary']}" for event in replayed)
    assert as_text == sorted(line.split(" ", 1)[1] for line in printed)

    # --since with --no-follow: the same history, printed at once, and the command ends by itself (no request)
    stats_before = world.control("GET", "stats")["requests"]
    done = run_piped("events", "--api-url", world.base_url, "--since", "1h", "--no-follow")
    assert done.code == 0, done.stderr
    history = done.stdout.splitlines()
    assert sorted(line.split(" ", 1)[1] for line in history[: len(printed)]) == sorted(
        line.split(" ", 1)[1] for line in printed
    )
    assert world.control("GET", "stats")["requests"] == stats_before, "the history alone: nothing was asked"


def test_an_operation_in_any_project_is_reported_to_its_end_naming_its_project(world: SimServer) -> None:
    live = stream(world, "--format", "jsonl")
    try:
        far = [p for p in projects(world) if p["status"] == "active"][-1]
        target = next(r for r in resources(world, far["id"], status="running") if not r.get("operation_id"))
        operation_id = start_operation(world, target["id"], "completed", 600)
        found = json.loads(
            live.wait_for_line(rf'"kind":"operation.progress","at":"[^"]+","subject_id":"{operation_id}"')
        )
        world.control("POST", "advance", {"seconds": 700})
        ended = json.loads(
            live.wait_for_line(rf'"kind":"operation.(completed|failed)","at":"[^"]+","subject_id":"{operation_id}"')
        )
    finally:
        assert live.stop(signal.SIGTERM) == 0
    for event in (found, ended):
        assert event["project_id"] == far["id"] and event["subject_name"] == target["name"]
        assert event["data"]["project_name"] == far["name"] and event["data"]["resource_name"] == target["name"]


def test_jsonl_flushes_each_line_and_a_closed_pipe_ends_quietly(world: SimServer) -> None:
    # exactly what a person types: the reader (`head`) goes away after one line
    pipeline = " ".join(shlex.quote(part) for part in command("events", "--api-url", world.base_url,
                                                              "--interval", "1", "--format", "jsonl"))  # fmt: skip
    script = f'{pipeline} | head -n 1; echo "cftui exit ${{PIPESTATUS[0]}}" >&2'
    with moving(world):
        done = subprocess.run(
            ["bash", "-c", script], capture_output=True, text=True, timeout=90, env=child_env(READ_KEY)
        )
    first = json.loads(done.stdout)
    assert set(first) == JSON_KEYS and first["kind"] in {kind.value for kind in EventKind}
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$", first["at"])
    assert done.stderr.strip() == "cftui exit 0"  # no traceback, no BrokenPipeError message


def test_refused_key_exits_2(world: SimServer) -> None:
    world.control("POST", "faults", {"revoked_keys": [READ_KEY]})
    try:
        done = run_piped("events", "--api-url", world.base_url)
    finally:
        world.control("DELETE", "faults")
    assert done.code == 2 and done.stdout == ""
    assert done.stderr.startswith("cftui events: API key rejected") and "request req_" in done.stderr
    assert done.stderr.count("\n") == 1


def test_since_without_history_is_refused(world: SimServer) -> None:
    done = run_piped("events", "--api-url", world.base_url, "--since", "1h", "--no-history")
    assert done.code == 2 and "--no-history" in done.stderr


def test_jsonl_lines_match_the_schema_and_amounts_have_two_decimals(world: SimServer) -> None:
    """One money format in JSON (issue 13 item 17): a project total like 6803.5 is written "6803.50", as in
    status; `-o jsonl` is `--format jsonl`."""
    import math

    from tests.headless.schema import check_event_line
    from tests.headless.simworld import projects, resources

    project = next(p for p in projects(world) if p["status"] == "active")
    first = resources(world, project["id"])[0]
    # move the total to a whole number of dollars and 50 cents (what `moving` then raises by $25 a step)
    target = math.floor(project["monthly_cost"]) + 1.5
    cost = round(first["monthly_cost"] + target - project["monthly_cost"], 2)
    world.control("POST", "mutate", {"action": "set_cost", "resource_id": first["id"], "monthly_cost": cost})
    live = stream(world, "-o", "jsonl")
    with moving(world):
        live.wait_for_line(r'"kind":"cost\.changed".*"subject_id":"' + project["id"])
    live.stop(signal.SIGTERM)
    events = [json.loads(line) for line in live.out]
    for event in events:
        check_event_line(event)
    mine = [e for e in events if e["kind"] == "cost.changed" and e["subject_id"] == project["id"]]
    assert mine and all(e["new"].endswith(".50") and e["old"].endswith(".50") for e in mine), mine


def test_no_follow_on_an_empty_history_says_so_on_stderr_and_prints_nothing(world: SimServer, tmp_path) -> None:
    # a first run printed nothing at all and exited 0, which reads like a broken command
    stats_before = world.control("GET", "stats")["requests"]
    env = {"XDG_STATE_HOME": str(tmp_path)}
    done = run_piped("events", "--api-url", world.base_url, "--since", "5m", "--no-follow", env=env)
    assert done.code == 0, done.stderr
    assert done.stdout == ""
    assert "cftui events: The history holds no event of that time" in done.stderr, done.stderr
    assert world.control("GET", "stats")["requests"] == stats_before, "the history alone: nothing was asked"
