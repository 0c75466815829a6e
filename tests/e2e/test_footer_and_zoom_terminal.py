"""At 80x24 in a real terminal (tmux): the footer's last row holds whole labels only, and `z` zooms the active
pane while the status line stays on screen (issue 13 items 8 and 10)."""

from __future__ import annotations

import sys

import pytest

from bench.terminal import Terminal

pytestmark = pytest.mark.tmux

WHOLE_LABELS = ("? Help", "q Quit", ": Commands", "0 All problems", "e Problems")


def test_footer_and_zoom_at_80x24() -> None:
    with Terminal([sys.executable, "-m", "cftui", "--demo"], width=80, height=24) as terminal:
        screen = terminal.wait_for_text("● OK", timeout=40)
        screen = terminal.wait_for_screen(lambda s: all(label in s.splitlines()[-1] for label in WHOLE_LABELS), 20)
        footer = screen.splitlines()[-1].rstrip()
        assert len(footer) <= 80 and not footer.endswith(("▏", "…")), footer
        terminal.send_keys("z")
        # zoomed, even the tab line gives its row to the pane (at 80x24 the panes are tabs)
        terminal.wait_for_screen(lambda s: "▶ 1 Projects" in s and "2 Resources" not in s, 15)
        terminal.send_keys("4")
        zoomed = terminal.wait_for_text("▶ 4 Events", timeout=15)
        assert "● OK" in zoomed.splitlines()[0] or "data" in zoomed.splitlines()[0], zoomed  # status line on top
        assert "1 Projects" not in zoomed, zoomed  # the other panes give the events pane their room
        terminal.send_keys("Escape")
        terminal.wait_for_screen(lambda s: "2 Resources" in s and "1 Projects" in s, 10)  # the tab line is back
