"""`cftui --demo` in a real terminal (tmux): its simulator's webhooks reach the dashboard, whose status line says
push is working and whose events pane marks pushed changes; the demo never used the user's key to register."""

from __future__ import annotations

import re

import pytest

from bench.terminal import Terminal

pytestmark = pytest.mark.tmux

PUSH_OK = re.compile(r"push ✓ (just now|\d+s ago)")


def test_the_demo_receives_pushes_and_marks_them(demo: Terminal) -> None:
    screen = demo.wait_for_text(PUSH_OK, timeout=90)  # the first verified delivery switches the mode
    assert "READ-ONLY" in screen and "DEMO" in screen  # the dashboard itself still reads with its read key
    demo.send_keys("4")  # the events pane
    events = demo.wait_for_text(re.compile(r"\d\d:\d\d:\d\d \S+ +pushed "), timeout=90)
    assert "pushed" in events
    assert "\x1b" not in demo.screen_text()
    demo.send_keys("q")
