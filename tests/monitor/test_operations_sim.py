"""Watched operations: followed to their end, log lines once each in order, time left, unknown ids; poll_once."""

from __future__ import annotations

import asyncio
import itertools
import time
from datetime import UTC, datetime, timedelta

from cftui.monitor import time_left
from cftui.monitor.state import ConnectionStatus
from tests.monitor.helpers import (
    api_get,
    control,
    eventually,
    make_client,
    module_sim_fixtures,
    mutate,
    running_monitor,
)

SIM = ("--seed", "9", "--static", "--plan", "enterprise", "--projects", "4", "--resources", "8")


shared_sim, sim = module_sim_fixtures(*SIM)  # one simulator for the module, left without faults


async def test_a_watched_operation_is_followed_to_its_end_with_each_log_line_once(sim) -> None:
    project = api_get(sim, "projects")[0]["id"]
    resource = next(r for r in api_get(sim, f"projects/{project}/resources") if r["status"] == "running")
    started = await mutate(
        sim, action="start_operation", resource_id=resource["id"], type="restart_resource", duration_s=20
    )
    operation_id = started["operation_id"]
    async with running_monitor(sim, interval=30, watch_operations=[operation_id]) as (monitor, recorder):
        await eventually(lambda: operation_id in monitor.snapshot.operations, message="first poll")
        seen_statuses = set()
        left_times = []
        for _ in range(12):
            fetched = monitor.snapshot.operations[operation_id]
            if fetched.value.is_finished:
                break
            seen_statuses.add(fetched.value.status)
            remaining = time_left(fetched.value, datetime.now(UTC))
            if remaining is not None:
                left_times.append(remaining)
            await control(sim, "POST", "advance", {"seconds": 5})
            await eventually(
                lambda f=fetched: monitor.snapshot.operations[operation_id].fetched_at > f.fetched_at,
                message="polled again",
            )
        final = await eventually(
            lambda: (f := monitor.snapshot.operations[operation_id]).value.is_finished and f, message="finished"
        )
        api_logs = api_get(sim, f"operations/{operation_id}")["logs"]

    assert final.value.status == "completed"
    assert [line.message for line in recorder.log_lines[operation_id]] == [line["message"] for line in api_logs]
    assert len(recorder.of("operation.completed", operation_id)) == 1
    progress = recorder.of("operation.progress", operation_id)
    assert progress, "progress was reported while it moved"
    assert all(a.data["progress"] <= b.data["progress"] for a, b in itertools.pairwise(progress))
    assert "in_progress" in seen_statuses
    assert left_times and all(timedelta(0) <= t <= timedelta(seconds=30) for t in left_times)
    assert time_left(final.value, datetime.now(UTC)) is None


async def test_an_unknown_operation_id_is_dropped_and_said_so(sim) -> None:
    async with running_monitor(sim, interval=30, watch_operations=["op_doesnotexist"]) as (monitor, _):
        reason = await eventually(lambda: monitor.snapshot.operation_errors.get("op_doesnotexist"), message="404")
        assert "not found" in reason and "no longer watched" in reason
        assert "op_doesnotexist" not in monitor.snapshot.operations
        assert monitor.snapshot.connection.status is ConnectionStatus.OK, "a 404 is an answer, not an outage"
        await control(sim, "DELETE", "stats")
        moment = monitor.snapshot.projects.fetched_at if monitor.snapshot.projects else None
        monitor.refresh_now()
        await eventually(lambda: monitor.snapshot.projects and monitor.snapshot.projects.fetched_at != moment)
        paths = [r["path"] for r in (await control(sim, "GET", "stats"))["recent"]]
        assert not any("op_doesnotexist" in p for p in paths)


async def test_reasons_for_dropped_operations_stay_bounded(sim) -> None:
    from cftui.monitor.jobs import MAX_OPERATION_ERRORS

    missing = [f"op_missing{index:03d}" for index in range(MAX_OPERATION_ERRORS + 10)]
    await control(sim, "DELETE", "stats")

    async def asked_for_all() -> bool:
        recent = (await control(sim, "GET", "stats"))["recent"]
        return sum("/operations/" in r["path"] for r in recent) >= len(missing)

    async with running_monitor(sim, interval=30, watch_operations=missing) as (monitor, _):
        deadline = time.monotonic() + 30
        while not await asked_for_all():
            assert time.monotonic() < deadline, "every missing operation asked for within 30 s"
            await asyncio.sleep(0.2)
        await eventually(lambda: missing[-1] in monitor.snapshot.operation_errors)
        errors = monitor.snapshot.operation_errors
        assert len(errors) == MAX_OPERATION_ERRORS
        assert all("no longer watched" in sentence for sentence in errors.values())
        assert monitor.snapshot.connection.status is ConnectionStatus.OK


async def test_an_invalid_operation_id_is_dropped_without_an_outage(sim) -> None:
    # ".." cannot be a path segment: the client refuses it before sending (a ValidationFailed, not a 404)
    async with running_monitor(sim, interval=30, watch_operations=[".."]) as (monitor, _):
        reason = await eventually(lambda: monitor.snapshot.operation_errors.get(".."), message="refused id")
        assert "not a valid operation id" in reason and "no longer watched" in reason
        await eventually(lambda: monitor.snapshot.projects is not None, message="projects still polled")
        assert monitor.snapshot.connection.status is ConnectionStatus.OK, "a bad id is not an outage"


async def test_an_operation_that_ended_before_we_looked_is_shown_but_is_not_news(sim) -> None:
    resource = api_get(sim, f"projects/{api_get(sim, 'projects')[1]['id']}/resources")[0]
    started = await mutate(sim, action="start_operation", resource_id=resource["id"], outcome="failed", duration_s=5)
    await control(sim, "POST", "advance", {"seconds": 30})
    async with running_monitor(sim, interval=30, watch_operations=[started["operation_id"]]) as (monitor, recorder):
        fetched = await eventually(lambda: monitor.snapshot.operations.get(started["operation_id"]))
        assert fetched.value.status == "failed"
        assert recorder.log_lines[started["operation_id"]], "its log is still delivered"
    assert not recorder.of("operation.failed")


async def test_poll_once_gives_one_full_snapshot_for_the_status_command(sim) -> None:
    projects = [p["id"] for p in api_get(sim, "projects")]
    broken = api_get(sim, f"projects/{projects[2]}/resources")[0]["id"]
    await mutate(sim, action="set_status", resource_id=broken, status="error")
    errors_in_first = sum(r["status"] == "error" for r in api_get(sim, f"projects/{projects[0]}/resources"))
    await control(sim, "DELETE", "stats")
    from cftui.monitor import Monitor

    async with Monitor(make_client(sim), owns_client=True) as monitor:
        snapshot = await monitor.poll_once([projects[0]])
    assert [p.id for p in snapshot.projects.value] == projects
    assert set(snapshot.resources) == {projects[0]}, "full lists only for the projects named"
    assert set(snapshot.problem_counts) == set(projects), "the sweep covered the others"
    assert snapshot.problem_counts[projects[2]] >= 1
    assert snapshot.problem_counts[projects[0]] >= errors_in_first
    assert snapshot.connection.status is ConnectionStatus.OK
    stats = await control(sim, "GET", "stats")
    assert stats["requests"] == 1 + 1 + (len(projects) - 1), "one list, one full list, one sweep per other project"


async def test_poll_once_with_a_refused_key_reports_auth_failure_without_raising(sim) -> None:
    await control(sim, "POST", "faults", {"revoked_keys": [sim.read_key]})
    from cftui.monitor import Monitor

    async with Monitor(make_client(sim), owns_client=True) as monitor:
        snapshot = await monitor.poll_once()
    assert snapshot.connection.status is ConnectionStatus.AUTH_FAILED
    assert snapshot.projects is None
