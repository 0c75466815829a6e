"""Run the dashboard on the real monitor and client against a `cftui sim` child, for Pilot tests."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot

from cftui.config import Settings
from cftui.ui.app import CloudForgeApp
from cftui.ui.launch import build_app
from tests.simproc import SimServer


def live_settings(sim: SimServer, *, key: str | None = None, interval: float = 0.5, **flags: Any) -> Settings:
    args = argparse.Namespace(api_url=sim.base_url, interval=interval, no_history=True, **flags)
    return Settings.load(args, environ={"CLOUDFORGE_API_KEY": key or sim.read_key})


def live_app(sim: SimServer, **kwargs: Any) -> CloudForgeApp:
    return build_app(live_settings(sim, **kwargs))


async def until(pilot: Pilot[Any], condition: Callable[[], Any], timeout: float = 15.0, what: str = "") -> Any:  # noqa: ASYNC109
    """Let the app run until `condition()` is truthy, or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout}s: {what or condition}")
        await pilot.pause(0.05)


def tree_lines(app: CloudForgeApp) -> list[str]:
    """The plain text of every resource row in the tree (visible or not)."""
    from cftui.ui.widgets.resource_tree import ResourceTree

    return list(app.query_one(ResourceTree).row_texts().values())
