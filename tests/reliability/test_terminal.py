"""The real-terminal driver itself: it sees the screen, counts every byte, and leaves nothing running."""

from __future__ import annotations

import os
import sys
import textwrap

import pytest

from bench.terminal import Terminal, TerminalError, running_terminal
from tests.simproc import wait_for

pytestmark = pytest.mark.tmux

ECHO_KEYS = textwrap.dedent(
    """
    import sys, termios, tty
    tty.setcbreak(sys.stdin.fileno())
    sys.stdout.write("ready\\x1b]2;title\\x07\\n"); sys.stdout.flush()
    while True:
        char = sys.stdin.read(1)
        sys.stdout.write(f"got {char!r}\\n"); sys.stdout.flush()
        if char == "q":
            break
    """
)


def test_screen_keys_and_bytes_are_seen() -> None:
    with running_terminal([sys.executable, "-c", ECHO_KEYS], width=60, height=10) as terminal:
        terminal.wait_for_text("ready")
        # The very first bytes are captured, escape sequences included, because the app waits for pipe-pane.
        assert terminal.output().startswith(b"ready\x1b]2;title\x07")
        terminal.send_keys("x")
        terminal.wait_for_text("got 'x'")
        terminal.send_keys("q")
        wait_for(lambda: not terminal.is_alive(), timeout=10, message="app exits on q")
        assert terminal.exit_status() == 0
        assert terminal.bytes_written() == len(terminal.output()) > len("ready")


def test_wait_for_text_fails_with_the_screen_after_its_deadline() -> None:
    with running_terminal(["sh", "-c", "echo something-else; sleep 30"], width=40, height=5) as terminal:
        terminal.wait_for_text("something-else")
        with pytest.raises(TerminalError, match="something-else"):
            terminal.wait_for_text("never shown", timeout=0.5)


def test_close_kills_the_whole_process_group() -> None:
    # The app starts a grandchild in its own process group's shadow: both must be gone after close().
    script = "sleep 300 & echo child=$!; wait"
    terminal = Terminal(["sh", "-c", script], width=40, height=5).start()
    try:
        screen = terminal.wait_for_text("child=")
        child_pid = int(screen.split("child=")[1].split()[0])
        assert _running(child_pid)
    finally:
        terminal.close()
    wait_for(lambda: not _running(child_pid), timeout=5, message="grandchild killed")
    assert not terminal.is_alive()


def test_cpu_seconds_counts_the_app_and_its_children() -> None:
    busy = "i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done; echo done; sleep 30"
    with running_terminal(["sh", "-c", busy], width=40, height=5) as terminal:
        terminal.wait_for_text("done", timeout=60)
        assert terminal.cpu_seconds() > 0


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie no one has reaped yet is not running
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
