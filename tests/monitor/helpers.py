"""Run a real Monitor against a real simulator child process, and wait for conditions with deadlines."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from cftui.api.client import CloudForgeClient
from cftui.api.keys import ApiKey
from cftui.api.models import OperationLog
from cftui.api.retry import RetryPolicy
from cftui.monitor import Monitor
from cftui.monitor.events import ChangeEvent
from cftui.monitor.state import MonitorUpdate
from tests.polling import eventually
from tests.simproc import SimServer, running_sim

__all__ = ["eventually"]  # re-exported from tests/polling.py

FAST_RETRIES = RetryPolicy(base_s=0.05, cap_s=0.2, attempts=3, rate_limit_jitter_s=0.05)


@dataclass
class Recorder:
    """Everything a listener was told, in order."""

    updates: list[MonitorUpdate] = field(default_factory=list)
    events: list[ChangeEvent] = field(default_factory=list)
    log_lines: dict[str, list[OperationLog]] = field(default_factory=dict)

    def __call__(self, update: MonitorUpdate) -> None:
        self.updates.append(update)
        self.events.extend(update.events)
        for operation_id, lines in update.new_log_lines.items():
            self.log_lines.setdefault(operation_id, []).extend(lines)

    def of(self, kind: str, subject_id: str | None = None) -> list[ChangeEvent]:
        return [e for e in self.events if e.kind == kind and (subject_id is None or e.subject_id == subject_id)]


def make_client(sim: SimServer, key: str | None = None, **kwargs: Any) -> CloudForgeClient:
    kwargs.setdefault("retry_policy", FAST_RETRIES)
    kwargs.setdefault("retry_deadline", 5.0)
    kwargs.setdefault("timeout", 3.0)
    return CloudForgeClient(sim.base_url, ApiKey.parse(key or sim.read_key), **kwargs)


@contextlib.asynccontextmanager
async def running_monitor(
    sim: SimServer, *, key: str | None = None, client_options: dict[str, Any] | None = None, **options: Any
) -> AsyncIterator[tuple[Monitor, Recorder]]:
    options.setdefault("max_backoff", 1.0)
    monitor = Monitor(make_client(sim, key, **(client_options or {})), owns_client=True, **options)
    recorder = Recorder()
    monitor.add_listener(recorder)
    task = asyncio.create_task(monitor.run())
    try:
        yield monitor, recorder
    finally:
        await monitor.aclose()
        await asyncio.wait_for(task, 10)


async def control(sim: SimServer, method: str, path: str, json: Any = None) -> Any:
    """The simulator's control endpoint, called off the event loop."""
    return await asyncio.to_thread(sim.control, method, path, json)


async def mutate(sim: SimServer, **body: Any) -> dict[str, Any]:
    return (await control(sim, "POST", "mutate", body))["change"]


async def journal(sim: SimServer, since: int = 0) -> list[dict[str, Any]]:
    return (await control(sim, "GET", f"changes?since={since}"))["changes"]


async def last_seq(sim: SimServer) -> int:
    return (await control(sim, "GET", "changes?since=0&limit=1"))["last_seq"]


def api_get(sim: SimServer, path: str, **params: Any) -> Any:
    params.setdefault("per_page", 100)
    response = httpx.get(
        f"{sim.base_url}/{path}", params=params, headers={"Authorization": f"Bearer {sim.read_key}"}, timeout=10
    )
    response.raise_for_status()
    return response.json()["data"]


def module_sim_fixtures(*flags: str, clear: tuple[str, ...] = ("faults",)) -> tuple[Any, Any]:
    """`shared_sim` (one simulator with `flags` for the module) and `sim` (it, with what `clear` names — faults,
    stats — cleared before and after each test: faults are global to a simulator)."""

    @pytest.fixture(scope="module")
    def shared_sim() -> Any:
        with running_sim(*flags) as server:
            yield server

    @pytest.fixture
    def sim(shared_sim: SimServer) -> Any:
        for what in clear:
            shared_sim.control("DELETE", what)
        yield shared_sim
        for what in clear:
            shared_sim.control("DELETE", what)

    return shared_sim, sim
