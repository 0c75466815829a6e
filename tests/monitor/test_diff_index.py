"""The tracker's memory (`OrgIndex`): found by project without a scan, problems in order, bounded in size."""

from __future__ import annotations

from datetime import timedelta

from cftui.monitor.diff import ChangeTracker
from cftui.monitor.org import OrgIndex
from cftui.monitor.state import ResourceRef
from tests.builders import resource_ref
from tests.monitor.test_diff import AT, kinds, res


def ref(rid: str, project: str = "p1", status: str = "running", since=None) -> ResourceRef:
    name = f"name-{rid}"
    return resource_ref(
        project, f"name-{project}", rid, name, rtype="vpc", status=status, cost="1", seen_at=AT, since=since
    )


def test_a_project_sweep_reads_only_its_own_resources() -> None:
    tracker = ChangeTracker()
    tracker.set_tracked({"p1", "p2"})
    tracker.observe_resources("p1", [res("a"), res("b")], AT)
    tracker.observe_resources("p2", [res(f"x{i}") for i in range(1000)], AT)
    reads: list[str] = []

    class Watching(OrgIndex):
        def items(self):  # type: ignore[override]
            reads.append("items")
            return super().items()

    watched = Watching()
    for rid, known in tracker._known.items():
        watched[rid] = known
    tracker._known = watched
    reads.clear()
    events = tracker.observe_resources("p1", [res("a")], AT)
    assert kinds(events) == [("resource.deleted", "b")]
    assert reads == []  # the other project's 1,000 resources were not walked
    assert sorted(watched.ids_of("p1")) == ["a"] and len(watched.ids_of("p2")) == 1000


def test_the_index_follows_moves_and_removals() -> None:
    known = OrgIndex()
    known["a"] = ref("a", "p1")
    assert known.ids_of("p1") == ["a"]
    known["a"] = ref("a", "p2")  # the resource now belongs to p2
    assert known.ids_of("p1") == [] and known.ids_of("p2") == ["a"]
    assert known.pop("a") is not None and known.ids_of("p2") == []
    assert known.pop("missing") is None


def test_problems_are_errors_first_then_unknown_statuses_oldest_first() -> None:
    known = OrgIndex()
    known["late"] = ref("late", status="error", since=AT + timedelta(minutes=5))
    known["first-sight"] = ref("first-sight", status="error")  # already in error when first seen: the oldest
    known["odd"] = ref("odd", status="melting", since=AT)
    known["fine"] = ref("fine")
    known["early"] = ref("early", status="error", since=AT + timedelta(minutes=1))
    assert [r.resource_id for r in known.problem_refs()] == ["first-sight", "early", "late", "odd"]
    known["late"] = ref("late", status="running")
    assert [r.resource_id for r in known.problem_refs()] == ["first-sight", "early", "odd"]


def test_memory_is_bounded_by_forgetting_the_least_recently_seen_projects() -> None:
    tracker = ChangeTracker()
    tracker._known.limit = 250
    for index in range(5):
        tracker.observe_resources(f"p{index}", [res(f"r{index}-{i}") for i in range(100)], AT)
    assert len(tracker.org) <= 250
    assert tracker.org.ids_of("p4") and tracker.org.ids_of("p3"), "the latest looks are kept"
    assert not tracker.org.ids_of("p0") and "p0" not in tracker.org.project_seen_at


def test_a_status_seen_in_another_project_is_the_real_old_status() -> None:
    tracker = ChangeTracker()
    tracker.observe_resources("p2", [res("x"), res("y", status="stopped")], AT)  # the round's first look
    events = tracker.observe_resources("p2", [res("x", status="stopped"), res("y", status="error")], AT)
    assert [(e.subject_id, e.old, e.new) for e in events] == [("x", "running", "stopped"), ("y", "stopped", "error")]
    [problem] = tracker.org.problem_refs()
    assert (problem.resource_id, problem.status_since) == ("y", AT)
    # the focus moves there and away again: nothing is news twice, and the memory stays
    tracker.set_tracked({"p2"})
    assert tracker.observe_resources("p2", [res("x", status="stopped"), res("y", status="error")], AT) == []
    tracker.set_tracked(set())
    [back] = tracker.observe_resources("p2", [res("x", status="running"), res("y", status="error")], AT)
    assert (back.old, back.new) == ("stopped", "running")
