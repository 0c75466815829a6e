"""The headless commands on the --nasty world: nothing hostile in what they print, to a pipe or a terminal.

`cftui status` (plain and JSON to a pipe, the rich table in a real tmux terminal), `cftui events` (text and
JSONL while hostile resources change) and `cftui watch` (an operation on a hostile resource, with hostile log
lines) each run as a real process against the simulator.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pytest

from bench.terminal import _ANSI, running_terminal
from tests.hostile import UNSAFE_CHARS, leaked_sequences
from tests.simproc import SimServer, running_sim, wait_for

MARKUP_NAME = "[bold red]x[/]"


@pytest.fixture(scope="module")
def nasty() -> Iterator[SimServer]:
    with running_sim("--seed", "7", "--static", "--nasty", "--plan", "enterprise", "--speed", "20") as sim:
        yield sim


def _env(sim: SimServer, home: Path) -> dict[str, str]:
    env = {**os.environ, "CLOUDFORGE_API_KEY": sim.read_key, "PYTHONUNBUFFERED": "1"}
    for name in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        env[name] = str(home / name.lower())
    return env


def _cftui(sim: SimServer, home: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[bytes]:
    command = [sys.executable, "-m", "cftui", *args, "--api-url", sim.base_url]
    return subprocess.run(command, capture_output=True, env=_env(sim, home), timeout=timeout, check=False)


def _assert_clean_text(stdout: bytes) -> str:
    """Piped output: UTF-8 with no escape byte, no C1 control, no bidi override; only tab and newline."""
    assert b"\x1b" not in stdout
    assert leaked_sequences(stdout) == []
    text = stdout.decode("utf-8")
    assert not UNSAFE_CHARS.search(text), UNSAFE_CHARS.search(text)
    return text


def _hostile_resource(sim: SimServer, marker: str = MARKUP_NAME) -> dict[str, Any]:
    for project in sim.get("projects", per_page=100).json()["data"]:
        for page in range(1, 10):
            batch = sim.get(f"projects/{project['id']}/resources", per_page=100, page=page).json()["data"]
            found = [r for r in batch if marker in r["name"]]
            if found:
                return {**found[0], "project_id": project["id"], "project_name": project["name"]}
            if len(batch) < 100:
                break
    raise AssertionError(f"no resource named with {marker!r}")


def test_status_plain_and_json_to_a_pipe(nasty: SimServer, tmp_path: Path) -> None:
    resource = _hostile_resource(nasty)
    plain = _cftui(nasty, tmp_path, "status", "--project", resource["project_id"])
    assert plain.returncode in (0, 1), plain.stderr
    text = _assert_clean_text(plain.stdout)
    assert MARKUP_NAME in text  # shown literally
    assert "\\x1b" in text or "\\x9" in text or "\\u20" in text  # hostile characters shown as visible escapes

    as_json = _cftui(nasty, tmp_path, "status", "--format", "json", "--project", resource["project_id"])
    assert as_json.returncode in (0, 1), as_json.stderr
    _assert_clean_text(as_json.stdout)
    report = json.loads(as_json.stdout)
    names = [r["name"] for p in report["projects"] for r in p.get("resources", [])]
    assert any(MARKUP_NAME in name for name in names)


@pytest.mark.tmux
def test_status_table_in_a_real_terminal(nasty: SimServer, tmp_path: Path) -> None:
    resource = _hostile_resource(nasty)
    command = [sys.executable, "-m", "cftui", "status", "--project", resource["project_id"]]
    command += ["--api-url", nasty.base_url]
    shell = ["sh", "-c", '"$@"; echo "exit=$?"; sleep 30', "sh", *command]
    with running_terminal(shell, width=160, height=60, env=_env(nasty, tmp_path)) as terminal:
        screen = terminal.wait_for_text("exit=", timeout=60)
        output = terminal.output()
        title = terminal._tmux("display-message", "-p", "-t", terminal.session, "#{pane_title}")
    assert "exit=0" in screen or "exit=1" in screen, screen
    assert MARKUP_NAME in _ANSI.sub("", output.decode("utf-8", "replace"))  # the table may scroll past the screen
    assert leaked_sequences(output) == []
    assert b"\x1b[2J" not in output and b"\x1b[?1049h" not in output
    assert "pwned" not in title


class _Collected:
    """Everything a child process writes to a pipe, read as it comes by a thread."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.data = b""
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream: IO[bytes]) -> None:
        for chunk in iter(lambda: stream.read1(4096), b""):
            self.data += chunk

    def finish(self, timeout: float) -> bytes:
        self._thread.join(timeout)
        return self.data


def test_events_text_and_jsonl_while_hostile_resources_change(nasty: SimServer, tmp_path: Path) -> None:
    resource = _hostile_resource(nasty)
    processes: dict[str, subprocess.Popen[bytes]] = {}
    collected: dict[str, _Collected] = {}
    for output_format in ("text", "jsonl"):  # both at once, on the same changes
        command = [sys.executable, "-m", "cftui", "events", "--format", output_format]
        command += ["--api-url", nasty.base_url, "--interval", "1"]
        env = _env(nasty, tmp_path / output_format)
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        processes[output_format] = process
        assert process.stdout is not None
        collected[output_format] = _Collected(process.stdout)

    def both_saw_it() -> bool:
        return MARKUP_NAME.encode() in collected["text"].data and resource["id"].encode() in collected["jsonl"].data

    outputs: dict[str, bytes] = {}
    try:
        # The first look is each stream's baseline: only a change after it is an event. Neither stream says when
        # its first look is done, so the status flips until both have printed a change: any flip after the first
        # look is printed, at the next poll (1 s apart), so each flip is given 2 s before the next.
        statuses = itertools.cycle(("error", "stopped"))
        deadline = time.monotonic() + 60
        while not both_saw_it():
            assert time.monotonic() < deadline, {name: c.data[-2000:] for name, c in collected.items()}
            change = {"action": "set_status", "resource_id": resource["id"], "status": next(statuses)}
            nasty.control("POST", "mutate", change)
            with contextlib.suppress(AssertionError):
                wait_for(both_saw_it, timeout=2, message="both streams print the change")
    finally:
        for output_format, process in processes.items():
            process.terminate()
            process.wait(timeout=20)
            stderr = process.stderr.read() if process.stderr else b""
            assert process.returncode == 0, stderr
            outputs[output_format] = collected[output_format].finish(timeout=20)
    text = _assert_clean_text(outputs["text"])
    assert MARKUP_NAME in text, text
    lines = [json.loads(line) for line in _assert_clean_text(outputs["jsonl"]).splitlines()]
    assert any(event["subject_id"] == resource["id"] and MARKUP_NAME in event["subject_name"] for event in lines)


def test_watch_an_operation_with_hostile_logs(nasty: SimServer, tmp_path: Path) -> None:
    resource = _hostile_resource(nasty)
    start = {
        "action": "start_operation",
        "resource_id": resource["id"],
        "type": "update_resource",
        "outcome": "failed",
        "duration_s": 20,
    }
    change = nasty.control("POST", "mutate", start)["change"]
    operation_id = change.get("operation_id") or change.get("new") or change.get("id")
    watched = _cftui(nasty, tmp_path, "watch", str(operation_id), "--timeout", "60s", timeout=90)
    assert watched.returncode == 1, watched.stderr  # the operation failed, as planned
    text = _assert_clean_text(watched.stdout)
    assert str(operation_id) in text
    assert b"\x1b" not in watched.stderr
