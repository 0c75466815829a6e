"""The one way tests wait: poll a condition until it holds, and fail with a message after a deadline.

`wait_for` blocks (plain threads and child processes), `eventually` awaits on the running event loop (the monitor's
tests), `until` lets a Textual app run between looks (Pilot tests). All three share the deadline and the message.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.pilot import Pilot

POLL_S = 0.05


def _failure(timeout: float, what: object) -> AssertionError:
    return AssertionError(f"not within {timeout}s: {what}")


def wait_for(condition: Callable[[], Any], timeout: float = 10.0, interval: float = POLL_S, message: str = "") -> Any:
    """Poll `condition()` until it returns something truthy (returned), or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise _failure(timeout, message or condition)
        time.sleep(interval)


async def _poll(condition: Callable[[], Any], within: float, what: str, pause: Callable[[], Awaitable[Any]]) -> Any:
    deadline = time.monotonic() + within
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise _failure(within, what or condition)
        await pause()


async def eventually(condition: Callable[[], Any], within: float = 15.0, message: str = "") -> Any:
    """Await until `condition()` is truthy; fail after `within` seconds (the loop keeps running meanwhile)."""
    return await _poll(condition, within, message, lambda: asyncio.sleep(POLL_S))


async def until(pilot: Pilot[Any], condition: Callable[[], Any], timeout: float = 15.0, what: str = "") -> Any:  # noqa: ASYNC109
    """Let the app run until `condition()` is truthy, or fail after `timeout` seconds."""
    return await _poll(condition, timeout, what, lambda: pilot.pause(POLL_S))
