"""While nothing changes, only the status line's ticking row reaches the terminal (in a real terminal, tmux)."""

from __future__ import annotations

import re
import sys
import time

import pytest

from tests.reliability.terminal import Terminal
from tests.simproc import READ_KEY, SimServer

pytestmark = pytest.mark.tmux
ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")


def test_polling_an_unchanging_world_repaints_nothing_but_the_age(static_sim: SimServer) -> None:
    names = [p["name"] for p in static_sim.get("projects", per_page=100).json()["data"]]
    command = [sys.executable, "-m", "cftui", "--api-url", static_sim.base_url, "--no-history", "--interval", "1"]
    with Terminal(command, width=120, height=40, env={"CLOUDFORGE_API_KEY": READ_KEY}) as terminal:
        terminal.wait_for_text("▼ Compute", timeout=40)
        terminal.wait_for_text("● OK", timeout=20)
        time.sleep(4)  # the first sweep of every project has ended
        start = len(terminal.output())
        time.sleep(4)  # four polls of an unchanging world
        written = terminal.output()[start:]
    text = ANSI.sub(b"", written).decode(errors="replace")
    # at a 1 s interval the age may read "just now" throughout: then nothing at all is written
    assert not text.strip() or "data " in text
    assert not any(name in text for name in names)  # no project row, tree row or title was redrawn
    assert "READ-ONLY" not in text  # not even the status line's source row
    assert len(written) < 4 * 1500  # about one short row a second
