"""The dashboard in a real terminal (tmux, every byte captured): OSC 52 copy, NO_COLOR, the bell.

These check what reaches the terminal, which Pilot cannot see: the clipboard escape sequence, the BEL, and that under
NO_COLOR every colour the app writes is a grey.
"""

from __future__ import annotations

import base64
import re
import sys

import pytest

from bench.terminal import running_terminal
from tests.simproc import SimServer

pytestmark = pytest.mark.tmux

OSC_52 = re.compile(rb"\x1b\]52;c;([A-Za-z0-9+/=]*)\x07")
TRUECOLOUR = re.compile(rb"\x1b\[([0-9;]*)m")


# tmux does not announce 24-bit colour: ask for it, so every colour is written as r;g;b and can be checked
TRUECOLOUR_ENV = {"COLORTERM": "truecolor"}


def dashboard(sim: SimServer) -> list[str]:
    return [sys.executable, "-m", "cftui", "--api-url", sim.base_url, "--no-history"]


def colours_written(output: bytes) -> list[tuple[int, int, int]]:
    """Every 24-bit colour in the SGR sequences the app wrote (foreground 38;2 and background 48;2)."""
    found = []
    for match in TRUECOLOUR.finditer(output):
        parts = match.group(1).split(b";")
        for index, part in enumerate(parts[:-4]):
            if part in (b"38", b"48") and parts[index + 1] == b"2":
                found.append(tuple(int(v) for v in parts[index + 2 : index + 5]))
    return found


def test_y_copies_the_selected_project_id_with_osc_52_and_into_tmux(static_sim: SimServer) -> None:
    """Inside tmux (which drops an application's OSC 52 by default) the id also goes into tmux's paste buffer,
    and the message says so (issue 13 item 6)."""
    projects = static_sim.get("projects", per_page=100).json()["data"]
    ids = {p["id"] for p in projects}
    env = {"CLOUDFORGE_API_KEY": static_sim.read_key}
    with running_terminal(dashboard(static_sim), width=120, height=40, env=env) as terminal:
        terminal.wait_for_text("Projects", timeout=20)
        terminal.wait_for_screen(lambda screen: any(p["name"] in screen for p in projects), timeout=20)
        terminal.send_keys("y")
        screen = terminal.wait_for_text("paste buffer", timeout=10)
        copies = OSC_52.findall(terminal.output())
        assert len(copies) == 1
        copied = base64.b64decode(copies[0]).decode()
        assert copied in ids
        assert f"Copied project id {copied}" in " ".join(screen.split())  # the message shows the id too
        assert terminal.paste_buffer() == copied


def test_no_color_writes_only_greys_and_statuses_still_read(static_sim: SimServer) -> None:
    env = {"CLOUDFORGE_API_KEY": static_sim.read_key, "NO_COLOR": "1", **TRUECOLOUR_ENV}
    with running_terminal(dashboard(static_sim), width=120, height=40, env=env) as terminal:
        screen = terminal.wait_for_text("● running", timeout=20)
        assert "● active" in screen  # the status is a glyph and a word, readable without colour
        terminal.send_keys("?")
        terminal.wait_for_text("Everywhere", timeout=10)
        colours = colours_written(terminal.output())
        assert colours, "the app draws with 24-bit colours: there must be some to check"
        assert all(r == g == b for r, g, b in colours), {c for c in colours if len(set(c)) > 1}


def test_colour_is_there_without_no_color(static_sim: SimServer) -> None:
    # the check above means something only if colours are written when NO_COLOR is absent
    env = {"CLOUDFORGE_API_KEY": static_sim.read_key, **TRUECOLOUR_ENV}
    with running_terminal(dashboard(static_sim), width=120, height=40, env=env) as terminal:
        terminal.wait_for_text("● running", timeout=20)
        colours = colours_written(terminal.output())
        assert any(len({r, g, b}) > 1 for r, g, b in colours)


OSC = re.compile(rb"\x1b\][^\x07\x1b]*(\x07|\x1b\\)")


def test_a_resource_going_to_error_rings_the_bell_when_enabled(sim_factory, tmp_path) -> None:
    sim = sim_factory("--seed", "8", "--static", "--plan", "enterprise", "--projects", "3", "--resources", "15")
    config = tmp_path / "config.toml"
    config.write_text("bell = true\n")
    config.chmod(0o600)
    projects = [p for p in sim.get("projects", per_page=100).json()["data"] if p["status"] == "active"]
    first = max(projects, key=lambda p: p["monthly_cost"])  # the project the dashboard opens on
    victim = next(
        r for r in sim.get(f"projects/{first['id']}/resources", per_page=100).json()["data"] if r["status"] == "running"
    )
    env = {"CLOUDFORGE_API_KEY": sim.read_key, "CFTUI_CONFIG": str(config)}
    with running_terminal(dashboard(sim), width=120, height=40, env=env) as terminal:
        terminal.wait_for_text(victim["name"], timeout=20)
        assert b"\x07" not in OSC.sub(b"", terminal.output())  # no bell before anything went wrong
        sim.control("POST", "mutate", {"action": "set_status", "resource_id": victim["id"], "status": "error"})
        terminal.wait_for_text("went to error", timeout=20)
        bells = OSC.sub(b"", terminal.output()).count(b"\x07")
        assert bells == 1


def test_ctrl_u_then_fast_typing_in_the_watch_dialog_keeps_the_letters(static_sim: SimServer) -> None:
    """Issue 13 item 15, as a person types it: Ctrl+U and the new id straight after, on a dashboard that polls."""
    env = {"CLOUDFORGE_API_KEY": static_sim.read_key}
    with running_terminal([*dashboard(static_sim), "--interval", "1"], width=120, height=40, env=env) as terminal:
        terminal.wait_for_text("Projects", timeout=20)
        terminal.send_keys("w")
        terminal.wait_for_text("Watch an operation", timeout=10)
        terminal.send_keys("op_abcdef", literal=True)
        terminal.wait_for_text("op_abcdef", timeout=10)
        terminal.send_keys("C-u")
        terminal.send_keys("op_xyz987", literal=True)
        screen = terminal.wait_for_text("op_xyz987", timeout=10)
        assert "op_abcdef" not in screen and "op_xyz987op" not in screen
