"""Building change events: kind, severity, old/new text and a one-line summary for each kind of change.

The change tracker (`diff.py`, and `operation_changes.py` for operations) decides *that* something changed; this
module says how it reads.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal

from cftui.api.models import RESOURCE_STATUSES, Operation, Project, Resource
from cftui.monitor import summaries
from cftui.monitor.events import ChangeEvent, EventKind, Severity


def status_severity(new: str) -> Severity:
    if new == "error":
        return Severity.ERROR
    return Severity.WARNING if new not in RESOURCE_STATUSES else Severity.INFO


money_text = summaries.money_json  # old/new of cost events: the JSON money format ("25779.80")


# --- resources -------------------------------------------------------------------------------------------


def created(project_id: str, resource: Resource, at: datetime) -> ChangeEvent:
    return ChangeEvent(
        EventKind.RESOURCE_CREATED,
        at,
        resource.id,
        resource.name,
        project_id,
        new=resource.status,
        severity=Severity.ERROR if resource.status == "error" else Severity.INFO,
        summary=f"{resource.name} created ({resource.type}, {resource.status})",
        data={"type": resource.type},
    )


def deleted(project_id: str, resource_id: str, name: str, at: datetime) -> ChangeEvent:
    return ChangeEvent(
        EventKind.RESOURCE_DELETED,
        at,
        resource_id,
        name,
        project_id,
        severity=Severity.WARNING,
        summary=f"{name or resource_id} deleted",
    )


def status_changed(project_id: str, resource: Resource, old: str | None, at: datetime) -> ChangeEvent:
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


def resource_updated(project_id: str, resource: Resource, fields: list[str], at: datetime) -> ChangeEvent:
    return ChangeEvent(
        EventKind.RESOURCE_UPDATED,
        at,
        resource.id,
        resource.name,
        project_id,
        summary=summaries.fields_sentence(resource.name, fields),
        data={"fields": fields},
    )


def cost_changed_event(
    subject_id: str, name: str, project_id: str, old: Decimal | None, new: Decimal | None, level: str, at: datetime
) -> ChangeEvent:
    return ChangeEvent(
        EventKind.COST_CHANGED,
        at,
        subject_id,
        name,
        project_id,
        old=money_text(old),
        new=money_text(new),
        summary=summaries.cost_sentence(name, old, new),
        data={"level": level},
    )


# --- projects --------------------------------------------------------------------------------------------


def project_event(kind: EventKind, project: Project, at: datetime, summary: str) -> ChangeEvent:
    severity = Severity.WARNING if kind is EventKind.PROJECT_DELETED else Severity.INFO
    return ChangeEvent(kind, at, project.id, project.name, project.id, severity=severity, summary=summary)


def project_updated(old: Project, new: Project, fields: list[str], at: datetime) -> ChangeEvent:
    if fields == ["resource_count"]:
        summary = f"{new.name}: {old.resource_count} -> {new.resource_count} resources"
        old_text, new_text = str(old.resource_count), str(new.resource_count)
    elif fields == ["status"]:
        summary = summaries.status_sentence(new.name, old.status, new.status)
        old_text, new_text = old.status, new.status
    else:
        summary, old_text, new_text = summaries.fields_sentence(new.name, fields), None, None
    return ChangeEvent(
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


def threshold_exceeded(project: Project, cost: Decimal, threshold: Decimal, at: datetime) -> ChangeEvent:
    return ChangeEvent(
        EventKind.COST_THRESHOLD_EXCEEDED,
        at,
        project.id,
        project.name,
        project.id,
        old=money_text(threshold),
        new=money_text(cost),
        severity=Severity.WARNING,
        summary=f"{project.name}: {summaries.money(cost)} a month is above the {summaries.money(threshold)} threshold",
        data={"threshold": money_text(threshold)},
    )


def fold_count_and_cost(events: list[ChangeEvent]) -> list[ChangeEvent]:
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


# --- operations ------------------------------------------------------------------------------------------


def _progress_text(operation: Operation) -> str:
    return f"{operation.status} {operation.clamped_progress}%"


def operation_event(
    operation: Operation,
    previous: Operation | None,
    name: str,
    project_id: str | None,
    at: datetime,
    names: tuple[str, str | None] | None = None,
) -> ChangeEvent:
    """`names`: the resource's name and its project's, when known (a line read alone then says what and where)."""
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
    if names is not None:
        data["resource_name"] = names[0]
        if names[1] is not None:
            data["project_name"] = names[1]
    if previous is None and not operation.is_finished:
        data["started"] = True
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
