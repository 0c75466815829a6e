"""Drive a command in a real terminal: a detached tmux session, with every byte the app writes captured.

Each `Terminal` runs its own tmux server (a private socket in a temporary directory), so sessions of parallel
test runs never meet, and stopping one kills only what it started. The command waits for a go-file before it
`exec`s, so `pipe-pane` is already capturing when the app writes its first byte.

Used by the reliability tests and by the benchmarks (`bench/compare.py`), which count terminal bytes with it.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

# The shell waits for the go-file, runs the command in the foreground (same process group), and records its exit
# status: tmux itself sometimes marks a pane dead before it has learnt how its process ended.
_LAUNCHER = 'go="$0"; status="$1"; shift; while [ ! -e "$go" ]; do sleep 0.01; done; "$@"; echo $? > "$status"'


_ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[0-9<=>@-Z\\-_])")


class TerminalError(AssertionError):
    """A wait ran out of time, or tmux refused; the message carries the last screen."""


class Terminal:
    """One command running in a `width` x `height` tmux pane.

    `screen_text()` is what a person would see; `bytes_written()` is what went down the wire to the terminal.
    """

    def __init__(
        self,
        command: Sequence[str],
        *,
        width: int = 100,
        height: int = 30,
        env: Mapping[str, str] | None = None,
        cwd: str | os.PathLike[str] | None = None,
    ) -> None:
        self.command = list(command)
        self.width = width
        self.height = height
        self.cwd = str(cwd) if cwd is not None else os.getcwd()
        self._env = {**os.environ, **(env or {})}
        self._env.pop("TMUX", None)  # never attach to the tmux a developer may be running tests from
        for name in ("COLUMNS", "LINES"):  # the pane's size, not an inherited one (xdist workers set 80x24)
            self._env.pop(name, None)
        self._dir = Path(tempfile.mkdtemp(prefix="cftui-term-"))
        self.socket = self._dir / "tmux.sock"
        self.capture_path = self._dir / "pane.out"
        self._go_file = self._dir / "go"
        self._status_file = self._dir / "status"
        self.shell_pid: int | None = None
        self._pgid: int | None = None
        self.session = f"cftui-{uuid.uuid4().hex[:10]}"
        self.pid: int | None = None
        self._started = False

    # -- life cycle ------------------------------------------------------------------------------------------

    def start(self) -> Terminal:
        self.capture_path.touch()
        launcher = ["sh", "-c", _LAUNCHER, str(self._go_file), str(self._status_file), *self.command]
        self._tmux(
            "new-session", "-d", "-s", self.session, "-x", str(self.width), "-y", str(self.height),
            "-c", self.cwd, shlex.join(launcher),
        )  # fmt: skip
        self._started = True
        # Keep a dead pane on screen so a crash's traceback can be read and `is_alive()` answers truthfully.
        self._tmux("set-option", "-w", "-t", self.session, "remain-on-exit", "on")
        self._tmux("pipe-pane", "-o", "-t", self.session, f"cat >> {shlex.quote(str(self.capture_path))}")
        self.shell_pid = int(self._tmux("display-message", "-p", "-t", self.session, "#{pane_pid}").strip())
        self._pgid = os.getpgid(self.shell_pid)
        self._go_file.touch()
        self.pid = self._find_app_pid(self.shell_pid)
        return self

    def _find_app_pid(self, shell_pid: int, timeout: float = 5.0) -> int:
        """The command's own pid: the launcher shell's child running the command (not the shell's `sleep`).

        Falls back to the shell's pid if the command ended before it could be seen.
        """
        wanted = os.path.basename(self.command[0])
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for stat in Path("/proc").glob("[0-9]*/stat"):
                try:
                    fields = stat.read_text().rsplit(")", 1)[1].split()
                    if int(fields[1]) != shell_pid:  # fields[1] is the parent pid
                        continue
                    argv0 = (stat.parent / "cmdline").read_bytes().split(b"\0", 1)[0].decode()
                except (OSError, ValueError):
                    continue
                if os.path.basename(argv0) == wanted:
                    return int(stat.parent.name)
            if self._status_file.exists():
                break
            time.sleep(0.01)
        return shell_pid

    def __enter__(self) -> Terminal:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self, grace: float = 5.0) -> None:
        """Stop the app (SIGTERM to its process group, then SIGKILL), then the private tmux server."""
        if self._pgid is not None:
            if self.is_alive():
                self._signal_group(signal.SIGTERM)
                deadline = time.monotonic() + grace
                while self.is_alive() and time.monotonic() < deadline:
                    time.sleep(0.05)
            if self._group_members():
                self._signal_group(signal.SIGKILL)  # whatever is left of the group (a child the app forgot)
        if self._started:
            with contextlib.suppress(TerminalError):
                self._tmux("kill-server")
            self._started = False
        shutil.rmtree(self._dir, ignore_errors=True)

    def _group_members(self) -> list[int]:
        """Live processes still in the app's process group (read from /proc, so a recycled id is not hit)."""
        members = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == self._pgid and fields[0] != "Z":  # fields[2] is the process group
                members.append(int(stat.parent.name))
        return members

    def _signal_group(self, sig: signal.Signals) -> None:
        assert self._pgid is not None
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self._pgid, sig)

    # -- what the app shows and writes -----------------------------------------------------------------------

    def screen_text(self) -> str:
        """The visible screen as plain text, one line per row."""
        return self._tmux("capture-pane", "-p", "-t", self.session)

    def paste_buffer(self) -> str:
        """tmux's most recent paste buffer (what `prefix ]` would paste), or "" when there is none."""
        try:
            return self._tmux("show-buffer")
        except TerminalError:
            return ""

    def bytes_written(self) -> int:
        """Every byte the app has written to its terminal so far."""
        return self.capture_path.stat().st_size

    def output(self) -> bytes:
        """The raw bytes the app has written (escape sequences included)."""
        return self.capture_path.read_bytes()

    def output_tail(self, limit: int = 3000) -> str:
        """The end of the output as readable text (escape sequences removed): a crash's traceback."""
        text = self.output()[-limit * 4 :].decode("utf-8", "replace")
        return _ANSI.sub("", text)[-limit:]

    def is_alive(self) -> bool:
        if not self._started:
            return False
        try:
            dead = self._tmux("display-message", "-p", "-t", self.session, "#{pane_dead}").strip()
        except TerminalError:
            return False
        return dead == "0"

    def exit_status(self) -> int | None:
        """The command's exit status once it has ended (128+N if killed by signal N), else None."""
        try:
            return int(self._status_file.read_text().strip())
        except (OSError, ValueError):
            return None

    def cpu_seconds(self) -> float:
        """User+system CPU of the app and of the children it has waited for, from /proc (Linux)."""
        assert self.pid is not None
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        # after the ")": state is field 3, so utime/stime/cutime/cstime (fields 14-17) sit at 11..14
        ticks = sum(int(value) for value in fields[11:15])
        return ticks / os.sysconf("SC_CLK_TCK")

    # -- input -----------------------------------------------------------------------------------------------

    def send_keys(self, *keys: str, literal: bool = False) -> None:
        """Press keys by tmux name (`Enter`, `Down`, `C-c`, `q`), or type text with `literal=True`."""
        args = ["send-keys", "-t", self.session]
        if literal:
            args.append("-l")
        self._tmux(*args, *keys)

    def resize(self, width: int, height: int) -> None:
        self._tmux("resize-window", "-t", self.session, "-x", str(width), "-y", str(height))
        self.width, self.height = width, height

    # -- waiting ---------------------------------------------------------------------------------------------

    def wait_for_text(self, pattern: str | re.Pattern[str], timeout: float = 10.0, interval: float = 0.1) -> str:
        """Poll the screen until `pattern` (a substring, or a compiled regex) appears; return that screen."""
        return self.wait_for_screen(lambda screen: _matches(pattern, screen), timeout, interval, f"{pattern!r}")

    def wait_for_no_text(self, pattern: str | re.Pattern[str], timeout: float = 10.0, interval: float = 0.1) -> str:
        return self.wait_for_screen(lambda screen: not _matches(pattern, screen), timeout, interval, f"no {pattern!r}")

    def wait_for_screen(
        self, condition: object, timeout: float = 10.0, interval: float = 0.1, description: str = "condition"
    ) -> str:
        """Poll until `condition(screen_text)` is truthy; fail with the last screen after `timeout` seconds."""
        assert callable(condition)
        deadline = time.monotonic() + timeout
        screen = ""
        while True:
            screen = self.screen_text()
            if condition(screen):
                return screen
            if time.monotonic() > deadline:
                alive = self.is_alive()
                tail = "" if alive else f"\nlast output of the dead app:\n{self.output_tail()}"
                raise TerminalError(
                    f"{description} not on screen within {timeout}s (app alive: {alive}); last screen:\n{screen}{tail}"
                )
            time.sleep(interval)

    def wait_for_quiet(self, quiet_for: float = 1.0, timeout: float = 20.0) -> int:
        """Wait until the app has written nothing for `quiet_for` seconds; return the byte count then."""
        deadline = time.monotonic() + timeout
        last_size, last_change = self.bytes_written(), time.monotonic()
        while True:
            time.sleep(0.05)
            size, now = self.bytes_written(), time.monotonic()
            if size != last_size:
                last_size, last_change = size, now
            elif now - last_change >= quiet_for:
                return size
            if now > deadline:
                raise TerminalError(f"the app kept writing for {timeout}s (wrote {size} bytes)")

    # -- tmux ------------------------------------------------------------------------------------------------

    def _tmux(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-S", str(self.socket), *args],
            capture_output=True,
            text=True,
            env=self._env,
            timeout=15,
            check=False,
        )
        if result.returncode != 0:
            raise TerminalError(f"tmux {' '.join(args[:2])} failed: {result.stderr.strip()}")
        return result.stdout


def _matches(pattern: str | re.Pattern[str], screen: str) -> bool:
    if isinstance(pattern, re.Pattern):
        return pattern.search(screen) is not None
    return pattern in screen


@contextlib.contextmanager
def running_terminal(
    command: Sequence[str],
    *,
    width: int = 100,
    height: int = 30,
    env: Mapping[str, str] | None = None,
    cwd: str | os.PathLike[str] | None = None,
) -> Iterator[Terminal]:
    """A started `Terminal` that is always stopped afterwards, whatever the test did."""
    terminal = Terminal(command, width=width, height=height, env=env, cwd=cwd)
    try:
        yield terminal.start()
    finally:
        terminal.close()
