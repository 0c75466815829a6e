"""Every change made in the simulator's world appears as exactly one event, proved against its journal."""

from __future__ import annotations

import itertools
from collections import Counter
from decimal import Decimal

from cftui.monitor.events import EventKind
from tests.monitor.helpers import api_get, eventually, journal, last_seq, mutate, running_monitor

SIM = ("--seed", "11", "--static", "--plan", "enterprise", "--projects", "4", "--resources", "12")


def _journal_key(change: dict) -> tuple[str, str] | None:
    """The (event kind, subject) a journal entry must produce, for the changes the monitor can see."""
    kind = change["kind"]
    if kind in ("resource.status_changed", "resource.created", "resource.deleted", "resource.updated"):
        return kind, change["resource_id"]
    if kind == "cost.changed":
        return kind, change["resource_id"]
    if kind in ("operation.completed", "operation.failed"):
        return kind, change["operation_id"]
    if kind == "project.updated":
        return kind, change["project_id"]
    return None


async def test_each_change_in_the_world_yields_exactly_one_event(sim_factory) -> None:
    sim = sim_factory(*SIM)
    projects = [p["id"] for p in api_get(sim, "projects")]
    focused, other, third = projects[0], projects[1], projects[2]
    focused_resources = [r for r in api_get(sim, f"projects/{focused}/resources") if r["status"] == "running"]
    other_resources = [r for r in api_get(sim, f"projects/{other}/resources") if r["status"] == "running"]
    async with running_monitor(sim, interval=0.3, budget=1.0) as (monitor, recorder):
        monitor.focus_project(focused)
        await eventually(lambda: focused in monitor.snapshot.resources, message="focused list fetched")
        await eventually(lambda: len(monitor.snapshot.problem_counts) == len(projects), message="first sweep done")
        assert recorder.events == [], "a first look is a baseline, not a storm of changes"
        start = await last_seq(sim)

        async def step(expect_kind: str, subject: str, **body) -> None:
            before = len(recorder.of(expect_kind, subject))
            await mutate(sim, **body)
            await eventually(
                lambda: len(recorder.of(expect_kind, subject)) > before, message=f"{expect_kind} for {subject}"
            )

        r1, r2, r3, r4 = (r["id"] for r in focused_resources[:4])
        await step("resource.status_changed", r1, action="set_status", resource_id=r1, status="error")
        await step("resource.status_changed", r1, action="set_status", resource_id=r1, status="running")
        new_cost = float(Decimal(str(focused_resources[1]["monthly_cost"])) + Decimal("12.34"))
        await step("cost.changed", r2, action="set_cost", resource_id=r2, monthly_cost=new_cost)
        await step("resource.deleted", r3, action="delete_resource", resource_id=r3)
        created = await mutate(sim, action="create_resource", project_id=focused, type="vpc", name="fresh-vpc")
        await eventually(lambda: recorder.of("resource.created", created["resource_id"]), message="created")

        # the project the user is not looking at: seen through the error sweep and a check of the one that left it
        o1 = other_resources[0]["id"]
        await step("resource.status_changed", o1, action="set_status", resource_id=o1, status="error")
        await step("resource.status_changed", o1, action="set_status", resource_id=o1, status="stopped")
        await step("project.updated", third, action="set_project_status", project_id=third, status="archived")

        # an operation on the focused project: found on the resource, followed to its end
        operation = await mutate(
            sim, action="start_operation", resource_id=r4, type="update_resource", outcome="completed", duration_s=5
        )
        operation_id = operation["operation_id"]
        await eventually(lambda: operation_id in monitor.snapshot.operations, message="operation discovered")
        await sim_advance(sim, 10)
        await eventually(lambda: recorder.of("operation.completed", operation_id), message="operation completed")
        await eventually(lambda: recorder.of("resource.updated", r4), message="configuration change seen")

        # let a few more full cycles pass, so that a duplicate would have had its chance to appear
        end = await last_seq(sim)
        seen = monitor.snapshot.projects.fetched_at
        await eventually(lambda: monitor.snapshot.projects.fetched_at > seen, message="one more cycle")
        for _ in range(2):
            mark = len(recorder.updates)
            await eventually(lambda m=mark: len(recorder.updates) > m + 4, message="more cycles")

    changes = [c for c in await journal(sim, start) if c["seq"] <= end]
    expected = Counter(key for c in changes if (key := _journal_key(c)) is not None)
    # the other project's cost changes are seen at project level; none were made there in this test
    got = Counter(
        (e.kind.value, e.subject_id)
        for e in recorder.events
        if e.kind not in (EventKind.OPERATION_PROGRESS, EventKind.PROJECT_CREATED)
    )
    assert got == expected
    journal_statuses = [
        (c["resource_id"], c["old"], c["new"]) for c in changes if c["kind"] == "resource.status_changed"
    ]
    event_statuses = [(e.subject_id, e.old, e.new) for e in recorder.of("resource.status_changed")]
    assert [(r, new) for r, _, new in event_statuses] == [(r, new) for r, _, new in journal_statuses]
    for (_, seen_old, _), (resource_id, old, _) in zip(event_statuses, journal_statuses, strict=True):
        # the error sweep of a project not looked at cannot know what a resource was before `error`
        assert seen_old == old or (seen_old is None and resource_id == o1)
    steps = [(e.data["status"], e.data["progress"]) for e in recorder.of("operation.progress", operation_id)]
    assert all(a != b for a, b in itertools.pairwise(steps)), "progress is reported when it moves"
    assert [p for _, p in steps] == sorted(p for _, p in steps)
    error_event = next(e for e in recorder.of("resource.status_changed", r1) if e.new == "error")
    assert error_event.severity == "error" and error_event.old == "running"
    left = [e for e in recorder.of("resource.status_changed", o1) if e.old == "error"]
    assert [e.new for e in left] == ["stopped"]


async def sim_advance(sim, seconds: float) -> None:
    from tests.monitor.helpers import control

    await control(sim, "POST", "advance", {"seconds": seconds})


async def test_in_a_living_world_no_event_is_invented_or_repeated(sim_factory) -> None:
    sim = sim_factory("--seed", "17", "--speed", "25", "--plan", "enterprise", "--projects", "3", "--resources", "40")
    focused = api_get(sim, "projects")[0]["id"]
    async with running_monitor(sim, interval=0.3, budget=1.0) as (monitor, recorder):
        monitor.focus_project(focused)
        await eventually(lambda: focused in monitor.snapshot.resources)
        start = await last_seq(sim)
        first = len(recorder.events)
        await eventually(
            lambda: sum(e.project_id == focused for e in recorder.events[first:]) >= 8,
            within=40,
            message="the world changes on its own",
        )
    events = [e for e in recorder.events[first:] if e.project_id == focused]
    changes = await journal(sim, start - 50)
    by_resource: dict[tuple[str, str], list[dict]] = {}
    for change in changes:
        by_resource.setdefault((change["kind"], change["resource_id"] or ""), []).append(change)
    for event in events:
        if event.kind in (EventKind.RESOURCE_STATUS_CHANGED, EventKind.COST_CHANGED):
            candidates = by_resource.get((event.kind.value, event.subject_id), [])
            assert any(_same(c["new"], event.new) for c in candidates), f"no change in the world for {event}"
        elif event.kind in (EventKind.RESOURCE_CREATED, EventKind.RESOURCE_DELETED):
            assert by_resource.get((event.kind.value, event.subject_id)), f"invented: {event}"
    statuses: dict[str, list[str]] = {}
    for event in recorder.of("resource.status_changed"):
        statuses.setdefault(event.subject_id, []).append(event.new)
    for resource_id, news in statuses.items():
        assert all(a != b for a, b in itertools.pairwise(news)), f"{resource_id} reported twice: {news}"


def _same(journal_value: object, event_value: str | None) -> bool:
    """A journal value (a status, or a cost as a JSON number) equals an event's text."""
    if isinstance(journal_value, int | float):
        return event_value is not None and Decimal(str(journal_value)) == Decimal(event_value)
    return journal_value == event_value
