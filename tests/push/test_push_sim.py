"""Push against the simulator's own signed webhooks: each change once, confirmed, followed; polling relaxes."""

from __future__ import annotations

import socket
from collections import Counter
from decimal import Decimal
from typing import Any

import httpx

from cftui.monitor.events import EventKind
from cftui.monitor.state import PushMode
from tests.monitor.helpers import api_get, eventually, journal, last_seq, mutate
from tests.push.helpers import delivery, encode, post, push_monitor, register, signed_headers
from tests.simproc import TEST_KEY

SIM = ("--static", "--plan", "enterprise", "--projects", "4", "--resources", "6")


def _running(sim: Any, project_id: str, skip: int = 0) -> dict[str, Any]:
    resources = [r for r in api_get(sim, f"projects/{project_id}/resources") if r["status"] == "running"]
    return resources[skip]


async def test_status_operation_and_threshold_arrive_by_push_once_and_are_confirmed(sim_factory: Any) -> None:
    sim = sim_factory(*SIM, "--seed", "31")
    project = api_get(sim, "projects", status="active")[0]
    threshold = project["monthly_cost"] + 50
    # interval of an hour: after the first look, only a push can tell of these changes in time; the monitor has the
    # webhook's threshold too, so that polling, when it looks at the end, sees every one of these changes as well
    thresholds = {project["id"]: Decimal(str(threshold))}
    async with push_monitor(sim, interval=3600, cost_thresholds=thresholds) as (monitor, recorder, url):
        monitor.focus_project(project["id"])
        await eventually(lambda: project["id"] in monitor.snapshot.resources, message="first look")
        await register(sim, url, cost_threshold=threshold)
        since = await last_seq(sim)
        broken, restarted = _running(sim, project["id"]), _running(sim, project["id"], 1)
        await mutate(sim, action="set_status", resource_id=broken["id"], status="error")
        started = await mutate(
            sim, action="start_operation", resource_id=restarted["id"], type="restart_resource",
            outcome="completed", duration_s=30,
        )  # fmt: skip
        operation_id = started["operation_id"]
        # the operation was first learnt from a push (the resource went to pending with it), and the project's
        # list is not due for an hour: it is followed all the same
        await eventually(lambda: operation_id in monitor.snapshot.operations, message="pushed operation followed")
        await control_advance(sim, 60)
        await mutate(sim, action="set_cost", resource_id=broken["id"], monthly_cost=broken["monthly_cost"] + 100)
        await eventually(lambda: recorder.of("operation.completed", operation_id), message="operation.completed")
        await eventually(lambda: recorder.of("cost.threshold_exceeded", project["id"]), message="threshold")
        changes = await journal(sim, since)
        await eventually(lambda: monitor.snapshot.push.confirmed >= 3, message="confirmations")
        # now the poll sees the same changes (the project list and the project's resources, read again): each is
        # still shown once, as pushed
        monitor.refresh_now()
        await eventually(lambda: _project_cost(monitor, project["id"]) > threshold, message="the poll sees the cost")
        await eventually(lambda: _listed_status(monitor, project["id"], broken["id"]) == "error", message="and status")
        await eventually(lambda: monitor.snapshot.push.merged >= 2, message="the polled echoes merged")

    status_changes = [c for c in changes if c["kind"] == "resource.status_changed"]
    assert {(c["resource_id"], c["new"]) for c in status_changes} >= {(broken["id"], "error")}
    shown = Counter((e.kind.value, e.subject_id, e.new if e.kind is EventKind.RESOURCE_STATUS_CHANGED else None)
                    for e in recorder.events)  # fmt: skip
    for change in status_changes:  # every status change in the journal: exactly one event
        assert shown[("resource.status_changed", change["resource_id"], change["new"])] == 1, change
    assert shown[("operation.completed", operation_id, None)] == 1
    assert shown[("cost.threshold_exceeded", project["id"], None)] == 1
    pushed = [e for e in recorder.events if e.kind is not EventKind.OPERATION_PROGRESS]
    assert pushed and all(e.source == "push" for e in pushed)
    assert recorder.of("resource.status_changed", broken["id"])[0].data["delivery_id"].startswith("evt_")
    assert monitor.snapshot.push.contradicted == 0 and not recorder.of("push.contradicted")
    assert monitor.snapshot.push.refused == {}


async def control_advance(sim: Any, seconds: float) -> None:
    from tests.monitor.helpers import control

    await control(sim, "POST", "advance", {"seconds": seconds})


async def test_a_change_seen_by_push_and_poll_is_shown_once_whichever_comes_first(sim_factory: Any) -> None:
    sim = sim_factory(*SIM, "--seed", "32")
    project = api_get(sim, "projects", status="active")[0]
    async with push_monitor(sim, interval=0.5) as (monitor, recorder, url):
        monitor.focus_project(project["id"])
        await eventually(lambda: project["id"] in monitor.snapshot.resources, message="focused list")
        await register(sim, url, ["resource.status_changed"])
        first, second = _running(sim, project["id"]), _running(sim, project["id"], 1)

        # the simulator's delivery and the half-second poll race: whichever tells first, the change shows once
        await mutate(sim, action="set_status", resource_id=first["id"], status="error")
        await eventually(lambda: _listed_status(monitor, project["id"], first["id"]) == "error", message="poll")
        await eventually(lambda: monitor.snapshot.push.merged >= 1, message="merged")
        assert len(recorder.of("resource.status_changed", first["id"])) == 1

        # poll first: a delivery of a change polling already reported is verified, counted and not shown again
        await mutate(sim, action="set_status", resource_id=second["id"], status="stopped")
        await eventually(lambda: recorder.of("resource.status_changed", second["id"]), message="second change")
        late = delivery(
            "resource.status_changed",
            {"project_id": project["id"], "resource_id": second["id"], "old": "running", "new": "stopped"},
        )
        merged_before = monitor.snapshot.push.merged
        body = encode(late)
        response = await post(url, body, signed_headers(body, late))
        assert response.status_code in (202, 409)  # 409: the simulator's own delivery had the same change first
        await eventually(lambda: monitor.snapshot.push.merged > merged_before or response.status_code == 409)
        assert len(recorder.of("resource.status_changed", second["id"])) == 1


def _project_cost(monitor: Any, project_id: str) -> float:
    listed = monitor.snapshot.projects
    found = [p for p in listed.value if p.id == project_id] if listed else []
    return float(found[0].monthly_cost) if found and found[0].monthly_cost is not None else 0.0


def _listed_status(monitor: Any, project_id: str, resource_id: str) -> str | None:
    listed = monitor.snapshot.resources.get(project_id)
    found = [r for r in listed.value if r.id == resource_id] if listed else []
    return found[0].status if found else None


async def test_a_push_the_api_contradicts_is_reported(sim_factory: Any) -> None:
    sim = sim_factory(*SIM, "--seed", "33")
    project = api_get(sim, "projects", status="active")[0]
    healthy = _running(sim, project["id"])
    async with push_monitor(sim, interval=3600) as (monitor, recorder, url):
        await eventually(lambda: monitor.snapshot.projects, message="first look")
        lie = delivery(
            "resource.status_changed",
            {"project_id": project["id"], "resource_id": healthy["id"], "old": "running", "new": "error",
             "resource": {**healthy, "status": "error"}},
        )  # fmt: skip
        body = encode(lie)
        assert (await post(url, body, signed_headers(body, lie))).status_code == 202
        await eventually(lambda: recorder.of("push.contradicted", healthy["id"]), message="contradiction")
        shown = recorder.of("resource.status_changed", healthy["id"])
        assert len(shown) == 1 and shown[0].source == "push"  # shown at once, marked as pushed
        contradiction = recorder.of("push.contradicted", healthy["id"])[0]
        assert "running, not error" in contradiction.summary and contradiction.severity.value == "warning"
        await eventually(lambda: monitor.snapshot.push.mode is PushMode.UNTRUSTED, message="untrusted")
        assert monitor.snapshot.push.contradicted == 1 and monitor.snapshot.push.sweep_factor == 1.0


async def test_sweep_slows_while_pushes_arrive_and_returns_to_full_speed_when_they_stop(sim_factory: Any) -> None:
    sim = sim_factory("--static", "--plan", "starter", "--projects", "12", "--resources", "5", "--seed", "34")
    project = api_get(sim, "projects", status="active")[0]
    async with push_monitor(sim, feed_options={"silence_s": 2.0}) as (monitor, _, url):
        await eventually(lambda: monitor.snapshot.projects, message="first look")
        assert monitor.snapshot.push.mode is PushMode.LISTENING and monitor.snapshot.push.sweep_factor == 1.0
        await register(sim, url, ["resource.status_changed"])
        await mutate(sim, action="set_status", resource_id=_running(sim, project["id"])["id"], status="error")
        await eventually(lambda: monitor.snapshot.push.mode is PushMode.PUSH, message="push mode")
        push = monitor.snapshot.push
        assert push.sweep_factor > 1.0 and push.saved_per_minute > 0
        # no more deliveries: silent after the silence, and the sweep is back to full speed by itself
        await eventually(lambda: monitor.snapshot.push.mode is PushMode.SILENT, message="silent")
        assert monitor.snapshot.push.sweep_factor == 1.0 and monitor.snapshot.push.saved_per_minute == 0


async def test_a_receiver_that_cannot_bind_leaves_polling_at_full_speed(static_sim: Any) -> None:
    from cftui.monitor.push import PushFeed
    from cftui.monitor.push_listen import parse_listen
    from tests.monitor.helpers import running_monitor

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        feed = PushFeed(parse_listen(f"127.0.0.1:{taken.getsockname()[1]}"), "x" * 32)
        async with running_monitor(static_sim, push=feed) as (monitor, _):
            await eventually(lambda: monitor.snapshot.projects, message="polling goes on")
            push = monitor.snapshot.push
            assert push.mode is PushMode.FAILED and push.sweep_factor == 1.0
            assert push.problem and "cannot listen for webhooks on 127.0.0.1:" in push.problem


async def test_resources_created_and_deleted_in_another_project_are_shown_once(sim_factory: Any) -> None:
    sim = sim_factory(*SIM, "--seed", "36")
    focused, other = api_get(sim, "projects", status="active")[:2]
    doomed, late = _running(sim, other["id"]), _running(sim, other["id"], 1)
    count = other["resource_count"]
    # an interval of an hour: the project list is read only when the test says (refresh_now), so both orders of
    # push and poll are played out, not left to a race
    async with push_monitor(sim, interval=3600) as (monitor, recorder, url):
        monitor.focus_project(focused["id"])
        await eventually(lambda: _count(monitor, other["id"]) == count, message="first look")
        hook = await register(sim, url, ["resource.created", "resource.deleted"])

        # push first: the simulator's deliveries are shown; the project list then counts the same two changes
        made = await mutate(sim, action="create_resource", project_id=other["id"], type="vm", name="push-new-1")
        created_id = made["resource_id"]
        await eventually(lambda: recorder.of("resource.created", created_id), message="pushed creation")
        monitor.refresh_now()
        await eventually(lambda: _count(monitor, other["id"]) == count + 1, message="the list counts it")
        await mutate(sim, action="delete_resource", resource_id=doomed["id"])
        await eventually(lambda: recorder.of("resource.deleted", doomed["id"]), message="pushed deletion")
        monitor.refresh_now()
        await eventually(lambda: _count(monitor, other["id"]) == count, message="the list counts it gone")

        # poll first: the list counts a deletion before its delivery arrives (sent here, signed, a moment later)
        merged = monitor.snapshot.push.merged
        await _unregister(sim, hook["id"])
        await mutate(sim, action="delete_resource", resource_id=late["id"])
        monitor.refresh_now()
        await eventually(lambda: _count(monitor, other["id"]) == count - 1, message="the list counts it first")
        await eventually(lambda: _about(recorder, other["id"])[-1][0] == "project.updated", message="count shown")
        gone = delivery("resource.deleted", {"project_id": other["id"], "resource_id": late["id"], "resource": late})
        body = encode(gone)
        assert (await post(url, body, signed_headers(body, gone))).status_code == 202
        await eventually(lambda: monitor.snapshot.push.merged > merged, message="the late push merged")
        await eventually(lambda: monitor.snapshot.push.confirmed >= 2, message="pushes confirmed")

    # each change once, and nothing else about that project
    assert _about(recorder, other["id"]) == [
        ("resource.created", created_id, None, "running"),
        ("resource.deleted", doomed["id"], None, None),
        ("project.updated", other["id"], str(count), str(count - 1)),
    ]
    assert [e.source for e in recorder.events if e.project_id == other["id"]] == ["push", "push", "poll"]


def _about(recorder: Any, project_id: str) -> list[tuple[str, str, str | None, str | None]]:
    return [(e.kind.value, e.subject_id, e.old, e.new) for e in recorder.events if e.project_id == project_id]


async def _unregister(sim: Any, hook_id: str) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.delete(
            f"{sim.base_url}/webhooks/{hook_id}", headers={"Authorization": f"Bearer {TEST_KEY}"}
        )
    assert response.is_success, response.text


def _count(monitor: Any, project_id: str) -> int | None:
    listed = monitor.snapshot.projects
    found = [p for p in listed.value if p.id == project_id] if listed else []
    return found[0].resource_count if found else None


async def test_an_operation_learnt_from_a_push_in_another_project_is_followed_to_its_end(sim_factory: Any) -> None:
    sim = sim_factory(*SIM, "--seed", "37")
    focused, other = api_get(sim, "projects", status="active")[:2]
    target = _running(sim, other["id"])
    # an interval of an hour: neither the focused project's list nor the sweep (once round the projects at the
    # start, then not for an hour) can find the operation; only the push tells of it
    async with push_monitor(sim, interval=3600) as (monitor, recorder, url):
        monitor.focus_project(focused["id"])
        await eventually(lambda: focused["id"] in monitor.snapshot.resources, message="first look")
        await register(sim, url)
        started = await mutate(
            sim, action="start_operation", resource_id=target["id"], type="restart_resource", outcome="completed",
            duration_s=30,
        )  # fmt: skip
        operation_id = started["operation_id"]
        # the resource's pushed status change names the operation: it is followed (looked at once)
        await eventually(lambda: operation_id in monitor.snapshot.operations, message="followed")
        await eventually(lambda: recorder.of("operation.progress", operation_id), message="its progress")
        await control_advance(sim, 60)
        # its end is pushed, and the confirmation's GET ends the followed operation too
        await eventually(lambda: recorder.of("operation.completed", operation_id), message="completed")
        await eventually(
            lambda: monitor.snapshot.operations[operation_id].value.status == "completed", message="followed to its end"
        )
        await eventually(lambda: monitor.snapshot.push.confirmed >= 2, message="confirmed")

    kinds = [e.kind.value for e in recorder.events if e.subject_id == operation_id]
    assert kinds[0] == "operation.progress" and kinds.count("operation.completed") == 1, kinds
    assert kinds.index("operation.completed") == len(kinds) - 1, kinds  # nothing after its end
    progress = recorder.of("operation.progress", operation_id)[0]
    assert progress.source == "poll" and progress.data.get("started") is True
    assert recorder.of("operation.completed", operation_id)[0].source == "push"
