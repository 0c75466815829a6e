"""The waits themselves, recorded through the client's injectable `sleep`: full jitter within the cap, a 429
never answered at once, and events announcing each wait before it starts."""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from cftui.api import (
    ApiError,
    ApiKey,
    CloudForgeClient,
    NotFound,
    RateLimitWait,
    RetryPolicy,
    RetryScheduled,
    ServerError,
)
from cftui.api.retry import RETRY_STATUSES
from tests.hostile_api import Answer, HostileApi, hostile_api, not_found

KEY = ApiKey.parse("cf_read_" + "c" * 24)
OK_BODY = json.dumps({"data": {"id": "p1", "name": "one"}}).encode()


@pytest.fixture(scope="module")
def server() -> Iterator[HostileApi]:
    with hostile_api(not_found) as running:
        yield running


class Recorder:
    """Stands in for asyncio.sleep: notes each wait (and the events emitted before it), then yields at once."""

    def __init__(self) -> None:
        self.waits: list[float] = []
        self.events_before_wait: list[int] = []
        self.events: list[Any] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.events_before_wait.append(len(self.events))
        await asyncio.sleep(0)


def client_for(server: HostileApi, recorder: Recorder, policy: RetryPolicy, **kwargs: Any) -> CloudForgeClient:
    client = CloudForgeClient(server.base_url, KEY, retry_policy=policy, sleep=recorder, **kwargs)
    client.add_listener(recorder.events.append)
    return client


async def test_full_jitter_exponential_backoff_within_the_cap(server: HostileApi) -> None:
    server.answer("/projects/p1", Answer(status=503, body=b"busy", content_type="text/plain"))
    recorder = Recorder()
    policy = RetryPolicy(base_s=0.5, cap_s=3.0, attempts=7, rng=random.Random(42))
    async with client_for(server, recorder, policy, retry_deadline=3600) as client:
        with pytest.raises(ServerError) as caught:
            await client.get_project("p1")
    assert caught.value.attempts == 7 and caught.value.code == "service_unavailable"
    ceilings = [0.5, 1.0, 2.0, 3.0, 3.0, 3.0]
    assert len(recorder.waits) == 6
    assert all(0 <= wait <= ceiling for wait, ceiling in zip(recorder.waits, ceilings, strict=True))
    assert len(set(recorder.waits)) == 6  # jittered, not a fixed ladder
    scheduled = [e for e in recorder.events if isinstance(e, RetryScheduled)]
    assert [e.attempt for e in scheduled] == [1, 2, 3, 4, 5, 6]
    # each RetryScheduled was emitted before its wait began
    positions = [recorder.events.index(e) for e in scheduled]
    assert all(pos < before for pos, before in zip(positions, recorder.events_before_wait, strict=True))


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
async def test_client_errors_are_never_retried(server: HostileApi, status: int) -> None:
    server.answer("/projects/p1", Answer(status=status, body=b'{"error": {"code": "x", "message": "no"}}'))
    recorder = Recorder()
    start = len(server.seen)
    async with client_for(server, recorder, RetryPolicy(attempts=5)) as client:
        with pytest.raises(ApiError) as caught:
            await client.get_project("p1")
    assert caught.value.status == status
    assert len(server.seen) - start == 1 and recorder.waits == []


def test_exactly_the_server_errors_are_retryable() -> None:
    assert frozenset({500, 502, 503, 504}) == RETRY_STATUSES


async def test_a_429_that_says_now_is_still_not_answered_at_once(server: HostileApi) -> None:
    answers = iter([Answer(status=429, body=b"{}", headers={"Retry-After": "0"}), Answer(body=OK_BODY)])
    server.answer("/projects/p1", lambda seen: next(answers))
    recorder = Recorder()
    policy = RetryPolicy(rate_limit_jitter_s=0.0)
    async with client_for(server, recorder, policy) as client:
        project = await client.get_project("p1")
    assert project.id == "p1"
    assert len(recorder.waits) == 1 and recorder.waits[0] >= 0.25
    assert isinstance(recorder.events[recorder.events_before_wait[0] - 1], RateLimitWait)


async def test_retry_after_as_an_http_date_and_reset_take_the_later(server: HostileApi) -> None:
    reset = int((datetime.now(UTC) + timedelta(seconds=40)).timestamp())
    soon = (datetime.now(UTC) + timedelta(seconds=5)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    headers = {"Retry-After": soon, "X-RateLimit-Reset": str(reset)}
    answers = iter([Answer(status=429, body=b"{}", headers=headers), Answer(body=OK_BODY)])
    server.answer("/projects/p1", lambda seen: next(answers))
    recorder = Recorder()
    async with client_for(server, recorder, RetryPolicy(rate_limit_jitter_s=0.0), retry_deadline=120) as client:
        await client.get_project("p1")
    (wait,) = [e for e in recorder.events if isinstance(e, RateLimitWait)]
    assert wait.until == datetime.fromtimestamp(reset, UTC)
    assert 30 < recorder.waits[0] <= 41


async def test_rate_limit_headers_are_tracked_from_every_response(server: HostileApi) -> None:
    reset = int((datetime.now(UTC) + timedelta(seconds=30)).timestamp())
    headers = {"X-RateLimit-Limit": "1000", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)}
    server.answer("/projects/p1", Answer(status=404, body=b"{}", headers=headers))
    recorder = Recorder()
    async with client_for(server, recorder, RetryPolicy(rate_limit_jitter_s=0.0), retry_deadline=120) as client:
        with pytest.raises(NotFound):
            await client.get_project("p1")
        info = client.rate_limit
        assert (info.limit, info.remaining) == (1000, 0)
        assert info.reset_at == datetime.fromtimestamp(reset, UTC)
        server.answer("/projects/p1", Answer(body=OK_BODY))
        await client.get_project("p1")  # Remaining was 0: the client waits for Reset before sending
    assert [e.until for e in recorder.events if isinstance(e, RateLimitWait)] == [info.reset_at]
    assert 25 < recorder.waits[0] <= 31


async def test_redirects_are_not_followed(server: HostileApi) -> None:
    location = "http://elsewhere.example.com/v2/projects/p1"
    server.answer("/projects/p1", Answer(status=301, body=b"", headers={"Location": location}))
    start = len(server.seen)
    async with client_for(server, Recorder(), RetryPolicy()) as client:
        with pytest.raises(ApiError) as caught:
            await client.get_project("p1")
    assert caught.value.code == "redirect" and caught.value.status == 301
    assert f"redirects to {location}; cftui does not follow redirects" in str(caught.value)
    assert len(server.seen) - start == 1
