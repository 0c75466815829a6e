"""The change tracker on its own: baselines, one event per change, thresholds, the sweep's memory."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from cftui.api.models import Operation, Project, Resource
from cftui.monitor.diff import ChangeTracker, cost_changed
from cftui.monitor.events import EventKind, Severity
from tests.builders import operation, project, resource

AT = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def res(rid: str, status: str = "running", cost: str = "10.00", **extra) -> Resource:
    return resource(rid, f"name-{rid}", status=status, cost=cost, **extra)


def proj(pid: str, cost: str = "100.00", count: int = 3, **extra) -> Project:
    return project(pid, f"name-{pid}", cost=cost, count=count, **extra)


def kinds(events) -> list[tuple[str, str]]:
    return [(e.kind.value, e.subject_id) for e in events]


def test_a_first_look_is_a_baseline_not_a_storm() -> None:
    tracker = ChangeTracker()
    tracker.set_tracked({"p1"})
    assert tracker.observe_projects([proj("p1"), proj("p2")], AT) == []
    assert tracker.observe_resources("p1", [res("a"), res("b")], AT) == []


def test_each_resource_change_is_one_event_of_the_right_kind() -> None:
    tracker = ChangeTracker()
    tracker.set_tracked({"p1"})
    tracker.observe_resources("p1", [res("a"), res("b"), res("c", tags={"team": "x"})], AT)
    events = tracker.observe_resources(
        "p1",
        [
            res("a", status="error"),
            res("b", cost="25.00"),
            res("c", tags={"team": "y"}, operation_id="op_1", updated_at="2026-11-28T12:00:00Z"),
            res("d"),
        ],
        AT,
    )
    assert kinds(events) == [
        ("resource.status_changed", "a"),
        ("cost.changed", "b"),
        ("resource.updated", "c"),
        ("resource.created", "d"),
    ]
    status = events[0]
    assert (status.old, status.new, status.severity) == ("running", "error", Severity.ERROR)
    assert status.summary == "name-a: running -> error"
    assert events[2].data == {"fields": ["tags"]}, "operation_id and updated_at are not an update"
    assert kinds(tracker.observe_resources("p1", [res("a", status="error"), res("b", cost="25.00")], AT)) == [
        ("resource.deleted", "c"),
        ("resource.deleted", "d"),
    ]
    assert tracker.observe_resources("p1", [res("a", status="error"), res("b", cost="25.00")], AT) == []


def test_small_cost_wobbles_add_up_until_they_are_worth_an_event() -> None:
    assert not cost_changed(Decimal("1000.00"), Decimal("1000.50"))
    assert cost_changed(Decimal("1000.00"), Decimal("1001.00"))
    assert cost_changed(Decimal("0.05"), Decimal("0.06"))
    tracker = ChangeTracker()
    tracker.set_tracked({"p1"})
    tracker.observe_resources("p1", [res("a", cost="1000.00")], AT)
    assert tracker.observe_resources("p1", [res("a", cost="1000.50")], AT) == []
    [event] = tracker.observe_resources("p1", [res("a", cost="1001.00")], AT)
    assert (event.old, event.new) == ("1000.00", "1001.00"), "compared with the value last reported"


def test_the_threshold_fires_once_and_rearms_below_it() -> None:
    tracker = ChangeTracker({"name-p1": Decimal("150")})
    tracker.observe_projects([proj("p1", cost="100.00")], AT)
    events = tracker.observe_projects([proj("p1", cost="160.00")], AT)
    [over] = [e for e in events if e.kind is EventKind.COST_THRESHOLD_EXCEEDED]
    assert over.kind is EventKind.COST_THRESHOLD_EXCEEDED and over.severity is Severity.WARNING
    assert "above the $150.00 threshold" in over.summary
    repeat = tracker.observe_projects([proj("p1", cost="170.00")], AT)
    assert EventKind.COST_THRESHOLD_EXCEEDED not in [e.kind for e in repeat]
    tracker.observe_projects([proj("p1", cost="140.00")], AT)
    again = tracker.observe_projects([proj("p1", cost="155.00")], AT)
    assert [e.kind for e in again].count(EventKind.COST_THRESHOLD_EXCEEDED) == 1


def test_an_untracked_project_count_and_cost_move_as_one_event() -> None:
    tracker = ChangeTracker()
    tracker.observe_projects([proj("p1", cost="100.00", count=3)], AT)
    [event] = tracker.observe_projects([proj("p1", cost="130.00", count=4)], AT)
    assert event.kind is EventKind.PROJECT_UPDATED
    assert event.summary == "name-p1: 3 -> 4 resources, $100.00 -> $130.00 a month"
    [cost] = tracker.observe_projects([proj("p1", cost="120.00", count=4)], AT)
    assert cost.kind is EventKind.COST_CHANGED and cost.data["level"] == "project"


def test_a_tracked_project_total_is_told_by_its_resources_not_twice() -> None:
    tracker = ChangeTracker()
    tracker.set_tracked({"p1"})
    tracker.observe_projects([proj("p1", cost="100.00", count=3)], AT)
    assert tracker.observe_projects([proj("p1", cost="130.00", count=4)], AT) == []


def test_the_sweep_and_full_lists_share_one_memory() -> None:
    tracker = ChangeTracker()
    tracker.set_tracked({"p1"})
    tracker.observe_resources("p1", [res("a"), res("b", status="error")], AT)
    tracker.set_tracked(set())  # the user looks elsewhere: p1 falls back to the sweep
    assert tracker.known_errors("p1") == {"b"}
    events, left = tracker.observe_errors("p1", [res("b", status="error")], AT)
    assert events == [] and left == set()
    events, left = tracker.observe_errors("p1", [res("c", status="error")], AT)
    assert kinds(events) == [("resource.status_changed", "c")] and events[0].old is None
    assert left == {"b"}
    [back] = tracker.observe_resource("p1", "b", res("b", status="stopped"), AT)
    assert (back.old, back.new) == ("error", "stopped")
    tracker.set_tracked({"p1"})  # looked at again: only what really changed since is news
    events = tracker.observe_resources("p1", [res("a"), res("b", status="stopped"), res("c", status="running")], AT)
    assert kinds(events) == [("resource.status_changed", "c")]


def test_a_resource_gone_from_the_sweep_and_from_the_api_is_deleted_once() -> None:
    tracker = ChangeTracker()
    tracker.observe_errors("p1", [res("a", status="error")], AT)
    _, left = tracker.observe_errors("p1", [], AT)
    assert left == {"a"}
    assert kinds(tracker.observe_resource("p1", "a", None, AT)) == [("resource.deleted", "a")]
    assert tracker.observe_resource("p1", "a", None, AT) == []


def _op(status: str, progress: int, logs: int = 0) -> Operation:
    lines = [{"message": f"line {i}"} for i in range(logs)]
    return operation("op_1", status=status, progress=progress, rid="a", started=None, eta=None, logs=lines)


def test_operations_report_progress_when_it_moves_and_their_end_once() -> None:
    tracker = ChangeTracker()
    found = tracker.operation_changes.observe(_op("pending", 0), AT, from_resource=True)
    assert [e.kind for e in found] == [EventKind.OPERATION_PROGRESS] and found[0].data["started"] is True
    assert tracker.operation_changes.observe(_op("pending", 0), AT, from_resource=True) == []
    assert len(tracker.operation_changes.observe(_op("in_progress", 40), AT, from_resource=True)) == 1
    [end] = tracker.operation_changes.observe(_op("failed", 40), AT, from_resource=True)
    assert end.kind is EventKind.OPERATION_FAILED and end.severity is Severity.ERROR
    assert tracker.operation_changes.observe(_op("failed", 40), AT, from_resource=True) == []
    user = ChangeTracker()
    assert user.operation_changes.observe(_op("in_progress", 10), AT, from_resource=False) == []
    [cancelled] = user.operation_changes.observe(_op("cancelled", 10), AT, from_resource=False)
    assert cancelled.kind is EventKind.OPERATION_FAILED and cancelled.severity is Severity.WARNING


def test_a_vanished_project_is_one_event_and_is_forgotten() -> None:
    tracker = ChangeTracker()
    tracker.observe_projects([proj("p1"), proj("p2")], AT)
    tracker.observe_errors("p2", [res("x", status="error")], AT)
    assert kinds(tracker.observe_projects([proj("p1")], AT)) == [("project.deleted", "p2")]
    assert tracker.known_errors("p2") == set()
    assert kinds(tracker.observe_projects([proj("p1"), proj("p3")], AT)) == [("project.created", "p3")]
