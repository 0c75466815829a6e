"""The real dashboard in a real terminal, with what the fault tests ask of it.

`DashboardRun` wraps a `Terminal` running `python -m cftui --api-url URL` (key in the environment, config and
state in a temporary directory) and answers the questions every fault test asks: what does the status line
say, is the last data still there with its age, does a key press still change the screen, and what does the
history database hold.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.terminal import Terminal
from cftui.api.retry import RetryPolicy
from cftui.monitor.connection import FAILURE_BACKOFF_CAP
from tests.polling import wait_for

INTERVAL = 1.0  # seconds between refreshes in these tests (a short interval keeps them short)
# The longest the app may wait before trying again on its own: the engine's backoff cap or the client's, plus
# one interval, plus slack for a machine shared with other test runs.
RECOVERY_DEADLINE = max(FAILURE_BACKOFF_CAP, RetryPolicy().cap_s) + INTERVAL + 10.0
DATA_AGE = re.compile(r"data (just now|\d+[smhd] ago|<?\d+[sm] old)")
HELP_MARKER = "Escape, q or ?: close"  # the help screen's last line, drawn over the dashboard
WIDTH, HEIGHT = 120, 36


@dataclass(frozen=True, slots=True)
class HistoryCounts:
    cost_samples: int
    events: int


class DashboardRun:
    def __init__(self, api_url: str, api_key: str, state_dir: Path, *extra: str) -> None:
        self.api_url = api_url
        self.state_dir = state_dir
        env = {
            "CLOUDFORGE_API_KEY": api_key,
            "XDG_CONFIG_HOME": str(state_dir / "config"),
            "XDG_STATE_HOME": str(state_dir / "state"),
            "XDG_CACHE_HOME": str(state_dir / "cache"),
            "TERM": "xterm-256color",
        }
        command = [sys.executable, "-m", "cftui", "--api-url", api_url, "--interval", f"{INTERVAL:g}", *extra]
        self.terminal = Terminal(command, width=WIDTH, height=HEIGHT, env=env)

    # -- the screen --------------------------------------------------------------------------------------------

    def status_line(self, screen: str | None = None) -> str:
        """The status line: everything above the first pane's border (it may wrap over a few rows)."""
        screen = self.terminal.screen_text() if screen is None else screen
        return " ".join(screen.split("╭", 1)[0].split())

    def wait_for_status(self, pattern: str | re.Pattern[str], timeout: float = 30.0) -> str:
        """Wait until the status line matches `pattern`; return that status line."""
        regex = pattern if isinstance(pattern, re.Pattern) else re.compile(re.escape(pattern))
        screen = self.terminal.wait_for_screen(
            lambda text: regex.search(self.status_line(text)), timeout=timeout, description=f"status {pattern!r}"
        )
        return self.status_line(screen)

    def assert_responsive(self) -> None:
        """A key press still changes the screen: `?` opens the help, Escape closes it."""
        assert self.terminal.is_alive(), self.terminal.output_tail()
        self.terminal.send_keys("?")
        self.terminal.wait_for_text(HELP_MARKER, timeout=10)
        self.terminal.send_keys("Escape")
        self.terminal.wait_for_no_text(HELP_MARKER, timeout=10)

    def assert_keeps_data(self, names: list[str]) -> str:
        """The last data is still on screen, with its age in the status line."""
        screen = self.terminal.screen_text()
        assert all(name in screen for name in names), screen
        status = self.status_line(screen)
        assert DATA_AGE.search(status), status
        return status

    # -- the history database ----------------------------------------------------------------------------------

    def history_path(self) -> Path | None:
        found = sorted((self.state_dir / "state").glob("**/history-*.sqlite3"))
        return found[0] if found else None

    def history_counts(self) -> HistoryCounts:
        path = self.history_path()
        if path is None:
            return HistoryCounts(0, 0)
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)) as db:
            samples = db.execute("SELECT COUNT(*) FROM cost_samples").fetchone()[0]
            events = db.execute("SELECT COUNT(*) FROM events").fetchone()[0]
        return HistoryCounts(samples, events)

    def history_event_subjects(self) -> set[str]:
        path = self.history_path()
        if path is None:
            return set()
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)) as db:
            return {row[0] for row in db.execute("SELECT subject_id FROM events")}

    def shows_and_keeps_stopped(self, resource: dict[str, Any], before: HistoryCounts) -> None:
        """After a recovery: the resource's row says it is stopped, the change is in the history, and the
        history lost nothing it held `before`."""
        row = re.compile(rf"stopped\s+{re.escape(resource['name'])}\s")
        self.terminal.wait_for_text(row, timeout=RECOVERY_DEADLINE)
        wait_for(lambda: resource["id"] in self.history_event_subjects(), timeout=15, message="the change kept")
        after = self.history_counts()
        assert after.cost_samples >= before.cost_samples
        assert after.events > before.events


@contextlib.contextmanager
def running_dashboard(api_url: str, api_key: str, state_dir: Path, *extra: str) -> Iterator[DashboardRun]:
    run = DashboardRun(api_url, api_key, state_dir, *extra)
    try:
        run.terminal.start()
        yield run
    finally:
        run.terminal.close()
