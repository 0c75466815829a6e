"""A `--nasty` world through every headless command: hostile text is shown as text, never obeyed.

On a pipe no ESC byte or raw control character may appear at all; on a terminal only rich's own colour and
cursor sequences may.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest

from cftui.api.sanitize import one_line, sanitize_text
from tests.headless.runner import run_in_terminal, run_piped, run_together
from tests.headless.simworld import moving, projects, resources, start_on_any
from tests.hostile import assert_no_raw_controls
from tests.simproc import SimServer, running_sim

MARKUP_LIKE = ("[/]", "[bold", "[@click", "list[int]", "[i]", "[red]")


@pytest.fixture(scope="module")
def nasty() -> Iterator[SimServer]:
    with running_sim("--seed", "7", "--nasty", "--speed", "30", "--plan", "enterprise") as server:
        yield server


@pytest.fixture(scope="module")
def hostile_project(nasty: SimServer) -> dict:
    return next(p for p in projects(nasty) if "\x1b" in p["name"])


def test_status_shows_hostile_names_escaped_in_every_format(nasty: SimServer, hostile_project: dict) -> None:
    base = ("status", "--api-url", nasty.base_url, "--project", hostile_project["id"])
    plain, document, drawn = run_together(
        lambda: run_piped(*base),
        lambda: run_piped(*base, "--format", "json"),
        lambda: run_in_terminal(*base, columns=250),
    )
    for done in (plain, document, drawn):
        assert done.code in (0, 1), done.stderr
    assert "\x1b" not in plain.stdout and "\x1b" not in document.stdout
    assert_no_raw_controls(plain.stdout)
    assert_no_raw_controls(document.stdout)
    assert_no_raw_controls(drawn.stdout, allow_sgr=True)

    escaped_name = one_line(hostile_project["name"])
    assert "\\x1b" in escaped_name
    assert escaped_name[:30] in plain.stdout  # the name is there (cut to the column), its ESC made visible
    (project,) = json.loads(document.stdout)["projects"]
    assert project["name"] == sanitize_text(hostile_project["name"])
    assert "\\x1b" in re.sub(r"\x1b\[[0-9;]*m", "", drawn.stdout)
    assert any(markup in drawn.stdout for markup in MARKUP_LIKE)  # brackets drawn as text, not parsed
    assert "┃" in drawn.stdout


def test_watch_logs_from_a_hostile_resource(nasty: SimServer, hostile_project: dict) -> None:
    running = [r for r in resources(nasty, hostile_project["id"], status="running") if not r.get("operation_id")]
    hostile = [r for r in running if any(ord(c) < 32 for c in f"{r.get('region')}{r.get('provider')}{r['type']}")]
    candidates = hostile + [r for r in running if r not in hostile]
    piped_op = start_on_any(nasty, candidates, "failed", 20)
    drawn_op = start_on_any(nasty, candidates, "completed", 20)
    piped, drawn = run_together(
        lambda: run_piped("watch", piped_op, "--api-url", nasty.base_url),
        lambda: run_in_terminal("watch", drawn_op, "--api-url", nasty.base_url),
    )
    assert piped.code == 1 and f"{piped_op} failed" in piped.stdout
    assert drawn.code == 0 and "completed" in drawn.stdout
    assert "\x1b" not in piped.stdout
    assert_no_raw_controls(piped.stdout)
    assert_no_raw_controls(drawn.stdout, allow_sgr=True)


def test_events_on_a_terminal_until_ctrl_c(nasty: SimServer) -> None:
    with moving(nasty):  # hostile happenings come on their own; this makes sure events come at all
        done = run_in_terminal(
            "events", "--api-url", nasty.base_url, "--interval", "1",
            interrupt_when=lambda output: output.count("\n") >= 5, timeout=90,
        )  # fmt: skip
    assert done.code == 0, done.stderr
    lines = [line for line in done.stdout.replace("\r", "").splitlines() if line]
    assert len(lines) >= 5
    assert all(re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ [a-z_]+\.[a-z_]+ ", line) for line in lines), lines
    assert_no_raw_controls(done.stdout, allow_sgr=True)
    assert "Traceback" not in done.stderr
