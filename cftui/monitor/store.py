"""What the engine has fetched, kept with the time of each fetch, bounded in memory, and turned into snapshots.

Data already fetched is never dropped because a later request failed: front ends show it with its age.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from types import MappingProxyType

from cftui.api.errors import NotFound, ValidationFailed
from cftui.api.models import Operation, Project, Resource
from cftui.monitor.history import SampleRow
from cftui.monitor.state import CostSample, Fetched
from cftui.monitor.trend import thin_series

MAX_RESOURCE_LISTS = 8  # full resource lists kept for display (the focused project and recent ones)
MAX_SERIES = 300  # cost samples kept in memory per project or resource (thinned past it: see trend.thin_series)
SAMPLE_EVERY = timedelta(minutes=10)  # a cost is sampled when it changes, or this often when it does not
MAX_NOTES = 5


@dataclass(slots=True)
class _LastSample:
    at: datetime
    value: Decimal


class DataStore:
    def __init__(self) -> None:
        self.projects: Fetched[tuple[Project, ...]] | None = None
        self.resources: OrderedDict[str, Fetched[tuple[Resource, ...]]] = OrderedDict()
        self.problem_counts: dict[str, int] = {}
        # tuples, replaced on append: a snapshot shares them without copying
        self.project_costs: dict[str, tuple[CostSample, ...]] = {}
        self.resource_costs: dict[str, tuple[CostSample, ...]] = {}
        self.operations: dict[str, Fetched[Operation]] = {}
        self.operation_errors: dict[str, str] = {}
        # the API's answer behind each of those (a 404, or an id refused as invalid), for a front end's own words
        self.operation_refusals: dict[str, NotFound | ValidationFailed] = {}
        self.notes: deque[str] = deque(maxlen=MAX_NOTES)
        self._last_sample: dict[tuple[str, str], _LastSample] = {}
        self.pinned: set[str] = set()  # project ids whose lists must not be evicted (focused, asked for)

    # --- projects ------------------------------------------------------------------------------------------

    def project_ids(self) -> list[str]:
        return [p.id for p in self.projects.value] if self.projects else []

    def project(self, project_id: str) -> Project | None:
        if self.projects is None:
            return None
        return next((p for p in self.projects.value if p.id == project_id), None)

    def set_projects(self, projects: tuple[Project, ...], at: datetime) -> list[SampleRow]:
        self.projects = Fetched(projects, at)
        present = {p.id for p in projects}
        for gone in [pid for pid in self.problem_counts if pid not in present]:
            self.problem_counts.pop(gone, None)
            self.resources.pop(gone, None)
        rows = []
        for project in projects:
            row = self._sample("project", project.id, project.id, project.monthly_cost, at)
            if row is not None:
                rows.append(row)
                self._append(self.project_costs, project.id, row)
        return rows

    def load_project_costs(self, series: dict[str, tuple[CostSample, ...]]) -> None:
        for project_id, samples in series.items():
            kept = self.project_costs.get(project_id, ())
            known = {s.at for s in kept}
            merged = sorted([*kept, *(s for s in samples if s.at not in known)], key=lambda s: s.at)
            self.project_costs[project_id] = thin_series(merged)[-MAX_SERIES:]
            if merged:
                last = merged[-1]
                self._last_sample.setdefault(("project", project_id), _LastSample(last.at, last.monthly_cost))

    # --- resources -----------------------------------------------------------------------------------------

    def set_resources(self, project_id: str, resources: tuple[Resource, ...], at: datetime) -> list[SampleRow]:
        self.resources[project_id] = Fetched(resources, at)
        self.resources.move_to_end(project_id)
        # Count what the sweep of other projects (`status=error`) can count, so a project's number does not
        # jump when it gains or loses the focus; unknown statuses show in the tree's problems-only view.
        self.problem_counts[project_id] = sum(1 for r in resources if r.status == "error")
        self._evict()
        rows = []
        for resource in resources:
            row = self._sample("resource", resource.id, project_id, resource.monthly_cost, at)
            if row is not None:
                rows.append(row)
                self._append(self.resource_costs, resource.id, row)
        return rows

    def _evict(self) -> None:
        while len(self.resources) > MAX_RESOURCE_LISTS:
            victim = next((pid for pid in self.resources if pid not in self.pinned), None)
            if victim is None:
                return
            for resource in self.resources.pop(victim).value:
                self.resource_costs.pop(resource.id, None)
                self._last_sample.pop(("resource", resource.id), None)

    def refresh_kept(self, project_id: str, resources: tuple[Resource, ...], at: datetime) -> bool:
        """A full list of a project read by the round: refresh its kept list, if one is kept (True then)."""
        if project_id not in self.resources:
            return False
        self.resources[project_id] = Fetched(resources, at)
        return True

    def replace_resource(self, project_id: str, resource_id: str, resource: Resource | None, at: datetime) -> None:
        """Fold a single fetched resource into a kept list (None: remove it)."""
        fetched = self.resources.get(project_id)
        if fetched is None:
            return
        items = [r for r in fetched.value if r.id != resource_id]
        if resource is not None:
            items = [resource if r.id == resource_id else r for r in fetched.value]
        self.resources[project_id] = Fetched(tuple(items), fetched.fetched_at)

    def set_problem_count(self, project_id: str, count: int) -> None:
        self.problem_counts[project_id] = count

    # --- cost samples --------------------------------------------------------------------------------------

    def _sample(
        self, level: str, subject_id: str, project_id: str, cost: Decimal | None, at: datetime
    ) -> SampleRow | None:
        """A sample when the cost changed, or when the last one is older than SAMPLE_EVERY."""
        if cost is None:
            return None
        last = self._last_sample.get((level, subject_id))
        if last is not None and last.value == cost and at - last.at < SAMPLE_EVERY:
            return None
        self._last_sample[(level, subject_id)] = _LastSample(at, cost)
        return SampleRow(level, subject_id, project_id, at, cost)

    @staticmethod
    def _append(series: dict[str, tuple[CostSample, ...]], key: str, row: SampleRow) -> None:
        """Append a sample; past MAX_SERIES the older ones are thinned (the last day stays, coarser) so the series
        still reaches back a day for the hour's and day's change and the project's chart."""
        grown = (*series.get(key, ()), CostSample(row.at, row.monthly_cost))
        series[key] = grown if len(grown) <= MAX_SERIES else thin_series(grown)[-MAX_SERIES:]

    # --- operations and notes --------------------------------------------------------------------------------

    def set_operation(self, operation: Operation, at: datetime) -> None:
        self.operations[operation.id] = Fetched(operation, at)
        self.forget_operation_error(operation.id)

    def forget_operation_error(self, operation_id: str) -> None:
        self.operation_errors.pop(operation_id, None)
        self.operation_refusals.pop(operation_id, None)

    def drop_operations(self, operation_ids: Iterable[str]) -> None:
        for operation_id in operation_ids:
            self.operations.pop(operation_id, None)

    def note(self, sentence: str) -> None:
        if not self.notes or self.notes[-1] != sentence:
            self.notes.append(sentence)

    # --- read-only views for the snapshot -----------------------------------------------------------------

    def views(self) -> dict[str, object]:
        return {
            "projects": self.projects,
            "resources": MappingProxyType(dict(self.resources)),
            "project_costs": MappingProxyType(dict(self.project_costs)),
            "problem_counts": MappingProxyType(dict(self.problem_counts)),
            "operations": MappingProxyType(dict(self.operations)),
            "operation_errors": MappingProxyType(dict(self.operation_errors)),
            "notes": tuple(self.notes),
        }
