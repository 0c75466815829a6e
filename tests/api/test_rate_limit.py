"""Rate limits on the simulator's starter plan (100/min, burst 150): the client reads X-RateLimit-*, holds its
requests until Reset when nothing remains, and on a 429 waits for Retry-After/Reset instead of hammering.

Each test uses its own key, so each has its own token bucket on the one simulator."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from cftui.api import (
    ApiKey,
    CloudForgeClient,
    RateLimited,
    RateLimitWait,
    RequestFinished,
    RetryPolicy,
)
from tests.simproc import SimServer, running_sim

KEYS = {name: f"cf_read_ratelimit{name}000000000{index:04d}" for index, name in enumerate("abcdef")}


@pytest.fixture(scope="module")
def starter_sim() -> Iterator[SimServer]:
    with running_sim("--seed", "3", "--static", "--plan", "starter", keys=dict(KEYS)) as server:
        yield server


@pytest.fixture
def sim(starter_sim: SimServer) -> Iterator[SimServer]:
    yield starter_sim
    starter_sim.control("DELETE", "faults")


def masked(key: str) -> str:
    return ApiKey.parse(key).masked


def client_with(sim: SimServer, key: str, **kwargs: Any) -> tuple[CloudForgeClient, list[Any]]:
    policy = RetryPolicy(base_s=0.01, cap_s=0.05, attempts=3, rate_limit_jitter_s=0.05)
    client = CloudForgeClient(sim.base_url, ApiKey.parse(key), retry_policy=policy, **kwargs)
    events: list[Any] = []
    client.add_listener(events.append)
    return client, events


def server_log(sim: SimServer, key: str) -> list[dict[str, Any]]:
    return [e for e in sim.control("GET", "stats")["recent"] if e["key"] == masked(key)]


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


async def test_when_nothing_remains_the_client_waits_for_reset(sim: SimServer) -> None:
    key = KEYS["a"]
    project_id = sim.get("projects", key=key).json()["data"][0]["id"]
    client, events = client_with(sim, key, retry_deadline=30)
    async with client:
        for _ in range(400):
            await client.get_project(project_id)
            if client.rate_limit.remaining == 0:
                break
        spent = client.rate_limit
        assert spent.remaining == 0 and spent.limit == 100
        assert spent.reset_at is not None and spent.reset_at > spent.observed_at - timedelta(seconds=1)
        assert not [e for e in events if isinstance(e, RateLimitWait)]
        await client.get_project(project_id)  # must wait for the reset instead of sending now
    waits = [e for e in events if isinstance(e, RateLimitWait)]
    assert [w.until for w in waits] == [spent.reset_at]
    log = server_log(sim, key)
    assert all(entry["status"] == 200 for entry in log), "the client never drew a 429"
    assert parse_time(log[-1]["at"]) >= spent.reset_at  # the last request arrived after Reset


async def _hammered_request(sim: SimServer, key: str) -> tuple[Any, list[Any]]:
    """Spend the key's bucket behind the client's back until a 429, then ask with the client while the bucket is
    kept empty, until the client is told to wait. Returns the client's result and its events."""
    headers = {"Authorization": f"Bearer {key}"}
    bucket_empty, stop = asyncio.Event(), asyncio.Event()

    async def hammer() -> None:
        async with httpx.AsyncClient(timeout=10) as raw:
            while not stop.is_set():
                response = await raw.get(f"{sim.base_url}/projects", headers=headers)
                if response.status_code == 429:
                    assert "Retry-After" in response.headers
                    bucket_empty.set()

    hammering = asyncio.create_task(hammer())
    client, events = client_with(sim, key, retry_deadline=30)
    client.add_listener(lambda event: stop.set() if isinstance(event, RateLimitWait) else None)
    try:
        await asyncio.wait_for(bucket_empty.wait(), timeout=30)
        async with client:
            result = await client.list_projects()
    finally:
        stop.set()
        await hammering
    return result, events


async def test_a_429_is_waited_out_then_retried(sim: SimServer) -> None:
    key = KEYS["b"]
    # The bucket refills a token every 0.6 s on real time: now and then the client's first request, not the
    # hammer's, wins the fresh token and gets a 200. Ask again (bounded) until the client draws the 429.
    for _ in range(10):
        result, events = await _hammered_request(sim, key)
        finished = [e for e in events if isinstance(e, RequestFinished)]
        if finished[0].status == 429:
            break
    assert result.items
    assert [e.status for e in finished] == [429, 200]
    assert isinstance(finished[0].error, RateLimited)
    (wait,) = [e for e in events if isinstance(e, RateLimitWait)]
    assert wait.until == finished[0].error.retry_at
    assert parse_time(server_log(sim, key)[-1]["at"]) >= wait.until - timedelta(milliseconds=50)
    assert result.pages == 1  # a 429 is not counted as a failed attempt
    assert finished[0].request_id != finished[1].request_id


async def test_a_wait_beyond_the_deadline_raises_rate_limited(sim: SimServer) -> None:
    key = KEYS["c"]
    sim.control("POST", "faults", {"rate_limit_storm_seconds": 30})
    client, events = client_with(sim, key, retry_deadline=2)
    before = datetime.now(UTC)
    async with client:
        with pytest.raises(RateLimited) as caught:
            await client.list_projects()
    error = caught.value
    assert before + timedelta(seconds=20) < error.retry_at < before + timedelta(seconds=40)
    assert str(error).startswith(f"Rate limited until {error.retry_at:%H:%M:%S} UTC (rate_limited, request req_")
    assert error.status == 429
    assert len(server_log(sim, key)) == 1 and not [e for e in events if isinstance(e, RateLimitWait)]


async def test_a_rate_storm_is_waited_out(sim: SimServer) -> None:
    key = KEYS["d"]
    sim.control("POST", "faults", {"rate_limit_storm_seconds": 1})
    client, events = client_with(sim, key, retry_deadline=20)

    def end_storm_when_waiting(event: Any) -> None:
        if isinstance(event, RateLimitWait):
            sim.control("DELETE", "faults")

    client.add_listener(end_storm_when_waiting)
    async with client:
        result = await client.list_projects()
    assert result.items
    statuses = [e.status for e in events if isinstance(e, RequestFinished)]
    assert statuses == [429, 200]
    (wait,) = [e for e in events if isinstance(e, RateLimitWait)]
    assert parse_time(server_log(sim, key)[-1]["at"]) >= wait.until - timedelta(milliseconds=50)
