"""`cftui --demo` in a real terminal (tmux): it shows the simulator's projects, moves, quits, and leaves nothing.

The simulator child must be gone however the dashboard ends: `q`, Ctrl+C, SIGTERM, SIGHUP, and even SIGKILL
(the child asked the kernel for SIGTERM when its parent dies).
"""

from __future__ import annotations

import os
import re
import signal

import pytest

from bench.terminal import Terminal
from tests.e2e.procs import dashboard, demo_simulators, is_running
from tests.simproc import wait_for

pytestmark = pytest.mark.tmux

RESOURCES_TITLE = re.compile(r"2 Resources · (\S+) · \d+")


def the_simulator(terminal: Terminal) -> int:
    sims = wait_for(lambda: demo_simulators(terminal.shell_pid), timeout=10, message="the demo's simulator child")
    assert len(sims) == 1
    return sims[0]


def the_dashboard(terminal: Terminal) -> int:
    return wait_for(lambda: dashboard(terminal.shell_pid), timeout=10, message="the cftui process")


def test_demo_shows_projects_moves_and_quits_leaving_nothing(demo: Terminal) -> None:
    sim = the_simulator(demo)
    screen = demo.wait_for_text("● OK", timeout=20)
    assert "READ-ONLY" in screen and "DEMO" in screen
    assert "1 Projects" in screen and "2 Resources" in screen
    first = demo.wait_for_text(RESOURCES_TITLE, timeout=20)
    first_project = RESOURCES_TITLE.search(first).group(1)
    demo.wait_for_text("▼ Compute", timeout=20)  # the selected project's tree is filled
    demo.send_keys("2", "j", "j", "j", "Enter")  # at typing speed: the resources pane, a resource's detail
    demo.wait_for_text("monthly cost", timeout=10)
    demo.send_keys("Escape")
    demo.wait_for_text("▶ 2 Resources", timeout=10)
    demo.send_keys("Tab")
    demo.wait_for_text("▶ 3 Operations", timeout=10)
    demo.send_keys("1", "j")
    moved = demo.wait_for_screen(
        lambda screen: (m := RESOURCES_TITLE.search(screen)) is not None and m.group(1) != first_project, timeout=10
    )
    assert "▶ 1 Projects" in moved
    demo.send_keys("q")
    wait_for(lambda: not demo.is_alive(), timeout=15, message="cftui exits on q")
    assert demo.exit_status() == 0
    wait_for(lambda: not is_running(sim), timeout=10, message="the simulator child is gone")


def test_ctrl_c_quits_and_stops_the_simulator(demo: Terminal) -> None:
    sim = the_simulator(demo)
    demo.send_keys("C-c")
    wait_for(lambda: not demo.is_alive(), timeout=15, message="cftui exits on Ctrl+C")
    wait_for(lambda: not is_running(sim), timeout=10, message="the simulator child is gone")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_termination_signals_stop_the_simulator(demo: Terminal, signum: int) -> None:
    sim = the_simulator(demo)
    os.kill(the_dashboard(demo), signum)
    wait_for(lambda: not demo.is_alive(), timeout=15, message="cftui exits on the signal")
    wait_for(lambda: not is_running(sim), timeout=10, message="the simulator child is gone")


def test_even_sigkill_leaves_no_simulator_behind(demo: Terminal) -> None:
    sim = the_simulator(demo)
    os.kill(the_dashboard(demo), signal.SIGKILL)
    wait_for(lambda: not is_running(sim), timeout=15, message="the orphaned simulator stops itself")
