"""On a desktop, `cftui login` opens the browser itself and catches the redirect on a loopback port: no paste."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import httpx

from tests.auth.helpers import token_file, write_profile
from tests.simproc import SimServer


def test_a_local_browser_comes_back_to_the_loopback_listener(sim_factory, isolated_dirs: Path) -> None:  # type: ignore[no-untyped-def]
    sim: SimServer = sim_factory("--static")
    write_profile(isolated_dirs, sim)
    browser = shlex.join([sys.executable, "-m", "tests.auth.fake_browser"])
    env = {k: v for k, v in os.environ.items() if k not in ("SSH_CONNECTION", "SSH_TTY", "SSH_CLIENT")}
    env.update(DISPLAY=":99", BROWSER=browser + " %s", PYTHONUNBUFFERED="1")
    login = subprocess.Popen(
        [sys.executable, "-m", "cftui", "login", "--profile", "sim"],
        stdin=subprocess.PIPE,  # left open and empty: nobody pastes anything
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        cwd=Path(__file__).parents[2],
    )
    try:
        output, _ = login.communicate(timeout=60)
    finally:
        login.kill()
    assert login.returncode == 0, output
    assert "Opening your browser on the sign-in page" in output
    assert "Signed in as Ada Lovelace (ada); scope granted: read." in output
    assert token_file(isolated_dirs).exists()
    port = output.split("Waiting for the browser to come back to http://127.0.0.1:")[1].split("/")[0]
    try:  # the listener is gone once the sign-in ended
        httpx.get(f"http://127.0.0.1:{port}/callback", timeout=2)
        raise AssertionError("the loopback listener still answers after the sign-in")
    except httpx.ConnectError:
        pass
