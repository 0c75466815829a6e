"""`cftui watch` as a real child process against the simulator: each exit code, on a pipe and on a terminal."""

from __future__ import annotations

import json
import re
import shlex
import signal
import subprocess
from collections.abc import Iterator

import pytest

from tests.headless.runner import child_env, command, run_in_terminal, run_piped, run_together, start_piped
from tests.headless.simworld import running_resource_ids, start_operation
from tests.hostile import assert_no_raw_controls
from tests.simproc import READ_KEY, SimServer, running_sim, wait_for

SGR = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
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
    return lambda: runner("watch", *args, "--api-url", sim.base_url, key=key)


def test_outcomes_on_a_pipe_and_on_a_terminal(sim: SimServer, free_resources: Iterator[str]) -> None:
    def start(outcome: str, duration_s: float = 60) -> str:
        return start_operation(sim, next(free_resources), outcome, duration_s)

    alone = start("completed", 3600)  # it waits, in progress, until the test moves the world's clock on
    following = start_piped("watch", alone, "--api-url", sim.base_url)
    good, bad, drawn_good, drawn_bad = (start(o) for o in ("completed", "failed", "completed", "failed"))
    piped_two, drawn, drawn_failed = run_together(
        watch(sim, good, bad), watch(sim, drawn_good, terminal=True), watch(sim, drawn_bad, terminal=True)
    )
    following.wait_for_line(rf"{alone} progress \d+%")
    sim.control("POST", "advance", {"seconds": 3600})

    # a pipe: one plain line per change, exit 0 when it completed
    assert following.wait() == 0, following.err
    lines = following.stdout.splitlines()
    assert lines and all(LINE.match(line) for line in lines), lines
    assert "\x1b" not in following.stdout
    # the first line names the resource and its project, not only the id (issue 13 item 19)
    named = rf" {alone} update_resource on \S+ \(res_\w+\) in \S+(: (pending|in_progress))?$"
    assert re.search(named, lines[0]), lines[0]
    assert any(f"{alone} log: " in line for line in lines)
    assert any(re.search(rf"{alone} progress \d+%", line) for line in lines)
    assert lines[-1].endswith(f"{alone} completed")

    # one failed of two: exit 1, both followed to their end
    assert piped_two.code == 1, piped_two.stderr
    assert any(line.endswith(f"{good} completed") for line in piped_two.stdout.splitlines())
    assert re.search(rf"{bad} failed(: .+)?$", piped_two.stdout, re.MULTILINE)

    # a terminal: a progress bar, then the outcome
    assert drawn.code == 0, drawn.stderr
    assert "━" in drawn.stdout and "100%" in drawn.stdout and "completed" in drawn.stdout
    assert_no_raw_controls(drawn.stdout, allow_sgr=True)
    assert drawn_failed.code == 1 and "failed" in drawn_failed.stdout


def test_unknown_operation_and_timeout_exit_2(sim: SimServer, resource_id: str) -> None:
    long_one = start_operation(sim, resource_id, "completed", 86_400)
    unknown, invalid, timed_out = run_together(
        watch(sim, "op_doesnotexist"), watch(sim, ".."), watch(sim, long_one, "--timeout", "5s")
    )
    assert unknown.code == 2 and unknown.stdout == ""
    assert unknown.stderr.count("\n") == 1 and unknown.stderr.startswith("cftui watch: ")
    assert "op_doesnotexist" in unknown.stderr and "request id req_" in unknown.stderr
    # an id that cannot be one is refused at once, not retried forever
    assert invalid.code == 2 and invalid.stdout == ""
    assert invalid.stderr.count("\n") == 1 and "'..' is not a valid CloudForge id" in invalid.stderr
    assert "trying again" not in invalid.stderr

    assert timed_out.code == 2
    assert f"Timed out after 5 s; still running: {long_one} (" in timed_out.stderr
    assert f"{long_one} update_resource" in timed_out.stdout  # it did follow it until then


def test_revoked_key_exits_2_with_request_id(sim: SimServer, resource_id: str) -> None:
    op_id = start_operation(sim, resource_id, "completed", 60)
    sim.control("POST", "faults", {"revoked_keys": [READ_KEY]})
    try:
        done = watch(sim, op_id)()
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
    following = start_piped("watch", op_id, "--api-url", sim.base_url)
    try:
        wait_for(lambda: following.err, timeout=30, message="a note about the trouble on stderr")
    finally:
        sim.control("DELETE", "faults")
    assert following.wait() == 0, following.err
    notes, out = following.err, following.out
    assert notes[0].startswith("cftui watch: ") and said in notes[0], notes
    assert "request" in notes[0] or "error_rate" not in fault  # a server error names its request id
    assert out[-1].rstrip("\n").endswith(f"{op_id} completed")
    assert any("answers again" in note for note in notes)


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["ctrl-c", "sigterm"])
def test_interrupted_on_a_terminal_shows_the_cursor_again(
    sim: SimServer, resource_id: str, signum: int, code: int
) -> None:
    op_id = start_operation(sim, resource_id, "completed", 86_400)
    done = run_in_terminal(
        "watch", op_id, "--api-url", sim.base_url, interrupt_when=lambda out: "━" in out, interrupt_with=signum
    )
    assert done.code == code
    assert done.stdout.rstrip().endswith("\x1b[?25h")  # rich's display closed: the cursor is back
    assert "Traceback" not in done.stderr


def test_closed_pipe_stops_following(sim: SimServer, resource_id: str) -> None:
    # an hour of the world's time (90 s here): still running when cftui starts on a loaded machine (at 600 s, 15 s
    # here, it had ended before cftui's first look, so all its lines fitted the pipe before `head` closed it),
    # and its progress moves about once a second, so the write after `head` exits comes at once
    op_id = start_operation(sim, resource_id, "completed", 3600)
    pipeline = " ".join(shlex.quote(part) for part in command("watch", op_id, "--api-url", sim.base_url))
    script = f'{pipeline} | head -n 1; echo "cftui exit ${{PIPESTATUS[0]}}" >&2'
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60, env=child_env(READ_KEY))
    assert done.stdout.startswith("20") and op_id in done.stdout
    assert done.stderr.splitlines() == [
        "cftui watch: stdout was closed, so cftui stopped following (outcome not known).",
        "cftui exit 2",
    ]


def test_unknown_operation_on_a_terminal_is_one_sentence_after_a_cleared_display(sim: SimServer) -> None:
    done = run_in_terminal("watch", "op_nosuch123", "--api-url", sim.base_url)
    assert done.code == 2
    # the "waiting" bar drawn while the first answer was awaited is erased (cursor up, erase line) before the end
    after = done.stdout[done.stdout.rindex("waiting") :] if "waiting" in done.stdout else "\x1b[2K"
    assert "\x1b[2K" in after
    assert re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", after.split("\x1b[2K", 1)[1]).strip() == ""
    assert done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith("cftui watch: There is no operation op_nosuch123 (request id req_")
    assert done.stderr.count("op_nosuch123") == 1 and "does not exist" not in done.stderr


def test_jsonl_names_the_resource_and_the_first_line_comes_in_time_order(sim: SimServer) -> None:
    """Issue 13 item 19: `-o jsonl` (schema cftui.watch/1), the resource's name and project, and the first record
    not stamped after the log lines it precedes; on a pipe, text lines are in time order too."""
    from tests.headless.schema import check_watch_line
    from tests.headless.simworld import projects, resources

    project = next(p for p in projects(sim) if p["status"] == "active")
    resource = next(r for r in resources(sim, project["id"], status="running") if not r.get("operation_id"))
    operation_id = start_operation(sim, resource["id"], "failed", 60)
    as_json, as_text = run_together(watch(sim, operation_id, "-o", "jsonl"), watch(sim, operation_id))
    assert as_json.code == 1, as_json.stderr
    records = [json.loads(line) for line in as_json.stdout.splitlines()]
    for record in records:
        check_watch_line(record)
    assert records[0]["event"] == "seen" and records[-1]["event"] == "end"
    assert {r["operation_id"] for r in records} == {operation_id}
    assert all(r["resource_name"] == resource["name"] and r["project_name"] == project["name"] for r in records)
    assert all(r["project_id"] == project["id"] for r in records)
    assert any(r["event"] == "log" and r["message"] for r in records)
    assert records[0]["at"] <= min(r["at"] for r in records if r["event"] == "log")

    text = as_text.stdout.splitlines()
    assert f"on {resource['name']} ({resource['id']}) in {project['name']}" in text[0]
    stamps = [line.split(" ", 1)[0] for line in text]
    assert stamps == sorted(stamps), text


def test_progress_labels_do_not_wrap_at_80_columns(sim: SimServer) -> None:
    from tests.headless.simworld import projects

    project_id = next(p["id"] for p in projects(sim) if p["status"] == "active")
    long_name = "checkout-payments-reconciliation-worker-eu-west-1-blue-canary-7"
    created = sim.control(
        "POST", "mutate",
        {"action": "create_resource", "project_id": project_id, "type": "compute_instance", "name": long_name},
    )  # fmt: skip
    operation_id = start_operation(sim, created["resource_id"], "completed", 60)
    drawn = run_in_terminal("watch", operation_id, "--api-url", sim.base_url, columns=80)
    assert drawn.code == 0, drawn.stderr
    last_frame = SGR.sub("", drawn.stdout.rsplit("\x1b[2K", 1)[-1])
    rows = [row for row in last_frame.replace("\r", "\n").split("\n") if row.strip()]
    (bar_row,) = [row for row in rows if "100%" in row]
    # one row: the label gives up width (ending in …) and the bar, percentage and state stay on it
    assert bar_row.startswith(f"{operation_id} update_resource ") and "…" in bar_row and "completed" in bar_row
    assert len(bar_row.rstrip()) <= 80
    assert not any(long_name[-12:] in row for row in rows), rows
