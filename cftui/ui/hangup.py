"""Ending the process whatever happens to its terminal: a hard-exit timer after a signal, and a watch for a
terminal that went away without sending SIGHUP.

A dashboard whose pty was closed under it (the terminal's owner died without a hangup reaching cftui) kept running
with no terminal, and then ignored SIGTERM for good: the normal exit waited on writes to a terminal that no longer
exists. Here, a signal that ends the session arms a timer that ends the process `HARD_EXIT_AFTER_S` later if the
normal exit has not, and a second signal ends it at once.
"""

from __future__ import annotations

import os
import select
import stat
import sys
import threading
from collections.abc import Callable

HARD_EXIT_AFTER_S = 3.0
WATCH_EVERY_S = 0.5
_armed = threading.Event()
_lock = threading.Lock()


def arm_hard_exit(code: int, after_s: float = HARD_EXIT_AFTER_S) -> None:
    """End the process with `code` in `after_s` seconds unless it ends first; a second call ends it now."""
    with _lock:
        if _armed.is_set():
            os._exit(code)
        _armed.set()
    timer = threading.Timer(after_s, os._exit, args=(code,))
    timer.daemon = True
    timer.start()


def terminal_lost(fd: int) -> bool:
    """Whether the terminal on `fd` has hung up (poll reports POLLHUP/POLLERR/POLLNVAL without reading)."""
    poller = select.poll()
    poller.register(fd, select.POLLHUP | select.POLLERR | select.POLLNVAL)
    try:
        events = poller.poll(0)
    except OSError:
        return True
    return any(mask & (select.POLLHUP | select.POLLERR | select.POLLNVAL) for _, mask in events)


class TerminalWatch:
    """A daemon thread that calls `on_lost()` once when the terminal (stdin or stdout) hangs up."""

    def __init__(self, on_lost: Callable[[], None], every_s: float = WATCH_EVERY_S) -> None:
        self._on_lost = on_lost
        self._every_s = every_s
        self._stop = threading.Event()
        self._fds = [fd for fd in (_fileno(sys.stdin), _fileno(sys.stdout)) if fd is not None and _terminal_like(fd)]
        self._thread = threading.Thread(target=self._run, name="cftui-terminal-watch", daemon=True)

    def start(self) -> None:
        if self._fds:
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(self._every_s):
            if any(terminal_lost(fd) for fd in self._fds):
                self._on_lost()
                return


def _fileno(stream: object) -> int | None:
    try:
        return int(stream.fileno())  # type: ignore[attr-defined]
    except (AttributeError, ValueError, OSError):
        return None


def _terminal_like(fd: int) -> bool:
    """A terminal, or what is left of one: a terminal already hung up is no longer `isatty` (its tcgetattr fails
    with EIO) but is still a character device that polls as hung up."""
    if os.isatty(fd):
        return True
    try:
        return stat.S_ISCHR(os.fstat(fd).st_mode) and terminal_lost(fd)
    except OSError:
        return False
