"""Start `cftui sim` as a real child process on a free loopback port, for the benchmarks and for the tests
that need a process of its own (signals, its output, its environment).

Benchmarks use a child process so the simulator does not share the measured process's interpreter; most tests
run the same server in a thread instead (tests/simproc.py).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import subprocess
import sys
import threading
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx

READ_KEY = "cf_read_t3st0000000000000000read"
TEST_KEY = "cf_test_t3st0000000000000000test"
LIVE_KEY = "cf_live_t3st0000000000000000live"
URL_LINE = re.compile(r"^CloudForge simulator listening on (http://127\.0\.0\.1:\d+/v2)\s*$")


@dataclass
class SimServer(ABC):
    """A running simulator: its /v2 base URL, the keys it accepts, and its control endpoint."""

    base_url: str
    keys: dict[str, str]

    @property
    def root_url(self) -> str:
        return self.base_url.removesuffix("/v2")

    @property
    def read_key(self) -> str:
        return self.keys["read"]

    def control(self, method: str, path: str, json: Any = None) -> Any:
        """Call the loopback-only control endpoint (`/_sim/...`), returning its JSON body."""
        response = httpx.request(method, f"{self.root_url}/_sim/{path.lstrip('/')}", json=json, timeout=10)
        response.raise_for_status()
        return response.json() if response.content else None

    def get(self, path: str, key: str | None = None, **params: Any) -> httpx.Response:
        """A plain GET against the API with the read key (or the one given)."""
        headers = {"Authorization": f"Bearer {key or self.read_key}"}
        return httpx.get(f"{self.base_url}/{path.lstrip('/')}", headers=headers, params=params, timeout=10)

    @abstractmethod
    def stop(self) -> int | None:
        """Stop serving (connections are closed, the port is free again); idempotent."""


@dataclass
class SimProcess(SimServer):
    """A simulator in a child process of its own, with everything it printed."""

    process: subprocess.Popen[str] = field(kw_only=True)
    output: deque[str] = field(default_factory=lambda: deque(maxlen=2000))

    def stop(self) -> int:
        return end_process(self.process)


def end_process(process: subprocess.Popen[str]) -> int:
    """Ask a child to stop (SIGTERM), kill it after 10 s, and reap it: its exit code."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    return process.returncode


def world_arguments(parser: argparse.ArgumentParser, *, duration: float, speed: float, tail: float) -> None:
    """The options of the benchmarks that watch the Starter world (`starter_world`) for a while."""
    parser.add_argument(
        "--duration", type=float, default=duration, help=f"measurement window in seconds (default {duration:g})"
    )
    parser.add_argument(
        "--speed", type=float, default=speed, help=f"simulator world speed, 1 being real time (default {speed:g})"
    )
    parser.add_argument("--tail", type=float, default=tail, help="seconds to keep watching after the window")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--verbose", action="store_true", help="list the changes no event reported")


def starter_world(seed: int) -> list[str]:
    """The monitor and coverage benchmarks' world: 20 projects of 50 resources on a Starter plan."""
    return ["--seed", str(seed), "--projects", "20", "--resources", "50", "--plan", "starter"]


def _drain(stream: Any, sink: deque[str]) -> None:
    for line in stream:
        sink.append(line.rstrip("\n"))


@contextlib.contextmanager
def start_sim_process(
    *args: str,
    keys: dict[str, str] | None = None,
    start_timeout: float = 20.0,
    env: dict[str, str] | None = None,
) -> Iterator[SimProcess]:
    """Run `python -m cftui sim --port 0 ARGS...`, yield it once its URL line is printed, stop it after."""
    keys = keys if keys is not None else {"read": READ_KEY, "test": TEST_KEY, "live": LIVE_KEY}
    command: list[str] = [sys.executable, "-m", "cftui", "sim", "--port", "0", *args]
    for key in keys.values():
        command += ["--key", key]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
    )
    stdout = process.stdout
    assert stdout is not None
    first_line: list[str] = []
    reader = threading.Thread(target=lambda: first_line.append(stdout.readline()), daemon=True)
    reader.start()
    reader.join(start_timeout)
    match = URL_LINE.match(first_line[0]) if first_line else None
    if match is None:
        process.kill()
        rest = stdout.read() if process.poll() is not None else ""
        raise RuntimeError(f"simulator did not start: {first_line!r} {rest[-2000:]}")
    server = SimProcess(base_url=match.group(1), keys=dict(keys), process=process)
    threading.Thread(target=_drain, args=(stdout, server.output), daemon=True).start()
    try:
        yield server
    finally:
        server.stop()
