"""Faults are ridden out: the state says what is wrong, data already fetched stays, and the engine recovers alone."""

from __future__ import annotations

from cftui.monitor.state import ConnectionStatus
from tests.monitor.helpers import control, eventually, module_sim_fixtures, running_monitor

SIM = ("--seed", "5", "--static", "--plan", "enterprise", "--projects", "3", "--resources", "10")


shared_sim, sim = module_sim_fixtures(*SIM)  # one simulator for the module, left without faults


async def _healthy(monitor) -> None:
    await eventually(lambda: monitor.snapshot.connection.status is ConnectionStatus.OK, message="connection ok")
    await eventually(lambda: monitor.snapshot.projects is not None, message="projects fetched")


async def _fresh_fetch_after(monitor, moment) -> None:
    await eventually(
        lambda: (
            monitor.snapshot.projects.fetched_at > moment and monitor.snapshot.connection.status is ConnectionStatus.OK
        ),
        message="recovered: a new project list arrived and the connection is ok",
    )


async def test_server_errors_make_it_degraded_with_the_request_id_then_it_recovers(sim) -> None:
    async with running_monitor(sim, interval=0.3) as (monitor, _):
        await _healthy(monitor)
        kept = monitor.snapshot.projects
        await control(sim, "POST", "faults", {"error_rate": 1.0})
        state = await eventually(
            lambda: (s := monitor.snapshot.connection).status is ConnectionStatus.DEGRADED and s.request_id and s,
            message="degraded",
        )
        assert state.last_error and "internal_error" in state.last_error
        assert state.request_id in state.last_error
        assert state.next_attempt_at is not None
        assert monitor.snapshot.projects.value == kept.value, "data already fetched is kept through failures"
        # a list answered just before the fault took hold may have refreshed it; from here on, nothing can
        held = monitor.snapshot.projects
        await eventually(lambda: monitor.snapshot.connection.request_id != state.request_id, message="another try")
        assert monitor.snapshot.connection.status is ConnectionStatus.DEGRADED
        assert monitor.snapshot.projects.fetched_at == held.fetched_at, "with its age"
        cleared_at = (await control(sim, "DELETE", "faults")) and monitor.snapshot.projects.fetched_at
        await _fresh_fetch_after(monitor, cleared_at)
        assert monitor.snapshot.connection.last_error is None


async def test_dropped_connections_make_it_offline_then_it_recovers(sim) -> None:
    async with running_monitor(sim, interval=0.3) as (monitor, _):
        await _healthy(monitor)
        await control(sim, "POST", "faults", {"drop_rate": 1.0})
        await eventually(lambda: monitor.snapshot.connection.status is ConnectionStatus.OFFLINE, message="offline")
        assert monitor.snapshot.projects is not None
        moment = monitor.snapshot.projects.fetched_at
        await control(sim, "DELETE", "faults")
        await _fresh_fetch_after(monitor, moment)


async def test_a_rate_limit_storm_shows_until_when_and_passes(sim) -> None:
    async with running_monitor(sim, interval=0.3) as (monitor, _):
        await _healthy(monitor)
        await control(sim, "POST", "faults", {"rate_limit_storm_seconds": 2})
        state = await eventually(
            lambda: (s := monitor.snapshot.connection).status is ConnectionStatus.RATE_LIMITED and s,
            message="rate limited",
        )
        assert state.rate_limited_until is not None and state.rate_limited_until > state.since
        moment = monitor.snapshot.projects.fetched_at
        stats_before = (await control(sim, "GET", "stats"))["by_status"].get("429", 0)
        await control(sim, "DELETE", "faults")
        await _fresh_fetch_after(monitor, moment)
        stats_after = (await control(sim, "GET", "stats"))["by_status"].get("429", 0)
        # it waited for each reset instead of hammering: a handful of 429s, not hundreds
        assert stats_after - stats_before <= 10


async def test_a_revoked_key_stops_polling_and_recovers_when_the_key_works_again(sim) -> None:
    async with running_monitor(sim, interval=0.3, auth_retry_seconds=1.5) as (monitor, _):
        await _healthy(monitor)
        await control(sim, "POST", "faults", {"revoked_keys": [sim.read_key]})
        state = await eventually(
            lambda: (s := monitor.snapshot.connection).status is ConnectionStatus.AUTH_FAILED and s,
            message="auth failed",
        )
        assert "API key rejected" in state.last_error and sim.read_key not in state.last_error
        assert state.next_attempt_at is not None
        await control(sim, "DELETE", "stats")
        # over two retry periods, only the slow probes go out (one request each), not the 0.3 s polling
        mark = monitor.snapshot.connection.next_attempt_at
        await eventually(lambda: monitor.snapshot.connection.next_attempt_at != mark, within=5, message="a probe")
        mark = monitor.snapshot.connection.next_attempt_at
        await eventually(lambda: monitor.snapshot.connection.next_attempt_at != mark, within=5, message="a probe")
        sent = (await control(sim, "GET", "stats"))["requests"]
        assert sent <= 3, f"{sent} requests while the key was refused"
        moment = monitor.snapshot.projects.fetched_at
        await control(sim, "DELETE", "faults")
        await _fresh_fetch_after(monitor, moment)


async def test_refresh_now_retries_a_refused_key_at_once(sim) -> None:
    async with running_monitor(sim, interval=0.3, auth_retry_seconds=600) as (monitor, _):
        await _healthy(monitor)
        await control(sim, "POST", "faults", {"revoked_keys": [sim.read_key]})
        await eventually(lambda: monitor.snapshot.connection.status is ConnectionStatus.AUTH_FAILED)
        moment = monitor.snapshot.projects.fetched_at
        await control(sim, "DELETE", "faults")
        monitor.refresh_now()
        await _fresh_fetch_after(monitor, moment)
