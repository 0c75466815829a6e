"""The monitor runs on the clock it is given: budget, scheduling and data age in simulated time, no real waits.

Each test gives a real Monitor (on a real simulator) a FakeClock that moves only when the test advances it, so a
minute of budget or an interval of 30 s passes in no time, and what the monitor decides follows that clock alone.
"""

from __future__ import annotations

from datetime import timedelta

from cftui.api.client_events import ClientEvent, RequestFinished
from cftui.monitor import Monitor
from tests.clock import START, FakeClock
from tests.monitor.helpers import api_get, eventually, make_client, running_monitor
from tests.simproc import SimServer


def _count_requests(monitor: Monitor) -> list[str]:
    """The path of every request the monitor's client finishes, in order."""
    paths: list[str] = []

    def on_event(event: ClientEvent) -> None:
        if isinstance(event, RequestFinished):
            paths.append(event.path)

    monitor.client.add_listener(on_event)
    return paths


async def test_the_request_window_forgets_requests_after_the_simulated_minute(static_sim: SimServer) -> None:
    clock = FakeClock()
    async with Monitor(make_client(static_sim), owns_client=True, clock=clock) as monitor:
        paths = _count_requests(monitor)
        await monitor.poll_once()
        first_pass = len(paths)
        assert first_pass > 1  # the project list and a visit of each project
        monitor.set_interval(5.0)  # publishes a fresh snapshot
        assert monitor.snapshot.rate.used_last_minute == first_pass

        clock.advance(59.0)  # still inside the simulated minute: every request counts
        await monitor.poll_once(others=False)
        assert monitor.snapshot.rate.used_last_minute == first_pass + 1

        clock.advance(2.0)  # the first pass is now more than a simulated minute old
        await monitor.poll_once(others=False)
        assert len(paths) == first_pass + 2
        assert monitor.snapshot.rate.used_last_minute == 2


async def test_a_job_becomes_due_at_its_simulated_time(sim_factory) -> None:
    sim = sim_factory("--seed", "5", "--static", "--projects", "1", "--resources", "5")
    project_id = api_get(sim, "projects")[0]["id"]
    listing = f"/projects/{project_id}/resources"
    clock = FakeClock()
    async with running_monitor(sim, interval=30.0, clock=clock) as (monitor, _):
        paths = _count_requests(monitor)
        monitor.focus_project(project_id)
        await eventually(lambda: paths.count(listing) == 1, message="the focused project listed once")
        assert monitor.snapshot.effective_interval == 30.0  # one project: the interval is met as asked

        clock.advance(29.0)  # one simulated second short of the interval
        # a job that is due at once: once it has run, the loop has looked at the focused project's job too
        monitor.watch_operation("op_clock_missing")
        await eventually(lambda: "op_clock_missing" in monitor.snapshot.operation_errors, message="loop turned")
        assert paths.count(listing) == 1, "refreshed before its simulated time"

        clock.advance(1.5)  # past the interval
        await eventually(lambda: paths.count(listing) == 2, message="refreshed once the interval passed")
        await eventually(lambda: monitor.snapshot.resources[project_id].fetched_at == clock.now())


async def test_the_age_of_data_comes_from_the_injected_clock(static_sim: SimServer) -> None:
    project_id = api_get(static_sim, "projects")[0]["id"]
    clock = FakeClock()
    async with Monitor(make_client(static_sim), owns_client=True, clock=clock) as monitor:
        await monitor.poll_once([project_id])
        snapshot = monitor.snapshot
        assert snapshot.projects is not None and snapshot.projects.fetched_at == START
        assert snapshot.resources[project_id].fetched_at == START
        assert set(snapshot.org.project_seen_at.values()) == {START}
        assert snapshot.connection.last_success_at == START
        assert snapshot.connection.since == START

        clock.advance(90.0)
        await monitor.poll_once([project_id], others=False)
        snapshot = monitor.snapshot
        assert snapshot.projects is not None and snapshot.projects.fetched_at == START + timedelta(seconds=90)
        assert snapshot.resources[project_id].fetched_at == START + timedelta(seconds=90)
        assert snapshot.connection.last_success_at == START + timedelta(seconds=90)
        assert snapshot.connection.since == START  # still the same OK spell
