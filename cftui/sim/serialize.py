"""JSON payloads in the reference's shapes, plus the documented extras."""

from __future__ import annotations

import time
from typing import Any

from cftui.sim.clock import WorldClock
from cftui.sim.model import Operation, Project, Resource
from cftui.sim.world import dollars


def iso(timestamp: float) -> str:
    """ISO 8601 UTC with a Z, to the second, as in the reference's examples."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(timestamp))


def iso_ms(timestamp: float) -> str:
    """ISO 8601 UTC with milliseconds, for the control endpoint's journal and stats."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(timestamp)) + f".{int(timestamp % 1 * 1000):03d}Z"


def project_payload(project: Project) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "id": project.id,
        "name": project.name,
        "organization_id": project.organization_id,
        "status": project.status,
        "created_at": iso(project.created_at),
        "resource_count": len(project.resources),
        "monthly_cost": dollars(project.cost_cents),
        "description": project.description,
        "tags": dict(project.tags),
        "cloud_provider": project.cloud_provider,
        "region": project.region,
        "updated_at": iso(project.updated_at),
    }
    if project.extra:
        payload.update(project.extra)
    return payload


def resource_payload(resource: Resource) -> dict[str, Any]:
    cost = dollars(resource.cost_cents)
    payload: dict[str, Any] = {
        "id": resource.id,
        "type": resource.type,
        "name": resource.name,
        "status": resource.status,
        "provider": resource.provider,
        "region": resource.region,
        "configuration": resource.configuration,
        "monthly_cost": f"{cost:.2f}" if resource.cost_as_string else cost,
        "created_at": iso(resource.created_at),
        "updated_at": iso(resource.updated_at),
        "tags": dict(resource.tags),
        "project_id": resource.project_id,
    }
    if resource.operation_id is not None:
        payload["operation_id"] = resource.operation_id
    if resource.extra:
        payload.update(resource.extra)
    return payload


def operation_payload(operation: Operation, clock: WorldClock) -> dict[str, Any]:
    # Once ended, the estimate is the actual end.
    estimated = (operation.completed_at or clock.wall_now()) if operation.ended else clock.wall_at(operation.world_end)
    payload: dict[str, Any] = {
        "id": operation.id,
        "type": operation.type,
        "status": operation.status,
        "progress": operation.progress,
        "resource_id": operation.resource_id,
        "project_id": operation.project_id,
        "created_at": iso(operation.created_at),
        "started_at": iso(operation.started_at) if operation.started_at is not None else None,
        "estimated_completion": iso(estimated),
        "logs": [{"timestamp": iso(line.at), "message": line.message} for line in operation.logs],
    }
    if operation.ended:
        payload["completed_at"] = iso(operation.completed_at or clock.wall_now())
    if operation.error is not None:
        payload["error"] = operation.error
    if operation.extra:
        payload.update(operation.extra)
    return payload


def accepted_payload(resource: Resource, operation: Operation) -> dict[str, Any]:
    """The 202 body of a resource write: `{"data": {"id", "status", "operation_id"}}`."""
    return {"data": {"id": resource.id, "status": resource.status, "operation_id": operation.id}}
