"""The monitor `cftui watch` runs on: the watched operations polled and nothing else, the whole budget theirs, and
a look asked for by a push (`look_now`) sent at once even when the budget has no room for it."""

from __future__ import annotations

from tests.monitor.helpers import api_get, control, eventually, module_sim_fixtures, mutate, running_monitor

shared_sim, sim = module_sim_fixtures("--seed", "5", "--static", "--projects", "3", "--resources", "6")


async def _start(sim, duration_s: float) -> str:
    project = api_get(sim, "projects", status="active")[0]["id"]
    resource = next(r for r in api_get(sim, f"projects/{project}/resources") if not r.get("operation_id"))
    started = await mutate(
        sim, action="start_operation", resource_id=resource["id"], type="restart_resource", duration_s=duration_s
    )
    return started["operation_id"]


async def _paths(sim) -> list[str]:
    return [request["path"] for request in (await control(sim, "GET", "stats"))["recent"]]


async def test_only_the_watched_operations_are_polled_to_their_end(sim) -> None:
    operation_id = await _start(sim, 20)
    await control(sim, "DELETE", "stats")
    async with running_monitor(sim, operations_only=True, watch_operations=[operation_id]) as (monitor, recorder):
        await eventually(lambda: operation_id in monitor.snapshot.operations, message="first poll")
        await control(sim, "POST", "advance", {"seconds": 30})
        await eventually(lambda: monitor.snapshot.operations[operation_id].value.is_finished, message="its end")
        snapshot = monitor.snapshot
    paths = await _paths(sim)
    assert paths and set(paths) == {f"/v2/operations/{operation_id}"}, paths
    assert snapshot.projects is None and not snapshot.resources
    assert recorder.log_lines[operation_id], "log lines are delivered as for the dashboard"


async def test_look_now_goes_beyond_a_spent_budget(sim) -> None:
    operation_id = await _start(sim, 3600)
    await control(sim, "DELETE", "stats")
    # a budget this small (one request a minute) leaves no room for a second poll within the minute
    async with running_monitor(sim, operations_only=True, watch_operations=[operation_id], budget=0.001) as (
        monitor,
        _,
    ):
        first = await eventually(lambda: monitor.snapshot.operations.get(operation_id), message="first poll")
        monitor.look_now(operation_id)
        await eventually(
            lambda: monitor.snapshot.operations[operation_id].fetched_at > first.fetched_at, message="looked again"
        )
    assert await _paths(sim) == [f"/v2/operations/{operation_id}"] * 2
