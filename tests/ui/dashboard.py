"""The full dashboard on the frozen clock of tests/worlds.py, fed ready-made updates (no monitor, no network)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from textual.pilot import Pilot
from textual.screen import Screen

from cftui.monitor.state import MonitorUpdate
from cftui.ui.app import CloudForgeApp
from tests.builders import clock
from tests.polling import until
from tests.worlds import INFO


@contextlib.asynccontextmanager
async def fed_dashboard(
    *updates: MonitorUpdate, size: tuple[int, int] = (120, 40), **app_kwargs: Any
) -> AsyncIterator[tuple[CloudForgeApp, Pilot[Any]]]:
    """The dashboard running at `size`, each update fed in order: the app and its pilot."""
    app = CloudForgeApp(INFO, now=clock, **app_kwargs)
    async with app.run_test(size=size) as pilot:
        for message in updates:
            app.feed(message)
        yield app, pilot


async def open_screen(pilot: Pilot[Any], key: str, screen_type: type[Screen[Any]]) -> Any:
    """Press `key` and wait until the app shows a `screen_type` screen (returned)."""
    await pilot.press(key)
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, screen_type), what=f"{screen_type.__name__} after {key!r}")
    return app.screen
