"""The tracker finds one project's resources through an index, not a scan of every resource it knows."""

from __future__ import annotations

from cftui.monitor.diff import ChangeTracker, _Known, _KnownResources
from tests.monitor.test_diff import AT, kinds, res


def test_a_project_sweep_reads_only_its_own_resources() -> None:
    tracker = ChangeTracker()
    tracker.set_tracked({"p1", "p2"})
    tracker.observe_resources("p1", [res("a"), res("b")], AT)
    tracker.observe_resources("p2", [res(f"x{i}") for i in range(1000)], AT)
    reads: list[str] = []

    class Watching(_KnownResources):
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
    known = _KnownResources()
    known["a"] = _Known("p1", "name-a", "running")
    assert known.ids_of("p1") == ["a"]
    known["a"] = _Known("p2", "name-a", "running")  # the resource now belongs to p2
    assert known.ids_of("p1") == [] and known.ids_of("p2") == ["a"]
    assert known.pop("a") is not None and known.ids_of("p2") == []
    assert known.pop("missing") is None
