"""A verified delivery as the monitor's change events (marked `source="push"`), and what confirms it.

The payload's shape is the simulator's reading of the reference (docs/simulator.md): `data` holds
`project_id`, `resource_id`, `operation_id`, `old`, `new` and the current `resource` or `operation`. Fields
may be missing (another sender): what cannot be placed (no subject id) is `None`, refused as unusable.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError

from cftui.api.models import Operation, Resource
from cftui.api.sanitize import one_line
from cftui.monitor import event_factory as make
from cftui.monitor import summaries
from cftui.monitor.diff import cost_changed
from cftui.monitor.events import ChangeEvent, EventKind, Severity
from cftui.monitor.push_verify import Delivery

MAX_ID = 200


@dataclass(frozen=True, slots=True)
class Target:
    """What one targeted GET must show for the push to be confirmed."""

    what: str  # "resource" | "operation" | "project"
    project_id: str | None
    subject_id: str
    expect: str | None = None  # resource status / operation end status / None: "exists"
    absent: bool = False  # resource.deleted: confirmed by a 404
    threshold: Decimal | None = None  # cost.threshold_exceeded: the project's cost must be above it

    @property
    def key(self) -> str:
        return f"{self.what}:{self.project_id or ''}:{self.subject_id}"


@dataclass(frozen=True, slots=True)
class PushedChange:
    event: ChangeEvent
    target: Target
    follow_operation: str | None  # an operation id the push told of that is still running
    quiet: bool = False  # verified and counted, but nothing worth showing (a cost wobble below the noise rule)


def _id(value: Any) -> str | None:
    return value if isinstance(value, str) and 0 < len(value) <= MAX_ID else None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return one_line(str(value))[:200]


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _resource(data: dict[str, Any]) -> Resource | None:
    raw = data.get("resource")
    if not isinstance(raw, dict):
        return None
    try:
        return Resource.model_validate(raw)
    except ValidationError:
        return None


def _operation(data: dict[str, Any]) -> Operation | None:
    raw = data.get("operation")
    if not isinstance(raw, dict):
        return None
    try:
        return Operation.model_validate(raw)
    except ValidationError:
        return None


def to_change(delivery: Delivery) -> PushedChange | None:
    """The event a delivery stands for, or None when it names nothing cftui can place."""
    data = dict(delivery.data)
    if delivery.type == "cost.threshold_exceeded":
        return _threshold(delivery, data)
    if delivery.type.startswith("operation."):
        return _operation_change(delivery, data)
    return _resource_change(delivery, data)


def _base(delivery: Delivery) -> dict[str, Any]:
    return {"delivery_id": delivery.id, "sent_at": delivery.created_at.isoformat().replace("+00:00", "Z")}


def _resource_change(delivery: Delivery, data: dict[str, Any]) -> PushedChange | None:
    resource = _resource(data)
    resource_id = _id(data.get("resource_id")) or (resource.id if resource else None)
    project_id = _id(data.get("project_id"))
    if resource_id is None:
        return None
    old, new = data.get("old"), data.get("new")
    name = resource.name if resource and resource.name else _name_from(old) or resource_id
    at = delivery.received_at
    extra = _base(delivery)
    follow = resource.operation_id if resource and resource.operation_id else _id(data.get("operation_id"))
    if delivery.type == "resource.status_changed":
        status_new = _text(new) or (resource.status if resource else None)
        event = ChangeEvent(
            EventKind.RESOURCE_STATUS_CHANGED,
            at,
            resource_id,
            name,
            project_id,
            old=_text(old),
            new=status_new,
            severity=make.status_severity(status_new or ""),
            summary=summaries.status_sentence(name, _text(old), status_new or "?"),
            data=extra,
            source="push",
        )
        target = Target("resource", project_id, resource_id, expect=status_new)
    elif delivery.type == "resource.created":
        status = resource.status if resource else "?"
        kind_text = resource.type if resource else "?"
        event = ChangeEvent(
            EventKind.RESOURCE_CREATED,
            at,
            resource_id,
            name,
            project_id,
            new=status,
            severity=Severity.ERROR if status == "error" else Severity.INFO,
            summary=f"{name} created ({kind_text}, {status})",
            data={**extra, "type": kind_text},
            source="push",
        )
        target = Target("resource", project_id, resource_id)
    elif delivery.type == "resource.deleted":
        event = _as_push(make.deleted(project_id or "", resource_id, name, at), project_id, extra)
        target = Target("resource", project_id, resource_id, absent=True)
        follow = None
    else:  # resource.updated: a cost drift (numbers) or changed fields (objects)
        old_cost, new_cost = _decimal(old), _decimal(new)
        if old_cost is not None and new_cost is not None:
            event = make.cost_changed_event(resource_id, name, project_id or "", old_cost, new_cost, "resource", at)
            event = _as_push(event, project_id, extra)
            if not cost_changed(old_cost, new_cost):  # below the noise rule the poll uses too
                return PushedChange(event, Target("resource", project_id, resource_id), None, quiet=True)
        else:
            fields = sorted(str(k) for k in new)[:10] if isinstance(new, dict) else []
            event = ChangeEvent(
                EventKind.RESOURCE_UPDATED,
                at,
                resource_id,
                name,
                project_id,
                summary=summaries.fields_sentence(name, fields) if fields else f"{name} updated",
                data={**extra, "fields": fields},
                source="push",
            )
        target = Target("resource", project_id, resource_id)
    return PushedChange(event, target, _id(follow))


def _as_push(event: ChangeEvent, project_id: str | None, extra: dict[str, Any]) -> ChangeEvent:
    from dataclasses import replace

    return replace(event, project_id=project_id, data={**event.data, **extra}, source="push")


def _name_from(value: Any) -> str | None:
    if isinstance(value, dict) and isinstance(value.get("name"), str) and value["name"]:
        return one_line(value["name"])[:200]
    return None


def _operation_change(delivery: Delivery, data: dict[str, Any]) -> PushedChange | None:
    operation = _operation(data)
    operation_id = _id(data.get("operation_id")) or (operation.id if operation else None)
    if operation_id is None:
        return None
    if operation is None or operation.id != operation_id or not operation.is_finished:
        status = "completed" if delivery.type == "operation.completed" else "failed"
        operation = Operation(id=operation_id, status=status, resource_id=_id(data.get("resource_id")))
    resource = _resource(data)
    name = resource.name if resource and resource.name else ""
    event = make.operation_event(operation, None, name, _id(data.get("project_id")), delivery.received_at)
    event = _as_push(event, _id(data.get("project_id")), _base(delivery))
    expect = "completed" if delivery.type == "operation.completed" else "failed"
    return PushedChange(event, Target("operation", None, operation_id, expect=expect), None)


def _threshold(delivery: Delivery, data: dict[str, Any]) -> PushedChange | None:
    project_id = _id(data.get("project_id"))
    cost, threshold = _decimal(data.get("monthly_cost")), _decimal(data.get("threshold"))
    if project_id is None or cost is None or threshold is None:
        return None
    name = _text(data.get("project_name")) or project_id
    event = ChangeEvent(
        EventKind.COST_THRESHOLD_EXCEEDED,
        delivery.received_at,
        project_id,
        name,
        project_id,
        old=make.money_text(threshold),
        new=make.money_text(cost),
        severity=Severity.WARNING,
        summary=f"{name}: {summaries.money(cost)} a month is above the {summaries.money(threshold)} threshold",
        data={**_base(delivery), "threshold": make.money_text(threshold)},
        source="push",
    )
    return PushedChange(event, Target("project", project_id, project_id, threshold=threshold), None)
