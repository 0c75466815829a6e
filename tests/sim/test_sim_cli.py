"""`cftui sim` as a user starts it: the first line, demo keys, bad flags, clean stops, scale."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

import httpx
import pytest

from bench.simproc import URL_LINE
from tests.sim.helpers import all_pages, call
from tests.simproc import SimServer, running_sim, wait_for

DEMO_KEY_LINE = re.compile(r"^(read-only|test|live) key: (cf_(read|test|live)_[A-Za-z0-9]{24})$")


@contextmanager
def bare_sim(*args: str) -> Iterator[tuple[subprocess.Popen[str], list[str]]]:
    """`python -m cftui sim ARGS` with no keys given; yields the process and its output lines so far."""
    process = subprocess.Popen(
        [sys.executable, "-m", "cftui", "sim", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    lines: list[str] = []

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line.rstrip("\n"))

    threading.Thread(target=read, daemon=True).start()
    try:
        yield process, lines
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(10)


def test_first_line_demo_keys_and_control_line(tmp_path: Any) -> None:
    with bare_sim("--port", "0", "--static") as (process, lines):
        wait_for(lambda: len(lines) >= 5, timeout=20, message=f"start-up lines: {lines}")
        match = URL_LINE.match(lines[0])
        assert match, lines[0]
        base_url = match.group(1)
        keys = {}
        for line in lines[1:4]:
            key_match = DEMO_KEY_LINE.match(line)
            assert key_match, line
            keys[key_match.group(1)] = key_match.group(2)
        assert set(keys) == {"read-only", "test", "live"}
        assert keys["read-only"].startswith("cf_read_") and keys["live"].startswith("cf_live_")
        assert "/_sim/state" in lines[4] and base_url.removesuffix("/v2") in lines[4]
        # What a new user does next: curl with the printed read key.
        response = httpx.get(f"{base_url}/projects", headers={"Authorization": f"Bearer {keys['read-only']}"})
        assert response.status_code == 200 and response.json()["meta"]["total"] == 8
        assert response.headers["x-cloudforge-version"] == "2.15.3"
        created = httpx.post(
            f"{base_url}/projects", headers={"Authorization": f"Bearer {keys['test']}"}, json={"name": "n"}
        )
        assert created.status_code == 201
        process.send_signal(signal.SIGINT)
        assert process.wait(10) == 0
    assert not any("Traceback" in line for line in lines), lines


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_clean_exit_on_signal_while_a_request_hangs(signum: int) -> None:
    with running_sim("--static", "--hang-rate", "1", process=True) as server:
        hung = threading.Thread(
            target=lambda: _swallow(lambda: call(server, "GET", "projects", timeout=30)), daemon=True
        )
        hung.start()
        wait_for(lambda: server.control("GET", "stats")["in_flight"] >= 1, timeout=10, message="request in flight")
        server.process.send_signal(signum)
        assert server.process.wait(15) == 0
        output = "\n".join(server.output)
        assert "Traceback" not in output and "ERROR" not in output, output


def _swallow(action: Any) -> None:
    with suppress(httpx.HTTPError):
        action()


@pytest.mark.parametrize(
    ("args", "mentions"),
    [
        (["--key", "not-a-key"], "--key"),
        (["--speed", "0"], "--speed"),
        (["--speed", "inf"], "--speed"),
        (["--speed", "nan"], "--speed"),
        (["--hang-seconds", "nan"], "hang_seconds"),
        (["--rate-limit-storm-seconds", "inf"], "rate_limit_storm_seconds"),
        (["--projects", "100000000"], "--projects"),
        (["--error-rate", "3"], "error_rate"),
        (["--error-status", "418"], "error_status"),
    ],
)
def test_bad_flags_exit_2_with_a_message(args: list[str], mentions: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cftui", "sim", "--port", "0", *args], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 2
    assert mentions in result.stderr and "Traceback" not in result.stderr
    assert "not-a-key" not in result.stderr  # even a malformed key is not echoed whole


def test_port_in_use_is_a_clear_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "cftui", "sim", "--port", str(port)], capture_output=True, text=True, timeout=30
        )
    assert result.returncode == 2
    assert "cannot listen" in result.stderr and "Traceback" not in result.stderr


def _non_loopback_address() -> str | None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outgoing interface
            address = probe.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


def test_control_endpoint_answers_loopback_clients_only() -> None:
    address = _non_loopback_address()
    assert address, "this test needs a non-loopback interface on the machine"
    key = "cf_read_t3st0000000000000000read"
    with bare_sim("--host", address, "--port", "0", "--static", "--key", key) as (_, lines):
        wait_for(lambda: len(lines) >= 3, timeout=20)
        port = int(lines[0].rsplit(":", 1)[1].split("/")[0])
        from_outside = httpx.get(f"http://{address}:{port}/_sim/state")
        assert from_outside.status_code == 403
        assert from_outside.json()["error"]["code"] == "forbidden"
        api = httpx.get(f"http://{address}:{port}/v2/projects", headers={"Authorization": f"Bearer {key}"})
        assert api.status_code == 200


def test_scale_thousand_projects_of_a_hundred(sim_factory: Any) -> None:
    server: SimServer = sim_factory("--static", "--projects", "1000", "--resources", "100")
    state = server.control("GET", "state")
    assert state["projects"] == 1000 and state["resources"] == 100_000
    body = call(server, "GET", "projects", params={"page": 7, "per_page": 100}).json()
    assert body["meta"] == {"page": 7, "per_page": 100, "total": 1000}
    assert len(body["data"]) == 100
    project = body["data"][42]
    items = all_pages(server, f"projects/{project['id']}/resources")
    assert len(items) == project["resource_count"] == 100
    assert project["monthly_cost"] == pytest.approx(sum(item["monthly_cost"] for item in items), abs=0.005)
    assert call(server, "GET", "projects", params={"page": 10, "per_page": 100}).json()["data"][-1]["id"]
