"""The dashboard closes even when its monitor fails to, and says why in the log instead of swallowing it."""

from __future__ import annotations

import logging

import pytest

from tests.simproc import SimServer
from tests.ui.live import live_app, until


async def test_a_monitor_that_fails_to_close_is_logged(static_sim: SimServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="cftui.ui.app")
    app = live_app(static_sim)
    assert app.monitor is not None
    real_close = app.monitor.aclose

    async def failing_close() -> None:
        await real_close()  # the real one runs (no task left behind), then the failure
        raise RuntimeError("the history file is locked")

    app.monitor.aclose = failing_close  # type: ignore[method-assign]
    async with app.run_test(size=(120, 30)) as pilot:
        await until(pilot, lambda: app.latest_snapshot and app.latest_snapshot.projects, what="first data")
    assert "closing the monitor failed" in caplog.text
    assert "the history file is locked" in caplog.text
