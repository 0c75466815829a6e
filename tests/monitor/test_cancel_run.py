"""Cancelling `Monitor.run()` ends it, whenever the cancellation lands.

On Python 3.11 `asyncio.wait_for` returns the inner result instead of raising when the cancellation arrives in
the loop step after the awaited event was set (the inner wait done, the outer not yet resumed): the loop went on
and `run()` never ended. Each case here wakes the loop and cancels it a few loop steps later, so one of them
lands in that window.
"""

from __future__ import annotations

import asyncio

import pytest

from cftui.monitor import Monitor
from tests.monitor.helpers import eventually, make_client
from tests.simproc import SimServer


@pytest.mark.parametrize("steps", range(5))
async def test_cancelling_run_right_after_a_wake_ends_it(static_sim: SimServer, steps: int) -> None:
    monitor = Monitor(make_client(static_sim), owns_client=True, interval=1.0, max_backoff=1.0)
    task = asyncio.create_task(monitor.run())
    try:
        await eventually(lambda: monitor.snapshot.projects is not None, message="projects fetched")
        monitor.refresh_now()  # wakes the loop (its wait's event is set)...
        for _ in range(steps):  # ...and the cancellation lands this many loop steps later
            await asyncio.sleep(0)
        task.cancel()
        done, _ = await asyncio.wait({task}, timeout=10.0)
        assert task in done, f"run() still running 10 s after it was cancelled ({steps} loop steps after a wake)"
        assert task.cancelled()
    finally:
        if not task.done():
            await monitor.stop()
        await monitor.aclose()
