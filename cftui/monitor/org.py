"""Every resource seen in any project, one `ResourceRef` each: the tracker's memory and the whole-organisation view.

The change tracker reads old statuses from here (so a status change is reported with its real old status whenever
the resource was seen before, in whichever project and through whichever list), and the snapshot's `OrgView` is
built from it. Indexed by project (finding one project's resources never walks the others) and by problem (the
problems view never walks every resource). Memory is bounded: past `MAX_ORG_RESOURCES` resources, the projects
looked at least recently are forgotten whole (their resources read as never seen again until the next look).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Collection, Mapping
from datetime import UTC, datetime
from types import MappingProxyType

from cftui.monitor.state import OrgView, ResourceRef

# 1,000 projects x 200 resources; about 0.5 KB each (the ref, its strings and indexes), so at most ~100 MB, and
# ~50 MB for the 1,000 x 100 organisation the benchmarks use.
MAX_ORG_RESOURCES = 200_000
_LONG_AGO = datetime.min.replace(tzinfo=UTC)


def problem_order(ref: ResourceRef) -> tuple[int, datetime, str, str, str]:
    """`error` first, then unknown statuses; oldest problem first within each (a problem already there at first
    sight counts as the oldest); then by project and name so the order is stable."""
    severity = 0 if ref.status == "error" else 1
    return (severity, ref.status_since or _LONG_AGO, ref.project_name, ref.name, ref.resource_id)


class OrgIndex(dict[str, ResourceRef]):
    """`ResourceRef` by resource id, for every project seen, with a project index and a problem set."""

    def __init__(self, limit: int = MAX_ORG_RESOURCES) -> None:
        super().__init__()
        self.limit = limit
        self._by_project: dict[str, set[str]] = {}
        self._problems: set[str] = set()
        # project id -> its last complete look (a full list), least recently looked at first
        self.project_seen_at: OrderedDict[str, datetime] = OrderedDict()
        self.version = 0  # moves with every change, so a view is rebuilt only when something changed
        self._view: OrgView | None = None
        self._view_key: tuple[object, ...] = ()

    def __setitem__(self, resource_id: str, ref: ResourceRef) -> None:
        old = self.get(resource_id)
        if old is not None and old.project_id != ref.project_id:
            self._unindex(resource_id, old)
        super().__setitem__(resource_id, ref)
        self._by_project.setdefault(ref.project_id, set()).add(resource_id)
        if ref.is_problem:
            self._problems.add(resource_id)
        else:
            self._problems.discard(resource_id)
        self.version += 1

    def __delitem__(self, resource_id: str) -> None:
        ref = self[resource_id]
        super().__delitem__(resource_id)
        self._unindex(resource_id, ref)
        self.version += 1

    def pop(self, resource_id: str, default: ResourceRef | None = None) -> ResourceRef | None:  # type: ignore[override]
        if resource_id not in self:
            return default
        ref = super().pop(resource_id)
        self._unindex(resource_id, ref)
        self.version += 1
        return ref

    def ids_of(self, project_id: str) -> list[str]:
        return list(self._by_project.get(project_id, ()))

    def _unindex(self, resource_id: str, ref: ResourceRef) -> None:
        self._problems.discard(resource_id)
        ids = self._by_project.get(ref.project_id)
        if ids is not None:
            ids.discard(resource_id)
            if not ids:
                del self._by_project[ref.project_id]

    # --- projects -----------------------------------------------------------------------------------------

    def looked_at(self, project_id: str, at: datetime) -> None:
        """A complete list of the project was read at `at`."""
        self.project_seen_at[project_id] = at
        self.project_seen_at.move_to_end(project_id)
        self.version += 1

    def forget_project(self, project_id: str) -> None:
        for resource_id in self.ids_of(project_id):
            del self[resource_id]
        if self.project_seen_at.pop(project_id, None) is not None:
            self.version += 1

    def trim(self, keep: Collection[str]) -> list[str]:
        """Forget the least recently looked-at projects (never those in `keep`) while over the limit."""
        dropped: list[str] = []
        for project_id in list(self.project_seen_at):
            if len(self) <= self.limit:
                break
            if project_id not in keep:
                self.forget_project(project_id)
                dropped.append(project_id)
        return dropped

    # --- the snapshot's view ------------------------------------------------------------------------------

    def problem_refs(self) -> tuple[ResourceRef, ...]:
        return tuple(sorted((self[rid] for rid in self._problems), key=problem_order))

    def view(
        self,
        round_seconds: float | None,
        operation_subjects: Mapping[str, ResourceRef],
        full_round_seconds: float | None = None,
    ) -> OrgView:
        """An immutable `OrgView`; the same object as last time when nothing changed (no copy of 100,000 refs)."""
        key = (self.version, round_seconds, full_round_seconds, tuple(operation_subjects.items()))
        if self._view is None or key != self._view_key:
            self._view = OrgView(
                resources=MappingProxyType(dict(self)),
                problems=self.problem_refs(),
                project_seen_at=MappingProxyType(dict(self.project_seen_at)),
                round_seconds=round_seconds,
                operation_subjects=MappingProxyType(dict(operation_subjects)),
                full_round_seconds=full_round_seconds,
            )
            self._view_key = key
        return self._view
