"""Run the dashboard on the real monitor and client against a `cftui sim` child, for Pilot tests."""

from __future__ import annotations

import argparse
from typing import Any

from textual.pilot import Pilot

from cftui.config import Settings
from cftui.ui.app import CloudForgeApp
from cftui.ui.launch import build_app
from cftui.ui.widgets.resource_tree import ResourceTree
from tests.polling import until
from tests.simproc import SimServer

__all__ = ["until"]  # re-exported from tests/polling.py


def live_settings(sim: SimServer, *, key: str | None = None, interval: float = 0.5, **flags: Any) -> Settings:
    args = argparse.Namespace(api_url=sim.base_url, interval=interval, no_history=True, **flags)
    return Settings.load(args, environ={"CLOUDFORGE_API_KEY": key or sim.read_key})


def live_app(sim: SimServer, **kwargs: Any) -> CloudForgeApp:
    return build_app(live_settings(sim, **kwargs))


async def tree_filled(pilot: Pilot[Any], app: CloudForgeApp, more_than: int = 0) -> ResourceTree:
    """The resource tree, once it shows more than `more_than` rows (the first load; 20 s at most)."""
    tree = app.query_one(ResourceTree)
    await until(pilot, lambda: tree.shown_count > more_than, timeout=20, what=f"more than {more_than} resource rows")
    return tree


def tree_lines(app: CloudForgeApp) -> list[str]:
    """The plain text of every resource row in the tree (visible or not)."""
    return list(app.query_one(ResourceTree).row_texts().values())


def toasts_of(app: CloudForgeApp) -> list[str]:
    """Every toast the app is asked to show from now on, kept: the app's own list drops a toast when its few
    seconds are up, which on a loaded machine can come before the test looks."""
    said: list[str] = []
    notify = app.notify

    def recording(message: str, **kwargs: Any) -> None:
        said.append(str(message))
        notify(message, **kwargs)

    app.notify = recording  # type: ignore[method-assign]
    return said
