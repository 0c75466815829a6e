"""Start `cftui sim` as a real child process on a free loopback port, for tests and benchmarks.

Every test that needs an API talks to one of these over real HTTP; nothing is mocked.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.polling import wait_for

__all__ = ["wait_for"]  # re-exported: the one poll-until helper lives in tests/polling.py

READ_KEY = "cf_read_t3st0000000000000000read"
TEST_KEY = "cf_test_t3st0000000000000000test"
LIVE_KEY = "cf_live_t3st0000000000000000live"
URL_LINE = re.compile(r"^CloudForge simulator listening on (http://127\.0\.0\.1:\d+/v2)\s*$")


@dataclass
class SimServer:
    """A running simulator: its /v2 base URL, the keys it accepts, and its control endpoint."""

    process: subprocess.Popen[str]
    base_url: str
    keys: dict[str, str]
    output: deque[str] = field(default_factory=lambda: deque(maxlen=2000))

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

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        return self.process.returncode


def _drain(stream: Any, sink: deque[str]) -> None:
    for line in stream:
        sink.append(line.rstrip("\n"))


@contextlib.contextmanager
def running_sim(
    *args: str,
    keys: dict[str, str] | None = None,
    start_timeout: float = 20.0,
    env: dict[str, str] | None = None,
) -> Iterator[SimServer]:
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
    assert process.stdout is not None
    first_line: list[str] = []
    reader = threading.Thread(target=lambda: first_line.append(process.stdout.readline()), daemon=True)
    reader.start()
    reader.join(start_timeout)
    match = URL_LINE.match(first_line[0]) if first_line else None
    if match is None:
        process.kill()
        rest = process.stdout.read() if process.poll() is not None else ""
        raise RuntimeError(f"simulator did not start: {first_line!r} {rest[-2000:]}")
    server = SimServer(process=process, base_url=match.group(1), keys=dict(keys))
    threading.Thread(target=_drain, args=(process.stdout, server.output), daemon=True).start()
    try:
        yield server
    finally:
        server.stop()


def sim_args(*, seed: int = 7, extra: Sequence[str] = ()) -> list[str]:
    return ["--seed", str(seed), *extra]
