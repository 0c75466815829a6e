"""Run the dashboard on the real monitor and client against a `cftui sim` child, for Pilot tests."""

from __future__ import annotations

import argparse
from typing import Any

from cftui.config import Settings
from cftui.ui.app import CloudForgeApp
from cftui.ui.launch import build_app
from tests.polling import until
from tests.simproc import SimServer

__all__ = ["until"]  # re-exported from tests/polling.py


def live_settings(sim: SimServer, *, key: str | None = None, interval: float = 0.5, **flags: Any) -> Settings:
    args = argparse.Namespace(api_url=sim.base_url, interval=interval, no_history=True, **flags)
    return Settings.load(args, environ={"CLOUDFORGE_API_KEY": key or sim.read_key})


def live_app(sim: SimServer, **kwargs: Any) -> CloudForgeApp:
    return build_app(live_settings(sim, **kwargs))


def tree_lines(app: CloudForgeApp) -> list[str]:
    """The plain text of every resource row in the tree (visible or not)."""
    from cftui.ui.widgets.resource_tree import ResourceTree

    return list(app.query_one(ResourceTree).row_texts().values())
