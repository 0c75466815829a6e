"""`cftui` start-up: settings errors are one sentence on stderr with exit 2; the demo child never outlives it."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from cftui.cli import main
from cftui.ui import launch
from cftui.ui.app import styles_dir
from cftui.ui.demo import DEMO_PLAN, DemoSimulator, fresh_read_key
from tests.e2e.procs import cmdline, demo_simulators, is_running
from tests.simproc import LIVE_KEY, wait_for


def run_cftui(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cftui", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=30,
        stdin=subprocess.DEVNULL,
    )


def test_a_bad_key_is_one_sentence_and_exit_2_before_any_ui() -> None:
    done = run_cftui(env={"CLOUDFORGE_API_KEY": "not-a-key"})
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("cftui: ")
    assert "Traceback" not in done.stderr and "\x1b[" not in done.stderr + done.stdout


def test_a_live_key_is_refused_and_never_shown_whole() -> None:
    done = run_cftui("--api-url", "http://127.0.0.1:9/v2", env={"CLOUDFORGE_API_KEY": LIVE_KEY})
    assert done.returncode == 2
    assert "live" in done.stderr and "--allow-live-key" in done.stderr
    assert LIVE_KEY not in done.stderr


def test_an_unknown_theme_is_refused_before_the_ui(capsys: pytest.CaptureFixture[str], static_sim) -> None:
    os.environ["CLOUDFORGE_API_KEY"] = static_sim.read_key  # isolated_dirs restores the environment
    code = main(["--api-url", static_sim.base_url, "--no-history", "--theme", "no-such-theme"])
    assert code == 2
    err = capsys.readouterr().err
    assert "no-such-theme" in err and "textual-dark" in err


def test_demo_key_is_a_fresh_read_key() -> None:
    one, two = fresh_read_key(), fresh_read_key()
    assert one != two and one.startswith("cf_read_") and len(one) == len("cf_read_") + 24


def test_demo_simulator_serves_the_key_and_stops_with_its_group() -> None:
    demo = DemoSimulator()
    url = demo.start()
    try:
        import httpx

        answer = httpx.get(f"{url}/projects", headers={"Authorization": f"Bearer {demo.key}"}, timeout=10)
        assert answer.status_code == 200 and answer.json()["data"]
        state = httpx.get(url.removesuffix("/v2") + "/_sim/state", timeout=10).json()
        assert state["plan"] == DEMO_PLAN
    finally:
        demo.stop()
    assert demo.process is not None and demo.process.poll() is not None
    assert not is_running(demo.process.pid)


def test_a_crash_in_the_app_still_stops_the_demo_simulator(monkeypatch: pytest.MonkeyPatch) -> None:
    """`launch.run` stops the child in a `finally`: make the app part raise, as a bug would."""
    seen: list[int] = []

    def crashing_app(settings, args, *, demo):
        # the test suite's own simulators use the fixed t3st keys; the demo's key is random
        seen.extend(pid for pid in demo_simulators(os.getpid()) if "t3st" not in cmdline(pid))
        raise RuntimeError("a bug in the dashboard")

    monkeypatch.setattr(launch, "_run_app", crashing_app)
    args = launch.argparse.Namespace(demo=True, no_history=True, theme=None, watch_op=[])
    with pytest.raises(RuntimeError, match="a bug"):
        launch.run(args)
    assert len(seen) == 1
    wait_for(lambda: not is_running(seen[0]), timeout=10, message="the simulator child is gone")


def test_styles_are_found_from_the_source_tree() -> None:
    assert (styles_dir() / "app.tcss").is_file()
