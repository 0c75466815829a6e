"""`cftui watch` as a real child process against the simulator: each exit code, on a pipe and on a terminal."""

from __future__ import annotations

import re
import subprocess
import threading
from collections.abc import Iterator

import pytest

from tests.headless.hostile import assert_no_raw_controls
from tests.headless.runner import child_env, command, run_in_terminal, run_piped
from tests.headless.simworld import running_resource_ids, start_operation
from tests.simproc import LIVE_KEY, READ_KEY, SimServer, running_sim, wait_for

LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ op_\S+ .+$")


@pytest.fixture(scope="module")
def sim() -> Iterator[SimServer]:
    # a fast world clock so that operations end in seconds; static so nothing else moves
    with running_sim(
        "--seed", "7", "--static", "--speed", "40", "--plan", "enterprise", "--projects", "3", "--resources", "30"
    ) as server:
        yield server


@pytest.fixture(scope="module")
def free_resources(sim: SimServer) -> Iterator[str]:
    return iter(running_resource_ids(sim, 20))


@pytest.fixture
def resource_id(free_resources: Iterator[str]) -> str:
    return next(free_resources)


def watch(sim: SimServer, *args: str, key: str = READ_KEY, terminal: bool = False):
    runner = run_in_terminal if terminal else run_piped
    return runner("watch", *args, "--api-url", sim.base_url, key=key)


def test_completed_operation_on_a_pipe_exits_0_with_a_line_per_change(sim: SimServer, resource_id: str) -> None:
    op_id = start_operation(sim, resource_id, "completed", 60)
    done = watch(sim, op_id)
    assert done.code == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines and all(LINE.match(line) for line in lines), lines
    assert "\x1b" not in done.stdout
    assert lines[0].endswith(f"{op_id} update_resource on {resource_id}: in_progress") or "pending" in lines[0]
    assert any(f"{op_id} log: " in line for line in lines)
    assert any(re.search(rf"{op_id} progress \d+%", line) for line in lines)
    assert lines[-1].endswith(f"{op_id} completed")


def test_one_failed_of_two_exits_1(sim: SimServer, free_resources: Iterator[str]) -> None:
    good = start_operation(sim, next(free_resources), "completed", 30)
    bad = start_operation(sim, next(free_resources), "failed", 30)
    done = watch(sim, good, bad)
    assert done.code == 1, done.stderr
    assert any(line.endswith(f"{good} completed") for line in done.stdout.splitlines())
    assert re.search(rf"{bad} failed(: .+)?$", done.stdout, re.MULTILINE)


def test_terminal_shows_progress_bar_and_exit_codes(
    sim: SimServer, resource_id: str, free_resources: Iterator[str]
) -> None:
    op_id = start_operation(sim, resource_id, "completed", 40)
    done = watch(sim, op_id, terminal=True)
    assert done.code == 0, done.stderr
    assert "━" in done.stdout and "100%" in done.stdout and "completed" in done.stdout
    assert "log" not in done.stdout.split(op_id)[0]  # the display starts with the operation, not noise
    assert_no_raw_controls(done.stdout, allow_sgr=True)
    failed = watch(sim, start_operation(sim, next(free_resources), "failed", 40), terminal=True)
    assert failed.code == 1 and "failed" in failed.stdout


def test_unknown_operation_exits_2_with_one_sentence(sim: SimServer) -> None:
    done = watch(sim, "op_doesnotexist")
    assert done.code == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("cftui watch: ")
    assert "op_doesnotexist" in done.stderr and "request req_" in done.stderr


def test_timeout_exits_2_naming_what_still_runs(sim: SimServer, resource_id: str) -> None:
    op_id = start_operation(sim, resource_id, "completed", 86_400)
    done = watch(sim, op_id, "--timeout", "2s")
    assert done.code == 2
    assert f"Timed out after 2 s; still running: {op_id} (" in done.stderr
    assert f"{op_id} update_resource" in done.stdout  # it did follow it until then


def test_live_key_refused_and_shown_masked(sim: SimServer) -> None:
    done = watch(sim, "op_x", key=LIVE_KEY)
    assert done.code == 2 and "live key" in done.stderr
    assert LIVE_KEY not in done.stderr and "cf_live_…live" in done.stderr


def test_revoked_key_exits_2_with_request_id(sim: SimServer, resource_id: str) -> None:
    op_id = start_operation(sim, resource_id, "completed", 60)
    sim.control("POST", "faults", {"revoked_keys": [READ_KEY]})
    try:
        done = watch(sim, op_id)
    finally:
        sim.control("DELETE", "faults")
    assert done.code == 2
    assert done.stderr.startswith("cftui watch: API key rejected") and "request req_" in done.stderr
    assert READ_KEY not in done.stderr


@pytest.mark.parametrize(
    ("fault", "said"),
    [({"error_rate": 1.0}, "retrying at"), ({"rate_limit_storm_seconds": 2}, "Rate limit")],
    ids=["server-errors", "rate-limit-storm"],
)
def test_trouble_is_ridden_out_with_a_message(sim: SimServer, resource_id: str, fault: dict, said: str) -> None:
    op_id = start_operation(sim, resource_id, "completed", 60)
    sim.control("POST", "faults", fault)
    process = subprocess.Popen(
        command("watch", op_id, "--api-url", sim.base_url),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(READ_KEY),
    )
    notes: list[str] = []
    out: list[str] = []
    readers = [
        threading.Thread(target=lambda: notes.extend(process.stderr), daemon=True),  # type: ignore[arg-type]
        threading.Thread(target=lambda: out.extend(process.stdout), daemon=True),  # type: ignore[arg-type]
    ]
    try:
        for reader in readers:
            reader.start()
        wait_for(lambda: notes, timeout=30, message="a note about the outage on stderr")
    finally:
        sim.control("DELETE", "faults")
    try:
        assert process.wait(timeout=60) == 0, notes
    finally:
        process.kill()
    for reader in readers:
        reader.join(10)
    assert notes[0].startswith("cftui watch: ") and said in notes[0], notes
    assert "request" in notes[0] or "error_rate" not in fault  # a server error names its request id
    assert out[-1].rstrip("\n").endswith(f"{op_id} completed")
    assert any("answers again" in note for note in notes)
