"""A failure while the monitor stops is logged, not swallowed: the last history flush."""

from __future__ import annotations

import logging

import pytest

from tests.monitor.helpers import eventually, running_monitor
from tests.simproc import SimServer


async def test_a_failing_last_history_flush_is_logged(static_sim: SimServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="cftui.monitor.engine")
    async with running_monitor(static_sim, interval=1.0) as (monitor, _):
        await eventually(lambda: monitor.snapshot.projects is not None, message="projects fetched")

        real_flush = monitor._feed.flush
        calls: list[int] = []

        async def broken_flush() -> None:
            calls.append(1)
            if len(calls) == 1:  # the one the run makes as it stops; closing the history flushes again after
                raise OSError("the disk went away")
            await real_flush()

        monitor._feed.flush = broken_flush  # type: ignore[method-assign]
    assert "the last history flush failed" in caplog.text
    assert "the disk went away" in caplog.text
