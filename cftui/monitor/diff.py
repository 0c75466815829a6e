"""Turn successive observations of the API into change events: one per real change, never a duplicate.

The tracker sees the world through three kinds of windows, and keeps one memory across them so that a change
seen through two windows is still reported once:

* full resource lists of the *tracked* projects (the one the user looks at): every change there is visible;
* `status=error` lists of the other projects (the problem sweep): a resource entering or leaving `error`;
* the project list: project costs, counts, names and statuses, and new or vanished projects.

A first look at anything is a baseline, not a change: opening the dashboard yields no storm of "created".
Costs are compared with the value last *reported*, so a slow drift below the threshold is reported once it adds up.
This module does no I/O; the engine feeds it and forwards what it returns.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from operator import attrgetter

from cftui.api.models import Operation, Project, Resource
from cftui.monitor import event_factory as make
from cftui.monitor.events import ChangeEvent, EventKind

# A cost change smaller than both of these is noise (a rounding wobble), not news.
COST_CHANGE_MIN_ABSOLUTE = Decimal("0.01")
COST_CHANGE_MIN_RELATIVE = Decimal("0.001")
# Resource fields whose change is a `resource.updated`; status, cost and operation_id have their own events,
# and `updated_at` moves with every change, so comparing it would turn each real change into two events.
UPDATE_FIELDS = ("name", "type", "provider", "region", "configuration", "tags")
# everything a resource's events are made of, read in one C call (much cheaper than field-by-field getattr)
_compared = attrgetter(*UPDATE_FIELDS, "monthly_cost")
PROJECT_UPDATE_FIELDS = ("name", "status", "description", "tags", "resource_count")


# A project's total moves when any of its resources does: a dollar is news there, however big the total.
PROJECT_COST_CHANGE_ENOUGH = Decimal("1.00")


def cost_changed(old: Decimal | None, new: Decimal | None, *, enough: Decimal | None = None) -> bool:
    """Worth an event: at least a cent, and at least 0.1% (or at least `enough`, when given)."""
    if old is None or new is None:
        return old is not new
    delta = abs(new - old)
    if delta < COST_CHANGE_MIN_ABSOLUTE:
        return False
    return old == 0 or delta / abs(old) >= COST_CHANGE_MIN_RELATIVE or (enough is not None and delta >= enough)


@dataclass(slots=True)
class _Known:
    """What was last seen of one resource, from whichever window."""

    project_id: str
    name: str
    status: str


class _KnownResources(dict[str, _Known]):
    """`_Known` by resource id, indexed by project too: finding one project's resources must not scan every
    resource of every project (100,000 at scale, once per project swept)."""

    def __init__(self) -> None:
        super().__init__()
        self._by_project: dict[str, set[str]] = {}

    def __setitem__(self, resource_id: str, known: _Known) -> None:
        old = self.get(resource_id)
        if old is not None and old.project_id != known.project_id:
            self._unindex(resource_id, old)
        super().__setitem__(resource_id, known)
        self._by_project.setdefault(known.project_id, set()).add(resource_id)

    def __delitem__(self, resource_id: str) -> None:
        known = self[resource_id]
        super().__delitem__(resource_id)
        self._unindex(resource_id, known)

    def pop(self, resource_id: str, default: _Known | None = None) -> _Known | None:  # type: ignore[override]
        if resource_id not in self:
            return default
        known = super().pop(resource_id)
        self._unindex(resource_id, known)
        return known

    def ids_of(self, project_id: str) -> list[str]:
        return list(self._by_project.get(project_id, ()))

    def _unindex(self, resource_id: str, known: _Known) -> None:
        ids = self._by_project.get(known.project_id)
        if ids is not None:
            ids.discard(resource_id)
            if not ids:
                del self._by_project[known.project_id]


class ChangeTracker:
    def __init__(self, cost_thresholds: Mapping[str, Decimal] | None = None) -> None:
        self._thresholds = dict(cost_thresholds or {})
        self._projects: dict[str, Project] | None = None
        self._reported_project_cost: dict[str, Decimal | None] = {}
        self._over_threshold: set[str] = set()
        self._tracked: set[str] = set()  # projects whose full resource list is followed
        self._full: dict[str, dict[str, Resource]] = {}  # baselines of tracked projects
        self._reported_resource_cost: dict[str, Decimal | None] = {}
        self._known = _KnownResources()  # by resource id, from every window
        self._swept: set[str] = set()  # projects with an error-set baseline
        self._error_sets: dict[str, set[str]] = {}
        self._operations: dict[str, Operation] = {}
        self._announced_terminal: set[str] = set()

    # --- what is tracked -------------------------------------------------------------------------------

    @property
    def tracked(self) -> frozenset[str]:
        return frozenset(self._tracked)

    def set_tracked(self, project_ids: Iterable[str]) -> None:
        """Follow these projects' full lists; the others fall back to the error sweep with what is known."""
        wanted = set(project_ids)
        for project_id in self._tracked - wanted:
            baseline = self._full.pop(project_id, None)
            if baseline is not None:
                # the last full list is the sweep's baseline: its errors are the error set
                errors = {rid for rid, res in baseline.items() if res.status == "error"}
                self._error_sets[project_id] = errors
                self._swept.add(project_id)
                for rid in baseline:
                    self._reported_resource_cost.pop(rid, None)
                    if rid not in errors:
                        self._known.pop(rid, None)
        self._tracked = wanted

    def resource_name(self, resource_id: str | None) -> str:
        known = self._known.get(resource_id or "")
        return known.name if known else ""

    def known_errors(self, project_id: str) -> set[str]:
        return set(self._error_sets.get(project_id, ()))

    # --- the project list --------------------------------------------------------------------------------

    def observe_projects(self, projects: Iterable[Project], at: datetime) -> list[ChangeEvent]:
        current = {p.id: p for p in projects}
        previous = self._projects
        self._projects = current
        events: list[ChangeEvent] = []
        for project in current.values():
            old = previous.get(project.id) if previous is not None else None
            if previous is not None and old is None:
                events.append(make.project_event(EventKind.PROJECT_CREATED, project, at, f"{project.name} created"))
                events.extend(self._project_cost_events(project, at))
            elif old is not None:
                events.extend(
                    make.fold_count_and_cost(
                        self._project_field_events(old, project, at) + self._project_cost_events(project, at)
                    )
                )
            else:
                events.extend(self._project_cost_events(project, at))
        if previous is not None:
            for project_id, old in previous.items():
                if project_id not in current:
                    events.append(make.project_event(EventKind.PROJECT_DELETED, old, at, f"{old.name} deleted"))
                    self._forget_project(project_id)
        return events

    def _forget_project(self, project_id: str) -> None:
        self._reported_project_cost.pop(project_id, None)
        self._over_threshold.discard(project_id)
        self._error_sets.pop(project_id, None)
        self._swept.discard(project_id)
        for rid in list(self._full.pop(project_id, {})):
            self._reported_resource_cost.pop(rid, None)
        for rid in self._known.ids_of(project_id):
            del self._known[rid]

    def _project_field_events(self, old: Project, new: Project, at: datetime) -> list[ChangeEvent]:
        # The resource count of a tracked project moves with its resource events: not news twice.
        fields = [
            f
            for f in PROJECT_UPDATE_FIELDS
            if getattr(old, f) != getattr(new, f) and not (f == "resource_count" and new.id in self._tracked)
        ]
        return [make.project_updated(old, new, fields, at)] if fields else []

    def _threshold_for(self, project: Project) -> Decimal | None:
        return self._thresholds.get(project.id, self._thresholds.get(project.name))

    def _project_cost_events(self, project: Project, at: datetime) -> list[ChangeEvent]:
        found: list[ChangeEvent] = []
        cost = project.monthly_cost
        if project.id not in self._reported_project_cost or project.id in self._tracked:
            # first sight, or followed resource by resource (those events tell the story)
            self._reported_project_cost[project.id] = cost
        elif cost_changed(self._reported_project_cost[project.id], cost, enough=PROJECT_COST_CHANGE_ENOUGH):
            old = self._reported_project_cost[project.id]
            self._reported_project_cost[project.id] = cost
            found.append(make.cost_changed_event(project.id, project.name, project.id, old, cost, "project", at))
        threshold = self._threshold_for(project)
        if threshold is not None and cost is not None:
            if cost > threshold and project.id not in self._over_threshold:
                self._over_threshold.add(project.id)
                found.append(make.threshold_exceeded(project, cost, threshold, at))
            elif cost <= threshold:
                self._over_threshold.discard(project.id)  # re-armed
        return found

    # --- full resource lists -------------------------------------------------------------------------------

    def observe_resources(self, project_id: str, resources: Iterable[Resource], at: datetime) -> list[ChangeEvent]:
        """A complete resource list of a project. Events only against a baseline (or known statuses)."""
        current = {r.id: r for r in resources}
        baseline = self._full.get(project_id)
        events: list[ChangeEvent] = []
        reported = self._reported_resource_cost
        for resource in current.values():
            old = baseline.get(resource.id) if baseline is not None else None
            known = self._known.get(resource.id)
            if (
                old is not None
                and known is not None
                and resource.id in reported
                and (known.project_id, known.name, known.status) == (project_id, resource.name, resource.status)
                and (old is resource or _compared(old) == _compared(resource))
            ):
                continue  # nothing it could report moved: the common case, 5,000 times per refresh at scale
            if baseline is not None and old is None and known is None:
                events.append(make.created(project_id, resource, at))
            else:
                if known is not None and known.status != resource.status:
                    events.append(make.status_changed(project_id, resource, known.status, at))
                if old is not None and old is not resource:
                    events.extend(self._field_events(project_id, old, resource, at))
            if baseline is not None and resource.id in self._reported_resource_cost:
                events.extend(self._resource_cost_events(project_id, resource, at))
            else:
                self._reported_resource_cost[resource.id] = resource.monthly_cost
            self._known[resource.id] = _Known(project_id, resource.name, resource.status)
        if baseline is not None:
            for rid, old in baseline.items():
                if rid not in current:
                    events.append(make.deleted(project_id, rid, old.name, at))
        # a resource that was known only through the sweep and is gone now was deleted as well
        for rid in [rid for rid in self._known.ids_of(project_id) if rid not in current]:
            if baseline is None or rid not in baseline:
                events.append(make.deleted(project_id, rid, self._known[rid].name, at))
            self._known.pop(rid, None)
            self._reported_resource_cost.pop(rid, None)
        if project_id in self._tracked:
            self._full[project_id] = current
        else:  # looked at once (a one-shot poll): remember only what the sweep would follow
            for rid, resource in current.items():
                self._reported_resource_cost.pop(rid, None)
                if resource.status != "error":
                    self._known.pop(rid, None)
        self._error_sets[project_id] = {rid for rid, r in current.items() if r.status == "error"}
        self._swept.add(project_id)
        return events

    def _field_events(self, project_id: str, old: Resource, new: Resource, at: datetime) -> list[ChangeEvent]:
        fields = [f for f in UPDATE_FIELDS if getattr(old, f) != getattr(new, f)]
        return [make.resource_updated(project_id, new, fields, at)] if fields else []

    def _resource_cost_events(self, project_id: str, resource: Resource, at: datetime) -> list[ChangeEvent]:
        old = self._reported_resource_cost.get(resource.id)
        if not cost_changed(old, resource.monthly_cost):
            return []
        self._reported_resource_cost[resource.id] = resource.monthly_cost
        return [
            make.cost_changed_event(resource.id, resource.name, project_id, old, resource.monthly_cost, "resource", at)
        ]

    # --- the problem sweep ----------------------------------------------------------------------------------

    def observe_errors(
        self, project_id: str, errors: Iterable[Resource], at: datetime
    ) -> tuple[list[ChangeEvent], set[str]]:
        """A `status=error` list of an untracked project. Returns the events and the ids that left `error`
        (their new status is unknown: the engine fetches each one and calls `observe_resource`)."""
        current = {r.id: r for r in errors}
        had_baseline = project_id in self._swept
        previous = self._error_sets.get(project_id, set())
        events: list[ChangeEvent] = []
        for resource in current.values():
            known = self._known.get(resource.id)
            if known is not None and known.status != "error":
                events.append(make.status_changed(project_id, resource, known.status, at))
            elif known is None and had_baseline and resource.id not in previous:
                events.append(make.status_changed(project_id, resource, None, at))
            self._known[resource.id] = _Known(project_id, resource.name, resource.status)
        left = {rid for rid in previous if rid not in current}
        self._error_sets[project_id] = set(current)
        self._swept.add(project_id)
        return events, left

    def observe_resource(
        self, project_id: str, resource_id: str, resource: Resource | None, at: datetime
    ) -> list[ChangeEvent]:
        """One resource fetched on its own (None: it is gone)."""
        known = self._known.get(resource_id)
        events: list[ChangeEvent] = []
        if resource is None:
            if known is not None:
                events.append(make.deleted(project_id, resource_id, known.name, at))
            self._known.pop(resource_id, None)
            self._error_sets.get(project_id, set()).discard(resource_id)
            baseline = self._full.get(project_id)
            if baseline is not None:
                baseline.pop(resource_id, None)
            return events
        if known is not None and known.status != resource.status:
            events.append(make.status_changed(project_id, resource, known.status, at))
        errors = self._error_sets.setdefault(project_id, set())
        if resource.status == "error":
            errors.add(resource_id)
        else:
            errors.discard(resource_id)
        baseline = self._full.get(project_id)
        if baseline is not None and resource_id in baseline:
            baseline[resource_id] = resource
            self._known[resource_id] = _Known(project_id, resource.name, resource.status)
        elif resource.status == "error":
            self._known[resource_id] = _Known(project_id, resource.name, resource.status)
        else:
            self._known.pop(resource_id, None)  # untracked and healthy: nothing to follow
        return events

    # --- operations ------------------------------------------------------------------------------------------

    def observe_operation(self, operation: Operation, at: datetime, *, from_resource: bool) -> list[ChangeEvent]:
        """`from_resource`: the id was found on a resource payload, so the operation began recently."""
        previous = self._operations.get(operation.id)
        self._operations[operation.id] = operation
        name = self.resource_name(operation.resource_id) or operation.resource_id or ""
        if operation.is_finished:
            if operation.id in self._announced_terminal:
                return []
            if previous is None and not from_resource:
                self._announced_terminal.add(operation.id)  # finished before we looked: old news
                return []
            self._announced_terminal.add(operation.id)
            return [make.operation_event(operation, previous, name, self._project_of(operation), at)]
        if previous is None:
            return (
                [make.operation_event(operation, None, name, self._project_of(operation), at)] if from_resource else []
            )
        if previous.progress != operation.progress or previous.status != operation.status:
            return [make.operation_event(operation, previous, name, self._project_of(operation), at)]
        return []

    def forget_operation(self, operation_id: str) -> None:
        self._operations.pop(operation_id, None)
        self._announced_terminal.discard(operation_id)

    def _project_of(self, operation: Operation) -> str | None:
        known = self._known.get(operation.resource_id or "")
        return known.project_id if known else None
