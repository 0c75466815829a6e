"""Run the real `python -m cftui ...` as a child process, with stdout a pipe or a terminal (a pty)."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from tests.simproc import READ_KEY, wait_for

ENV_DROP = ("NO_COLOR", "FORCE_COLOR", "COLUMNS", "LINES", "CLOUDFORGE_API_URL", "CFTUI_PROFILE")


@dataclass(frozen=True)
class Finished:
    code: int
    stdout: str
    stderr: str


def child_env(key: str | None, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ENV_DROP and k != "CLOUDFORGE_API_KEY"}
    env["PYTHONUNBUFFERED"] = "1"
    if key is not None:
        env["CLOUDFORGE_API_KEY"] = key
    return {**env, **(extra or {})}


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "cftui", *args]


def run_piped(*args: str, key: str | None = READ_KEY, timeout: float = 60, env: dict[str, str] | None = None):
    """stdout and stderr are pipes, as in CI or `| grep`."""
    done = subprocess.run(command(*args), capture_output=True, text=True, timeout=timeout, env=child_env(key, env))
    return Finished(done.returncode, done.stdout, done.stderr)


def run_in_terminal(
    *args: str,
    key: str | None = READ_KEY,
    timeout: float = 60,
    columns: int = 160,
    rows: int = 50,
    env: dict[str, str] | None = None,
    interrupt_when: Callable[[str], bool] | None = None,
    interrupt_with: int = signal.SIGINT,
) -> Finished:
    """stdout is a pseudo-terminal of the given size (stderr a file), as when a person runs the command.

    `interrupt_when(output so far)` true: send `interrupt_with` (SIGINT, as Ctrl+C would) and collect the rest.
    """
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    terminal_env = {"TERM": "xterm-256color", **(env or {})}
    with tempfile.TemporaryFile() as stderr_file:
        process = subprocess.Popen(
            command(*args), stdin=slave, stdout=slave, stderr=stderr_file, env=child_env(key, terminal_env)
        )
        os.close(slave)
        chunks: list[bytes] = []
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                ready, _, _ = select.select([master], [], [], 0.2)
                if not ready:
                    if process.poll() is not None:
                        break
                    continue
                try:
                    data = os.read(master, 65536)
                except OSError:  # EIO: the child closed the terminal
                    break
                if not data:
                    break
                chunks.append(data)
                if interrupt_when is not None and interrupt_when(b"".join(chunks).decode("utf-8", "replace")):
                    process.send_signal(interrupt_with)
                    interrupt_when = None
            else:
                process.kill()
                raise AssertionError(f"{args} did not end within {timeout}s; output: {b''.join(chunks)[-2000:]!r}")
            code = process.wait(timeout=10)
        finally:
            os.close(master)
            if process.poll() is None:
                process.kill()
        stderr_file.seek(0)
        stderr = stderr_file.read().decode("utf-8", "replace")
    return Finished(code, b"".join(chunks).decode("utf-8", "replace"), stderr)


def run_together(*calls: Callable[[], Finished]) -> list[Finished]:
    """Run several child commands at once (each mostly waits on imports and the network), in order of `calls`."""
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return [future.result() for future in [pool.submit(call) for call in calls]]


@dataclass
class Streaming:
    """A command still running, its stdout and stderr gathered line by line as they come (pipes)."""

    process: subprocess.Popen[str]
    out: list[str] = field(default_factory=list)
    err: list[str] = field(default_factory=list)
    readers: list[threading.Thread] = field(default_factory=list)

    def lines(self, count: int, timeout: float = 40) -> list[str]:
        wait_for(lambda: len(self.out) >= count, timeout=timeout, message=f"{count} lines; stderr {self.err}")
        return [line.rstrip("\n") for line in self.out[:count]]

    def wait_for_line(self, pattern: str, timeout: float = 40) -> str:
        found = re.compile(pattern)
        return wait_for(
            lambda: next((line for line in list(self.out) if found.search(line)), None),
            timeout=timeout,
            message=f"a line matching {pattern!r}; got {self.out} / {self.err}",
        )

    def wait(self, timeout: float = 60) -> int:
        """The exit code, once the command has ended and everything it printed has been gathered."""
        try:
            code = self.process.wait(timeout=timeout)
        finally:
            self.process.kill()
        for reader in self.readers:
            reader.join(10)
        return code

    def stop(self, signum: int = signal.SIGTERM) -> int:
        self.process.send_signal(signum)
        return self.wait(20)

    @property
    def stdout(self) -> str:
        return "".join(self.out)


def start_piped(*args: str, key: str | None = READ_KEY) -> Streaming:
    """Start a command with stdout and stderr pipes read in the background."""
    process = subprocess.Popen(
        command(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=child_env(key)
    )
    running = Streaming(process)
    for source, sink in ((process.stdout, running.out), (process.stderr, running.err)):
        reader = threading.Thread(target=lambda s=source, k=sink: k.extend(s), daemon=True)
        reader.start()
        running.readers.append(reader)
    return running
