"""The one set of data builders for tests: real model objects, made the way the client makes them.

Payloads go through `sanitize_tree` and the pydantic models exactly as the client does, so a widget, a renderer or
the monitor sees what it would see from the API (the simulator's `--nasty` kind of text included). Every builder
takes API-shaped extra fields (`**fields`) that override or add to its defaults. The ready-made dashboards built
from these (healthy, offline, the organisation, ...) are in tests/worlds.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from cftui.api.models import Operation, OperationLog, Project, Resource
from cftui.api.sanitize import sanitize_tree
from cftui.monitor.events import ChangeEvent, EventKind, Severity
from cftui.monitor.state import Change, Fetched, MonitorUpdate, OperationChanged, ResourceRef, Snapshot

NOW = datetime(2026, 11, 28, 14, 3, 27, tzinfo=UTC)  # "now" in the ready-made dashboards
T0 = datetime(2026, 11, 28, 14, 0, 0, tzinfo=UTC)  # a round start for tests that count seconds from it


def clock() -> datetime:
    """The injectable clock of the ready-made dashboards: always `NOW`."""
    return NOW


def iso(moment: datetime | None) -> str | None:
    """An API timestamp (`Z` for UTC), or None."""
    return moment.isoformat().replace("+00:00", "Z") if moment else None


PROJECT_FIELDS = {"status": "active", "organization_id": "org_1", "created_at": "2026-01-01T00:00:00Z"}
RESOURCE_FIELDS = {
    "status": "running",
    "provider": "aws",
    "region": "us-east-1",
    "configuration": {"instance_type": "t3.large", "disk_gb": 100},
    "tags": {"environment": "production", "team": "platform"},
    "created_at": "2026-10-01T09:00:00Z",
    "updated_at": "2026-11-28T13:59:00Z",
}


def project(
    pid: str = "proj_1", name: str = "prod", *, cost: Any = "1250.50", count: Any = 3, **fields: Any
) -> Project:
    """A project (`status` and any other API field in `fields`)."""
    payload = {**PROJECT_FIELDS, "id": pid, "name": name, "monthly_cost": cost, "resource_count": count, **fields}
    return Project.model_validate(sanitize_tree(payload))


def resource(rid: str = "res_1", name: str = "web-1", *, rtype: str = "compute_instance", cost: Any = "100.00",
             **fields: Any) -> Resource:  # fmt: skip
    """A resource (`status`, `region`, `operation_id` and any other API field in `fields`)."""
    payload = {**RESOURCE_FIELDS, "id": rid, "type": rtype, "name": name, "monthly_cost": cost, **fields}
    return Resource.model_validate(sanitize_tree(payload))


def resource_ref(pid: str, pname: str, rid: str, name: str, *, rtype: str = "compute_instance", status: str = "error",
                 cost: str | None = "12.50", seen_at: datetime = NOW, since: datetime | None = None,
                 operation_id: str | None = None) -> ResourceRef:  # fmt: skip
    """A resource as the organisation sweep last saw it (`since`: when its status was first seen)."""
    money = Decimal(cost) if cost is not None else None
    return ResourceRef(pid, pname, rid, name, rtype, status, money, seen_at, since, operation_id)


def log_line(seconds: float, message: str, start: datetime = T0) -> OperationLog:
    """An operation's log line written `seconds` after `start`."""
    return OperationLog.model_validate(sanitize_tree({"timestamp": iso(start + timedelta(seconds=seconds)),
                                                     "message": message}))  # fmt: skip


def operation(
    oid: str = "op_1",
    *,
    status: str = "in_progress",
    progress: int = 45,
    rid: str = "res_web1",
    otype: str = "update_resource",
    started: datetime | None = T0,
    eta: datetime | None = T0 + timedelta(minutes=5),
    logs: Iterable[OperationLog | Mapping[str, Any]] = (),
    **fields: Any,
) -> Operation:
    """An operation; `started`/`eta` None leave `started_at`/`estimated_completion` out, `logs` are `log_line`s
    or API-shaped dicts."""
    payload: dict[str, Any] = {
        "id": oid,
        "type": otype,
        "status": status,
        "progress": progress,
        "resource_id": rid,
        "started_at": iso(started),
        "estimated_completion": iso(eta),
        "logs": [
            line if isinstance(line, Mapping) else {"timestamp": iso(line.timestamp), "message": line.message}
            for line in logs
        ],
        **fields,
    }
    return Operation.model_validate(sanitize_tree(payload))


def snapshot(
    *,
    projects: Iterable[Project] = (),
    resources: Mapping[str, Iterable[Resource]] | None = None,
    operations: Iterable[Operation] = (),
    at: datetime = T0,
) -> Snapshot:
    """A snapshot of what was fetched at `at`; each project's problem count is counted from its resources."""
    res = {pid: Fetched(tuple(items), at) for pid, items in (resources or {}).items()}
    problems = {pid: sum(1 for r in fetched.value if r.is_problem) for pid, fetched in res.items()}
    return Snapshot(
        projects=Fetched(tuple(projects), at),
        resources=res,
        problem_counts=problems,
        operations={op.id: Fetched(op, at) for op in operations},
    )


def update(
    snap: Snapshot,
    events: Iterable[ChangeEvent] = (),
    *,
    new_log_lines: Mapping[str, Iterable[OperationLog]] | None = None,
    changed: Iterable[Change] | None = None,
) -> MonitorUpdate:
    """The update the engine posts for `snap`; unless told what changed, every operation in it did."""
    lines = {oid: tuple(items) for oid, items in (new_log_lines or {}).items()}
    marks = frozenset(changed) if changed is not None else frozenset(OperationChanged(oid) for oid in snap.operations)
    return MonitorUpdate(snapshot=snap, events=tuple(events), new_log_lines=lines, changed=marks)


def event(kind: EventKind = EventKind.RESOURCE_STATUS_CHANGED, **fields: Any) -> ChangeEvent:
    """A change event: web-1 in proj_shop went from running to error at `NOW`, unless `fields` say otherwise."""
    base: dict[str, Any] = {"at": NOW, "subject_id": "res_1", "subject_name": "web-1", "project_id": "proj_shop",
                            "old": "running", "new": "error", "severity": Severity.ERROR,
                            "summary": "web-1: running -> error"}  # fmt: skip
    return ChangeEvent(kind=kind, **{**base, **fields})


def status_event(
    name: str,
    old: str,
    new: str,
    *,
    rid: str = "res_web1",
    pid: str = "proj_shop",
    at: datetime = NOW,
    severity: Severity | None = None,
) -> ChangeEvent:
    """A resource's status change, as the differ reports it (the name sanitised as the client would)."""
    clean_name = sanitize_tree(name)
    return ChangeEvent(
        kind=EventKind.RESOURCE_STATUS_CHANGED,
        at=at,
        subject_id=rid,
        subject_name=clean_name,
        project_id=pid,
        old=old,
        new=new,
        severity=severity or (Severity.ERROR if new == "error" else Severity.INFO),
        summary=f"{clean_name}: {old} -> {new}",
    )
