"""Faults from the simulator's control endpoint: flapping, proxy errors, hangs, drops, truncation, revoked keys.

Retries happen only where they should (GET; connection errors, timeouts, 500-504), announce themselves, and
end in a typed error within the deadline."""

from __future__ import annotations

import asyncio
import re
import socket
from typing import Any

import pytest

from cftui.api import (
    ApiKey,
    AuthenticationFailed,
    CloudForgeClient,
    MalformedResponse,
    RequestFinished,
    RetryPolicy,
    RetryScheduled,
    ServerError,
    Unreachable,
)
from tests.monitor.helpers import module_sim_fixtures
from tests.simproc import SimServer

# a simulator of this module's own: faults are global to a simulator, so never the shared one
shared_sim, sim = module_sim_fixtures("--seed", "11", "--static", "--plan", "enterprise", clear=("faults", "stats"))


def fast(attempts: int = 5, base_s: float = 0.01) -> RetryPolicy:
    return RetryPolicy(base_s=base_s, cap_s=0.05, attempts=attempts, rate_limit_jitter_s=0.01)


def client_for(sim: SimServer, **kwargs: Any) -> tuple[CloudForgeClient, list[Any]]:
    kwargs.setdefault("retry_policy", fast())
    client = CloudForgeClient(sim.base_url, ApiKey.parse(sim.read_key), **kwargs)
    events: list[Any] = []
    client.add_listener(events.append)
    return client, events


def a_project_id(sim: SimServer) -> str:
    return sim.get("projects").json()["data"][0]["id"]


def requests_sent(sim: SimServer) -> int:
    return sum(1 for entry in sim.control("GET", "stats")["recent"] if entry["path"].startswith("/v2/"))


async def test_a_flapping_server_is_survived(sim: SimServer) -> None:
    project_id = a_project_id(sim)
    sim.control("POST", "faults", {"error_rate": 0.3})
    client, events = client_for(sim, retry_policy=fast(attempts=12))
    async with client:
        for _ in range(25):
            assert (await client.get_project(project_id)).id == project_id
    retries = [e for e in events if isinstance(e, RetryScheduled)]
    failures = [e for e in events if isinstance(e, RequestFinished) and e.status == 500]
    assert retries, "with 30% errors over 25 calls some attempt failed"
    assert len(retries) == len(failures)
    assert all(isinstance(r.error, ServerError) and r.error.status == 500 for r in retries)
    assert all(f.error is not None and f.error.code == "internal_error" for f in failures)


async def test_persistent_502_gives_up_after_the_attempts(sim: SimServer) -> None:
    sim.control("POST", "faults", {"error_rate": 1.0, "error_status": 502})
    client, events = client_for(sim, retry_policy=fast(attempts=4))
    async with client:
        with pytest.raises(ServerError) as caught:
            await client.list_projects()
    assert caught.value.status == 502
    assert "CloudForge server error on GET /projects" in str(caught.value)
    assert str(caught.value).endswith("(gave up after 4 attempts)") and caught.value.attempts == 4
    assert [e.attempt for e in events if isinstance(e, RetryScheduled)] == [1, 2, 3]
    assert requests_sent(sim) == 4


async def test_the_deadline_bounds_the_retries(sim: SimServer) -> None:
    sim.control("POST", "faults", {"error_rate": 1.0, "error_status": 503})
    client, events = client_for(sim, retry_policy=fast(attempts=1000, base_s=0.2), retry_deadline=1.0)
    async with client:
        with pytest.raises(ServerError) as caught:
            await client.list_projects()
    assert caught.value.status == 503
    sent = requests_sent(sim)
    assert 1 <= sent < 100  # stopped by the deadline, not by the attempts
    # every attempt but the first was a scheduled retry; a last one whose sleep woke too late is not sent
    assert len([e for e in events if isinstance(e, RetryScheduled)]) in (sent - 1, sent)


async def test_a_retry_the_deadline_leaves_no_time_for_reports_the_servers_error(sim: SimServer) -> None:
    """On a busy machine the backoff's sleep can wake up late, with the overall deadline almost spent: the server's
    503 is what is reported, not an "unreachable" made up by the attempt the deadline cut to a moment."""
    sim.control("POST", "faults", {"error_rate": 1.0, "error_status": 503, "latency_ms": 200})

    async def late_sleep(seconds: float) -> None:
        await asyncio.sleep(seconds + 0.7)  # the loop wakes 0.7 s late

    client, _ = client_for(sim, retry_policy=fast(attempts=10), retry_deadline=1.0, sleep=late_sleep)
    async with client:
        with pytest.raises(ServerError) as caught:
            await client.list_projects()
    assert caught.value.status == 503 and caught.value.attempts == 1
    assert requests_sent(sim) == 1, "no attempt sent with only a moment left"


async def test_a_hung_request_times_out_and_is_retried(sim: SimServer) -> None:
    sim.control("POST", "faults", {"hang_rate": 1.0, "hang_seconds": 60})
    client, events = client_for(sim, timeout=0.3, retry_policy=fast(attempts=2))
    async with client:
        with pytest.raises(Unreachable) as caught:
            await client.list_projects()
    assert "no answer within 0.3 s" in str(caught.value)
    assert str(caught.value).startswith("Cannot reach CloudForge for GET /projects (unreachable, request req_cftui_")
    finished = [e for e in events if isinstance(e, RequestFinished)]
    assert len(finished) == 2 and all(e.status is None and isinstance(e.error, Unreachable) for e in finished)


async def test_a_hung_attempt_does_not_outlive_the_deadline(sim: SimServer) -> None:
    sim.control("POST", "faults", {"hang_rate": 1.0, "hang_seconds": 60})
    client, events = client_for(sim, timeout=10, retry_deadline=0.5)
    async with client:
        with pytest.raises(Unreachable) as caught:
            await client.list_projects()
    match = re.search(r"no answer within ([0-9.]+) s", str(caught.value))
    assert match and float(match.group(1)) <= 0.5  # the 10 s timeout shrank to the deadline
    assert all(e.duration_s < 10 for e in events if isinstance(e, RequestFinished))


async def test_dropped_connections_are_retried(sim: SimServer) -> None:
    sim.control("POST", "faults", {"drop_rate": 1.0})
    client, events = client_for(sim, retry_policy=fast(attempts=3))
    async with client:
        with pytest.raises(Unreachable) as caught:
            await client.list_projects()
        assert "without a complete response" in str(caught.value) or "could not connect" in str(caught.value)
        assert len([e for e in events if isinstance(e, RetryScheduled)]) == 2
    # drops at random: with 12 attempts a call fails only when all 12 drop (0.4^12, under 1 in 50,000), whatever
    # the simulator's random sequence is (it depends on which of this module's tests ran before on this worker)
    sim.control("POST", "faults", {"drop_rate": 0.4})
    client, events = client_for(sim, retry_policy=fast(attempts=12))
    async with client:
        for _ in range(10):
            assert (await client.list_projects()).items
    assert [e for e in events if isinstance(e, RetryScheduled)]  # the drops happened and were retried


async def test_truncated_json_is_malformed_not_a_crash(sim: SimServer) -> None:
    sim.control("POST", "faults", {"truncate_rate": 1.0})
    client, _ = client_for(sim)
    async with client:
        with pytest.raises(MalformedResponse) as caught:
            await client.list_projects()
    text = str(caught.value)
    assert text.startswith("Malformed response to GET /projects (malformed_response, HTTP 200, request req_")
    assert "the body is not valid JSON" in text
    assert requests_sent(sim) == 1  # a complete but broken body is not retried


async def test_a_revoked_key_is_an_actionable_error_and_not_retried(sim: SimServer) -> None:
    sim.control("POST", "faults", {"revoked_keys": [sim.read_key]})
    client, events = client_for(sim, key_hint="CLOUDFORGE_API_KEY or profile 'prod'")
    async with client:
        with pytest.raises(AuthenticationFailed) as caught:
            await client.list_projects()
    error = caught.value
    assert error.status == 401 and error.code == "authentication_failed"
    text = str(error)
    assert text.startswith(f"API key rejected (authentication_failed, request {error.request_id}): ")
    assert "check CLOUDFORGE_API_KEY or profile 'prod'" in text
    assert sim.read_key not in text and sim.read_key not in repr(error)
    assert requests_sent(sim) == 1
    assert not [e for e in events if isinstance(e, RetryScheduled)]


async def test_nothing_listening_is_unreachable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = CloudForgeClient(
        f"http://127.0.0.1:{port}/v2", ApiKey.parse("cf_read_" + "b" * 24), retry_policy=fast(attempts=2)
    )
    async with client:
        with pytest.raises(Unreachable) as caught:
            await client.list_projects()
    assert f"could not connect to http://127.0.0.1:{port}/v2" in str(caught.value)


async def test_a_listener_that_raises_does_not_break_the_client(sim: SimServer) -> None:
    client, _ = client_for(sim)

    def broken(event: Any) -> None:
        raise RuntimeError("listener bug")

    client.add_listener(broken)
    async with client:
        assert (await client.list_projects()).items
