"""`cftui --demo`: run `cftui sim` as a child process on a free loopback port, and make sure it stops.

The child gets its own process group (so a Ctrl+C typed at the dashboard reaches only the dashboard, and stopping
the group takes anything the child started with it) and, on Linux, asks the kernel to send it SIGTERM if cftui
dies without cleaning up (even on SIGKILL). The dashboard stops it in a `finally`, on quit, Ctrl+C, SIGTERM,
SIGHUP or a crash.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
from collections import deque

# The plan the demo simulator runs on: professional (1,000 requests/min) leaves the dashboard's default budget
# (half the limit) room to refresh every project and resource tree every 5 s without stretching the interval.
DEMO_PLAN = "professional"
START_TIMEOUT_S = 20.0
STOP_TIMEOUT_S = 5.0
URL_LINE = re.compile(r"^CloudForge simulator listening on (http://127\.0\.0\.1:\d+/v2)\s*$")
PR_SET_PDEATHSIG = 1
# The demo's history lives under this name, not under its URL (a random port every run: a new file every run).
# It is emptied at each demo start: a fresh simulated world, so yesterday's costs and events would be fiction.
DEMO_HISTORY_NAME = "demo"
SIM_KEYS_ENV = "CFTUI_SIM_KEYS"  # read by `cftui sim` (cftui.sim.cli.KEYS_ENV); kept here to keep imports light


class DemoStartError(RuntimeError):
    """The simulator did not start; the message says why (its last output lines)."""


def fresh_read_key() -> str:
    """A new random read-only key, known only to this cftui and its child simulator."""
    return "cf_read_" + secrets.token_hex(12)


def free_loopback_port() -> int:
    """A port free on 127.0.0.1 right now (for the demo's webhook receiver)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def clear_demo_history() -> None:
    """Empty the demo's history file (one file, reused: no pile of files from past demo runs)."""
    from cftui.monitor.history_files import named_history_path, remove_history_files

    remove_history_files(named_history_path(DEMO_HISTORY_NAME))


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass  # not Linux: the finally in the parent still stops the child


class DemoSimulator:
    """The child simulator: `start()` returns its /v2 URL; `stop()` ends its whole process group."""

    def __init__(self, *, plan: str = DEMO_PLAN, extra_args: tuple[str, ...] = ()) -> None:
        self.key = fresh_read_key()
        # A test key only for registering the demo's webhook on its own simulator: never the user's key, never
        # shown, and never given to the dashboard (which reads with `key`).
        self._writer_key = "cf_test_" + secrets.token_hex(12)
        self.plan = plan
        self.extra_args = extra_args
        self.process: subprocess.Popen[str] | None = None
        self.base_url: str | None = None
        self.output: deque[str] = deque(maxlen=200)

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def start(self, timeout: float = START_TIMEOUT_S) -> str:
        clear_demo_history()
        # the key goes in the environment, not the command line: any user on the machine can read argv with `ps`
        command = [sys.executable, "-m", "cftui", "sim", "--port", "0", "--plan", self.plan]
        command += self.extra_args
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
            env={**os.environ, "PYTHONUNBUFFERED": "1", SIM_KEYS_ENV: f"{self.key},{self._writer_key}"},
        )
        first: list[str] = []
        stream = self.process.stdout
        assert stream is not None
        reader = threading.Thread(target=lambda: first.append(stream.readline()), daemon=True)
        reader.start()
        reader.join(timeout)
        match = URL_LINE.match(first[0]) if first else None
        if match is None:
            self.stop()
            said = " / ".join(line.strip() for line in [*first, *self.output] if line.strip())[-400:]
            raise DemoStartError(
                f"The demo simulator did not start within {timeout:g} s" + (f": {said}" if said else ".")
            )
        self.base_url = match.group(1)
        threading.Thread(target=self._drain, args=(stream,), daemon=True).start()
        return self.base_url

    def register_webhook(self, receiver_url: str, secret: str, timeout: float = 5.0) -> bool:
        """Point the simulator's webhooks at the dashboard's receiver; False (and no push) if that fails."""
        import httpx

        from cftui.monitor.push_verify import EVENT_TYPES  # every event the receiver accepts

        if self.base_url is None:
            return False
        body = {"url": receiver_url, "events": sorted(EVENT_TYPES), "secret": secret}
        try:
            response = httpx.post(
                f"{self.base_url}/webhooks",
                json=body,
                headers={"Authorization": f"Bearer {self._writer_key}"},
                timeout=timeout,
                trust_env=False,
            )
        except httpx.HTTPError:
            return False
        return response.status_code == 201

    def _drain(self, stream: object) -> None:
        with contextlib.suppress(ValueError, OSError):
            for line in stream:  # type: ignore[attr-defined]
                self.output.append(line.rstrip("\n"))

    def stop(self) -> int | None:
        """Stop the child and its group: SIGTERM, then SIGKILL if it has not gone after a few seconds."""
        process = self.process
        if process is None:
            return None
        if process.poll() is None:
            self._signal_group(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self._signal_group(process.pid, signal.SIGKILL)
                process.wait(timeout=STOP_TIMEOUT_S)
        else:
            # the leader is gone; anything it left in its group goes too
            self._signal_group(process.pid, signal.SIGKILL)
        return process.returncode

    @staticmethod
    def _signal_group(pgid: int, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, signum)

    def __enter__(self) -> DemoSimulator:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
