"""While nothing changes, nothing at all reaches the terminal (in a real terminal, tmux).

Fresh data shows its age as a bucket (`data <10s old`) that does not tick, and a plentiful rate budget in 10%
steps, so polls of an unchanging world repaint nothing, not even the status line.
"""

from __future__ import annotations

import sys

import pytest

from bench.terminal import Terminal
from tests.simproc import READ_KEY, SimServer

pytestmark = pytest.mark.tmux
QUIET_WINDOW = 5.0  # seconds: five polls at a 1 s interval; the old ticking age wrote every second


def test_polling_an_unchanging_world_writes_nothing(static_sim: SimServer) -> None:
    command = [sys.executable, "-m", "cftui", "--api-url", static_sim.base_url, "--no-history", "--interval", "1"]
    with Terminal(command, width=120, height=40, env={"CLOUDFORGE_API_KEY": READ_KEY}) as terminal:
        terminal.wait_for_text("▼ Compute", timeout=40)
        terminal.wait_for_text("● OK", timeout=20)
        # once the first sweep of every project has ended, a whole window of polls passes without one byte
        terminal.wait_for_quiet(quiet_for=QUIET_WINDOW, timeout=60)
        screen = terminal.screen_text()
    # ... and the polls went on succeeding meanwhile: data older than 3 intervals would have said STALE
    assert "● OK" in screen and "data <10s old" in screen, screen
    assert "STALE" not in screen
