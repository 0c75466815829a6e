"""Turn successive observations of the API into change events: one per real change, never a duplicate.

The tracker sees the world through four kinds of windows, and keeps one memory across them (`OrgIndex`: every
resource seen, in any project) so that a change seen through two windows is still reported once, and a status
change is reported with its real old status whenever the resource was seen before:

* full resource lists of the *tracked* projects (the one the user looks at): every change there is visible;
* full lists of the other projects (the round): status changes, and problems appearing or going away;
* `status=error` lists of the other projects of more than one page, between their full lists;
* the project list: project costs, counts, names and statuses, and new or vanished projects.

A first look at anything is a baseline, not a change: opening the dashboard yields no storm of "created".
Costs are compared with the value last *reported*, so a slow drift below the threshold is reported once it adds up.
Operations' events are operation_changes.py's, kept by the tracker (`tracker.operation_changes`) over the same memory.
This module does no I/O; the engine feeds it and forwards what it returns.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal
from operator import attrgetter

from cftui.api.models import Project, Resource
from cftui.monitor import event_factory as make
from cftui.monitor.events import ChangeEvent, EventKind
from cftui.monitor.operation_changes import OperationChanges
from cftui.monitor.org import OrgIndex
from cftui.monitor.state import ResourceRef

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


# A resource's `seen_at` is refreshed on a look that finds nothing new at most this often: rebuilding 5,000 refs on
# every refresh of a big focused project would cost more than the diff itself.
SEEN_AT_RESOLUTION = timedelta(seconds=30)


class ChangeTracker:
    def __init__(self, cost_thresholds: Mapping[str, Decimal] | None = None) -> None:
        self._thresholds = dict(cost_thresholds or {})
        self._projects: dict[str, Project] | None = None
        self._reported_project_cost: dict[str, Decimal | None] = {}
        self._over_threshold: set[str] = set()
        self._tracked: set[str] = set()  # projects whose full resource list is followed
        self._full: dict[str, dict[str, Resource]] = {}  # baselines of tracked projects
        self._reported_resource_cost: dict[str, Decimal | None] = {}
        self._known = OrgIndex()  # by resource id, from every window, every project
        self._swept: set[str] = set()  # projects with an error-set baseline
        self._error_sets: dict[str, set[str]] = {}
        self.operation_changes = OperationChanges(self._known, self._project_name)  # the same memory of every resource

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
        self._tracked = wanted

    @property
    def org(self) -> OrgIndex:
        return self._known

    def _project_name(self, project_id: str) -> str:
        project = self._projects.get(project_id) if self._projects else None
        return project.name if project is not None else project_id

    def _remember(self, project_id: str, resource: Resource, at: datetime) -> None:
        """What was seen of one resource, kept as the organisation's `ResourceRef` for it."""
        known = self._known.get(resource.id)
        if known is None:
            since = None
        elif known.status != resource.status:
            since = at
        else:
            since = known.status_since
        self._known[resource.id] = ResourceRef.seen(project_id, self._project_name(project_id), resource, at, since)

    def _unchanged(self, project_id: str, resource: Resource, known: ResourceRef | None, at: datetime) -> bool:
        """The ref already says everything this look says (and was refreshed recently enough)."""
        return (
            known is not None
            and known.project_id == project_id
            and known.status == resource.status
            and known.name == resource.name
            and known.operation_id == resource.operation_id
            and known.monthly_cost == resource.monthly_cost
            and known.type == resource.type
            and at - known.seen_at < SEEN_AT_RESOLUTION
        )

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
                if old.name != project.name:
                    self._rename_refs(project)
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

    def _rename_refs(self, project: Project) -> None:
        for rid in self._known.ids_of(project.id):
            ref = self._known[rid]
            if ref.project_name != project.name:
                self._known[rid] = replace(ref, project_name=project.name)

    def _forget_project(self, project_id: str) -> None:
        self._reported_project_cost.pop(project_id, None)
        self._over_threshold.discard(project_id)
        self._error_sets.pop(project_id, None)
        self._swept.discard(project_id)
        for rid in list(self._full.pop(project_id, {})):
            self._reported_resource_cost.pop(rid, None)
        self._known.forget_project(project_id)

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
        """A complete resource list of a project, read in one page: what is absent from it is gone."""
        return self.observe_listing(project_id, resources, at, absence_unsure=False)[0]

    def observe_listing(
        self, project_id: str, resources: Iterable[Resource], at: datetime, *, absence_unsure: bool
    ) -> tuple[list[ChangeEvent], set[str]]:
        """A complete resource list of a project. Events only against a baseline (or known statuses).

        A tracked project tells everything (creations, deletions, fields, costs). Another project's list tells
        status changes (with the old status seen last, wherever), problems that appear with a new resource (`?`:
        never seen) and problems deleted; its creations, deletions and costs are told by the project list, once.

        `absence_unsure`: the list was read in several pages (offset pages: a deletion before a later page is read
        shifts a resource from that page onto one already read, so it is on neither). A resource missing from such a
        list is not taken for deleted: it is kept as last seen (baseline and ref) and returned, for the caller to
        read on its own (`observe_resource` then tells whether it is gone, and its status against the right old one)."""
        current = {r.id: r for r in resources}
        missing: set[str] = set()
        tracked = project_id in self._tracked
        baseline = self._full.get(project_id)
        had_look = project_id in self._swept
        events: list[ChangeEvent] = []
        reported = self._reported_resource_cost
        for resource in current.values():
            old = baseline.get(resource.id) if baseline is not None else None
            known = self._known.get(resource.id)
            if self._unchanged(project_id, resource, known, at) and (
                not tracked
                or (
                    old is not None
                    and resource.id in reported
                    and (old is resource or _compared(old) == _compared(resource))
                )
            ):
                continue  # nothing it could report moved: the common case, 5,000 times per refresh at scale
            if tracked and baseline is not None and old is None and known is None:
                events.append(make.created(project_id, resource, at))
            elif known is not None and known.status != resource.status:
                events.append(make.status_changed(project_id, resource, known.status, at))
            elif known is None and not tracked and had_look and resource.is_problem:
                events.append(make.status_changed(project_id, resource, None, at))
            if tracked and old is not None and old is not resource:
                events.extend(self._field_events(project_id, old, resource, at))
            if tracked:
                if baseline is not None and resource.id in reported:
                    events.extend(self._resource_cost_events(project_id, resource, at))
                else:
                    reported[resource.id] = resource.monthly_cost
            self._remember(project_id, resource, at)
        if baseline is not None:
            for rid, old in baseline.items():
                if rid not in current:
                    if absence_unsure:
                        missing.add(rid)
                    else:
                        events.append(make.deleted(project_id, rid, old.name, at))
        # a resource known from an earlier look and gone now was deleted as well
        for rid in [rid for rid in self._known.ids_of(project_id) if rid not in current]:
            if absence_unsure:
                missing.add(rid)
                continue
            gone = self._known[rid]
            if (baseline is None or rid not in baseline) and (tracked or gone.is_problem):
                events.append(make.deleted(project_id, rid, gone.name, at))
            self._known.pop(rid, None)
            reported.pop(rid, None)
        errors = {rid for rid, r in current.items() if r.status == "error"}
        # the unsure absentees stay as last seen until their own read answers
        errors |= {rid for rid in missing if rid in self._error_sets.get(project_id, ())}
        if tracked:
            if baseline is not None:
                current.update({rid: baseline[rid] for rid in missing if rid in baseline})
            self._full[project_id] = current
        self._error_sets[project_id] = errors
        self._swept.add(project_id)
        self._known.looked_at(project_id, at)
        self._trim()
        return events, missing

    def _trim(self) -> None:
        for project_id in self._known.trim(keep=self._tracked):
            self._error_sets.pop(project_id, None)
            self._swept.discard(project_id)

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
        """A `status=error` list of an untracked project (only resources in `error`: the caller checks). Returns
        the events and the ids that left `error` (their new status is unknown: the engine fetches each one and calls
        `observe_resource`)."""
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
            self._remember(project_id, resource, at)
        left = {rid for rid in previous if rid not in current}
        self._error_sets[project_id] = set(current)
        self._swept.add(project_id)
        self._trim()
        return events, left

    def observe_resource(
        self, project_id: str, resource_id: str, resource: Resource | None, at: datetime
    ) -> list[ChangeEvent]:
        """One resource fetched on its own (None: it is gone)."""
        known = self._known.get(resource_id)
        events: list[ChangeEvent] = []
        if resource is None:
            # as in a full list: an untracked project's deletions are news when they take a problem away
            if known is not None and (project_id in self._tracked or known.is_problem):
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
        self._remember(project_id, resource, at)
        return events
