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
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from cftui.api.models import RESOURCE_STATUSES, Operation, Project, Resource
from cftui.monitor import summaries
from cftui.monitor.events import ChangeEvent, EventKind, Severity

# A cost change smaller than both of these is noise (a rounding wobble), not news.
COST_CHANGE_MIN_ABSOLUTE = Decimal("0.01")
COST_CHANGE_MIN_RELATIVE = Decimal("0.001")
# Resource fields whose change is a `resource.updated`; status, cost and operation_id have their own events,
# and `updated_at` moves with every change, so comparing it would turn each real change into two events.
UPDATE_FIELDS = ("name", "type", "provider", "region", "configuration", "tags")
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


def status_severity(new: str) -> Severity:
    if new == "error":
        return Severity.ERROR
    return Severity.WARNING if new not in RESOURCE_STATUSES else Severity.INFO


@dataclass(slots=True)
class _Known:
    """What was last seen of one resource, from whichever window."""

    project_id: str
    name: str
    status: str


class ChangeTracker:
    def __init__(self, cost_thresholds: Mapping[str, Decimal] | None = None) -> None:
        self._thresholds = dict(cost_thresholds or {})
        self._projects: dict[str, Project] | None = None
        self._reported_project_cost: dict[str, Decimal | None] = {}
        self._over_threshold: set[str] = set()
        self._tracked: set[str] = set()  # projects whose full resource list is followed
        self._full: dict[str, dict[str, Resource]] = {}  # baselines of tracked projects
        self._reported_resource_cost: dict[str, Decimal | None] = {}
        self._known: dict[str, _Known] = {}  # by resource id, from every window
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
                events.append(self._project_event(EventKind.PROJECT_CREATED, project, at, f"{project.name} created"))
                events.extend(self._project_cost_events(project, at))
            elif old is not None:
                events.extend(
                    _fold_count_and_cost(
                        self._project_field_events(old, project, at) + self._project_cost_events(project, at)
                    )
                )
            else:
                events.extend(self._project_cost_events(project, at))
        if previous is not None:
            for project_id, old in previous.items():
                if project_id not in current:
                    events.append(self._project_event(EventKind.PROJECT_DELETED, old, at, f"{old.name} deleted"))
                    self._forget_project(project_id)
        return events

    def _forget_project(self, project_id: str) -> None:
        self._reported_project_cost.pop(project_id, None)
        self._over_threshold.discard(project_id)
        self._error_sets.pop(project_id, None)
        self._swept.discard(project_id)
        for rid in list(self._full.pop(project_id, {})):
            self._reported_resource_cost.pop(rid, None)
        for rid in [rid for rid, known in self._known.items() if known.project_id == project_id]:
            del self._known[rid]

    def _project_event(self, kind: EventKind, project: Project, at: datetime, summary: str) -> ChangeEvent:
        severity = Severity.WARNING if kind is EventKind.PROJECT_DELETED else Severity.INFO
        return ChangeEvent(kind, at, project.id, project.name, project.id, severity=severity, summary=summary)

    def _project_field_events(self, old: Project, new: Project, at: datetime) -> list[ChangeEvent]:
        # The resource count of a tracked project moves with its resource events: not news twice.
        fields = [
            f
            for f in PROJECT_UPDATE_FIELDS
            if getattr(old, f) != getattr(new, f) and not (f == "resource_count" and new.id in self._tracked)
        ]
        if not fields:
            return []
        if fields == ["resource_count"]:
            summary = f"{new.name}: {old.resource_count} -> {new.resource_count} resources"
            old_text, new_text = str(old.resource_count), str(new.resource_count)
        elif fields == ["status"]:
            summary = summaries.status_sentence(new.name, old.status, new.status)
            old_text, new_text = old.status, new.status
        else:
            summary, old_text, new_text = summaries.fields_sentence(new.name, fields), None, None
        return [
            ChangeEvent(
                EventKind.PROJECT_UPDATED,
                at,
                new.id,
                new.name,
                new.id,
                old=old_text,
                new=new_text,
                summary=summary,
                data={"fields": fields},
            )
        ]

    def _threshold_for(self, project: Project) -> Decimal | None:
        return self._thresholds.get(project.id, self._thresholds.get(project.name))

    def _project_cost_events(self, project: Project, at: datetime) -> list[ChangeEvent]:
        events: list[ChangeEvent] = []
        cost = project.monthly_cost
        if project.id not in self._reported_project_cost or project.id in self._tracked:
            # first sight, or followed resource by resource (those events tell the story)
            self._reported_project_cost[project.id] = cost
        elif cost_changed(self._reported_project_cost[project.id], cost, enough=PROJECT_COST_CHANGE_ENOUGH):
            old = self._reported_project_cost[project.id]
            self._reported_project_cost[project.id] = cost
            events.append(
                ChangeEvent(
                    EventKind.COST_CHANGED,
                    at,
                    project.id,
                    project.name,
                    project.id,
                    old=_text(old),
                    new=_text(cost),
                    summary=summaries.cost_sentence(project.name, old, cost),
                    data={"level": "project"},
                )
            )
        threshold = self._threshold_for(project)
        if threshold is not None and cost is not None:
            if cost > threshold and project.id not in self._over_threshold:
                self._over_threshold.add(project.id)
                events.append(
                    ChangeEvent(
                        EventKind.COST_THRESHOLD_EXCEEDED,
                        at,
                        project.id,
                        project.name,
                        project.id,
                        old=_text(threshold),
                        new=_text(cost),
                        severity=Severity.WARNING,
                        summary=f"{project.name}: {summaries.money(cost)} a month is above the "
                        f"{summaries.money(threshold)} threshold",
                        data={"threshold": str(threshold)},
                    )
                )
            elif cost <= threshold:
                self._over_threshold.discard(project.id)  # re-armed
        return events

    # --- full resource lists -------------------------------------------------------------------------------

    def observe_resources(self, project_id: str, resources: Iterable[Resource], at: datetime) -> list[ChangeEvent]:
        """A complete resource list of a project. Events only against a baseline (or known statuses)."""
        current = {r.id: r for r in resources}
        baseline = self._full.get(project_id)
        events: list[ChangeEvent] = []
        for resource in current.values():
            old = baseline.get(resource.id) if baseline is not None else None
            known = self._known.get(resource.id)
            if baseline is not None and old is None and known is None:
                events.append(self._created(project_id, resource, at))
            else:
                if known is not None and known.status != resource.status:
                    events.append(self._status_changed(project_id, resource, known.status, at))
                if old is not None:
                    events.extend(self._field_events(project_id, old, resource, at))
            if baseline is not None and resource.id in self._reported_resource_cost:
                events.extend(self._resource_cost_events(project_id, resource, at))
            else:
                self._reported_resource_cost[resource.id] = resource.monthly_cost
            self._known[resource.id] = _Known(project_id, resource.name, resource.status)
        if baseline is not None:
            for rid, old in baseline.items():
                if rid not in current:
                    events.append(self._deleted(project_id, rid, old.name, at))
        # a resource that was known only through the sweep and is gone now was deleted as well
        for rid in [rid for rid, k in self._known.items() if k.project_id == project_id and rid not in current]:
            if baseline is None or rid not in baseline:
                events.append(self._deleted(project_id, rid, self._known[rid].name, at))
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

    def _created(self, project_id: str, resource: Resource, at: datetime) -> ChangeEvent:
        return ChangeEvent(
            EventKind.RESOURCE_CREATED,
            at,
            resource.id,
            resource.name,
            project_id,
            new=resource.status,
            severity=status_severity(resource.status) if resource.status == "error" else Severity.INFO,
            summary=f"{resource.name} created ({resource.type}, {resource.status})",
            data={"type": resource.type},
        )

    def _deleted(self, project_id: str, resource_id: str, name: str, at: datetime) -> ChangeEvent:
        return ChangeEvent(
            EventKind.RESOURCE_DELETED,
            at,
            resource_id,
            name,
            project_id,
            severity=Severity.WARNING,
            summary=f"{name or resource_id} deleted",
        )

    def _status_changed(self, project_id: str, resource: Resource, old: str | None, at: datetime) -> ChangeEvent:
        return ChangeEvent(
            EventKind.RESOURCE_STATUS_CHANGED,
            at,
            resource.id,
            resource.name,
            project_id,
            old=old,
            new=resource.status,
            severity=status_severity(resource.status),
            summary=summaries.status_sentence(resource.name, old, resource.status),
        )

    def _field_events(self, project_id: str, old: Resource, new: Resource, at: datetime) -> list[ChangeEvent]:
        fields = [f for f in UPDATE_FIELDS if getattr(old, f) != getattr(new, f)]
        if not fields:
            return []
        return [
            ChangeEvent(
                EventKind.RESOURCE_UPDATED,
                at,
                new.id,
                new.name,
                project_id,
                summary=summaries.fields_sentence(new.name, fields),
                data={"fields": fields},
            )
        ]

    def _resource_cost_events(self, project_id: str, resource: Resource, at: datetime) -> list[ChangeEvent]:
        old = self._reported_resource_cost.get(resource.id)
        if not cost_changed(old, resource.monthly_cost):
            return []
        self._reported_resource_cost[resource.id] = resource.monthly_cost
        return [
            ChangeEvent(
                EventKind.COST_CHANGED,
                at,
                resource.id,
                resource.name,
                project_id,
                old=_text(old),
                new=_text(resource.monthly_cost),
                summary=summaries.cost_sentence(resource.name, old, resource.monthly_cost),
                data={"level": "resource"},
            )
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
                events.append(self._status_changed(project_id, resource, known.status, at))
            elif known is None and had_baseline and resource.id not in previous:
                events.append(self._status_changed(project_id, resource, None, at))
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
                events.append(self._deleted(project_id, resource_id, known.name, at))
            self._known.pop(resource_id, None)
            self._error_sets.get(project_id, set()).discard(resource_id)
            baseline = self._full.get(project_id)
            if baseline is not None:
                baseline.pop(resource_id, None)
            return events
        if known is not None and known.status != resource.status:
            events.append(self._status_changed(project_id, resource, known.status, at))
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
            return [self._operation_event(operation, previous, name, at)]
        if previous is None:
            return [self._operation_event(operation, None, name, at)] if from_resource else []
        if previous.progress != operation.progress or previous.status != operation.status:
            return [self._operation_event(operation, previous, name, at)]
        return []

    def forget_operation(self, operation_id: str) -> None:
        self._operations.pop(operation_id, None)

    def _operation_event(
        self, operation: Operation, previous: Operation | None, name: str, at: datetime
    ) -> ChangeEvent:
        if operation.status == "completed":
            kind, severity = EventKind.OPERATION_COMPLETED, Severity.INFO
        elif operation.is_finished:
            kind = EventKind.OPERATION_FAILED
            severity = Severity.ERROR if operation.status == "failed" else Severity.WARNING
        else:
            kind, severity = EventKind.OPERATION_PROGRESS, Severity.INFO
        data: dict[str, object] = {"type": operation.type, "status": operation.status}
        if operation.progress is not None:
            data["progress"] = operation.clamped_progress
        if operation.resource_id:
            data["resource_id"] = operation.resource_id
        if previous is None and not operation.is_finished:
            data["started"] = True
        project_id = self._known[operation.resource_id].project_id if operation.resource_id in self._known else None
        return ChangeEvent(
            kind,
            at,
            operation.id,
            name or operation.type,
            project_id,
            old=_progress_text(previous) if previous is not None else None,
            new=operation.status if operation.is_finished else _progress_text(operation),
            severity=severity,
            summary=summaries.operation_sentence(operation, name),
            data=data,
        )


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _progress_text(operation: Operation) -> str:
    return f"{operation.status} {operation.clamped_progress}%"


def _fold_count_and_cost(events: list[ChangeEvent]) -> list[ChangeEvent]:
    """An untracked project whose resource count and cost moved together had resources created or deleted:
    one event says it ("3 -> 4 resources, $10.00 -> $12.00 a month"), not two."""
    updated = next((e for e in events if e.kind is EventKind.PROJECT_UPDATED), None)
    cost = next((e for e in events if e.kind is EventKind.COST_CHANGED and e.data.get("level") == "project"), None)
    if updated is None or cost is None or updated.data.get("fields") != ["resource_count"]:
        return events
    merged = replace(
        updated,
        summary=f"{updated.summary}, {summaries.money(_decimal(cost.old))} -> "
        f"{summaries.money(_decimal(cost.new))} a month",
        data={**updated.data, "cost_old": cost.old, "cost_new": cost.new},
    )
    return [merged if e is updated else e for e in events if e is not cost]


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)
