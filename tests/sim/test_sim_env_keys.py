"""Keys from CFTUI_SIM_KEYS: accepted like --key, and never on the command line (which `ps` shows to everyone)."""

from __future__ import annotations

from pathlib import Path

import httpx

from cftui.ui.demo import DemoSimulator
from tests.simproc import TEST_KEY, running_sim

ENV_READ = "cf_read_env0000000000000000keya"
ENV_TEST = "cf_test_env0000000000000000keyb"


def _cmdline(pid: int) -> str:
    return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()


def _status(url: str, key: str) -> int:
    return httpx.get(f"{url}/projects", headers={"Authorization": f"Bearer {key}"}, timeout=10).status_code


def test_keys_from_the_environment_are_accepted_and_not_in_argv() -> None:
    with running_sim("--static", keys={}, process=True, env={"CFTUI_SIM_KEYS": f" {ENV_READ}, {ENV_TEST} ,"}) as sim:
        assert _status(sim.base_url, ENV_READ) == 200
        assert _status(sim.base_url, ENV_TEST) == 200
        assert _status(sim.base_url, TEST_KEY) == 401  # only the keys given: no demo keys beside them
        assert "cf_" not in _cmdline(sim.process.pid)
        assert ENV_READ not in "\n".join(sim.output)  # announced masked, as --key keys are


def test_a_malformed_environment_key_is_refused_without_echoing_it() -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "cftui", "sim", "--port", "0"],
        env={"CFTUI_SIM_KEYS": "cf_read_short!", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2 and "CFTUI_SIM_KEYS" in done.stderr and "short!" not in done.stderr


def test_the_demo_passes_its_key_in_the_environment_not_in_argv() -> None:
    from cftui.monitor.history_files import named_history_path
    from cftui.ui.demo import DEMO_HISTORY_NAME

    old_history = named_history_path(DEMO_HISTORY_NAME)  # a previous demo run's history (fixture's state dir)
    old_history.parent.mkdir(parents=True)
    old_history.write_bytes(b"yesterday")
    demo = DemoSimulator()
    url = demo.start()
    assert not old_history.exists()  # each demo starts with an empty history
    try:
        assert demo.pid is not None
        assert demo.key not in _cmdline(demo.pid) and "--key" not in _cmdline(demo.pid)
        assert _status(url, demo.key) == 200
    finally:
        demo.stop()
