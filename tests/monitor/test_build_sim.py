"""build_monitor wires the client, the history file and the options from Settings."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

from cftui.config import Settings
from cftui.monitor import build_monitor
from cftui.monitor.history_files import default_history_path
from cftui.monitor.state import ConnectionStatus
from tests.monitor.helpers import api_get
from tests.simproc import running_sim


def _settings(sim, tmp_path: Path, **extra: str) -> Settings:
    config = tmp_path / "config.toml"
    config.write_text('cost_thresholds = { "proj_none" = 10 }\ninterval = 2.5\nbudget = 0.25\n')
    config.chmod(0o600)
    environ = {
        **os.environ,
        "CLOUDFORGE_API_URL": sim.base_url,
        "CLOUDFORGE_API_KEY": sim.read_key,
        "CFTUI_CONFIG": str(config),
        **extra,
    }
    return Settings.load(None, environ)


async def test_a_built_monitor_polls_and_keeps_its_history_under_the_state_directory(tmp_path: Path) -> None:
    with running_sim("--seed", "2", "--static", "--plan", "enterprise", "--projects", "2") as sim:
        settings = _settings(sim, tmp_path)
        assert settings.cost_thresholds == {"proj_none": Decimal(10)}
        async with build_monitor(settings) as monitor:
            snapshot = await monitor.poll_once([api_get(sim, "projects")[0]["id"]])
            assert snapshot.connection.status is ConnectionStatus.OK
            assert snapshot.requested_interval == 2.5
            assert snapshot.rate.budget_per_minute == 10000 * 0.25
        assert default_history_path(sim.base_url).exists(), "samples were written to the per-API history file"


async def test_a_named_history_is_one_file_whatever_the_url_and_the_demo_starts_it_empty(tmp_path: Path) -> None:
    import argparse

    from cftui.monitor.history_files import named_history_path
    from cftui.ui.demo import DEMO_HISTORY_NAME, clear_demo_history

    demo_file = named_history_path(DEMO_HISTORY_NAME)
    for seed in ("3", "4"):  # two simulators: two ports, two URLs
        with running_sim("--seed", seed, "--static", "--projects", "1") as sim:
            args = argparse.Namespace(history_name=DEMO_HISTORY_NAME)
            settings = Settings.load(args, {"CLOUDFORGE_API_URL": sim.base_url, "CLOUDFORGE_API_KEY": sim.read_key})
            assert settings.history_name == DEMO_HISTORY_NAME
            async with build_monitor(settings) as monitor:
                await monitor.poll_once()
            assert not default_history_path(sim.base_url).exists()  # not one file per URL
    files = sorted(p.name for p in demo_file.parent.iterdir())
    assert files == [demo_file.name], files
    clear_demo_history()
    assert not demo_file.exists()
