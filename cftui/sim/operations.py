"""Long-running operations: pending -> in_progress -> completed | failed, over tens of world-seconds.

Each operation's whole course (step times, log lines, outcome) is drawn when it starts, from the RNG of
whoever started it, then scheduled on the world clock; the steps journal their progress as they happen.
"""

from __future__ import annotations

import functools
import random
from typing import Any

from cftui.sim import catalog, nasty
from cftui.sim.model import LogLine, Operation, Resource
from cftui.sim.world import World

DURATION_RANGE = (20.0, 60.0)  # world-seconds
FAILURE_ODDS = 1 / 8
OPERATION_KINDS = ("create_resource", "update_resource", "delete_resource", "restart_resource")


def start_operation(
    world: World,
    resource: Resource,
    kind: str,
    rng: random.Random,
    *,
    outcome: str | None = None,
    duration: float | None = None,
    patch: dict[str, Any] | None = None,
    hostile: bool = False,
    operation_id: str | None = None,
) -> Operation:
    """Start an operation of `kind` on `resource` (which must have none running) and schedule its course."""
    if resource.operation_id is not None:
        raise ValueError(f"resource {resource.id} already has operation {resource.operation_id} in progress")
    duration = duration if duration is not None else rng.uniform(*DURATION_RANGE)
    if outcome is None:
        outcome = "failed" if rng.random() < FAILURE_ODDS else "completed"
    shown_type = rng.choice(nasty.NASTY_OPERATION_TYPES) if hostile and rng.random() < 0.3 else kind
    operation = Operation(
        id=operation_id or world.new_id("op_", rng),
        type=shown_type,
        status="pending",
        resource_id=resource.id,
        project_id=resource.project_id,
        created_at=world.current_wall,
        world_end=world.current_world + duration,
        outcome=outcome,
        patch=dict(patch or {}),
        extra=nasty.extra_fields(rng) if hostile and rng.random() < 0.3 else None,
    )
    world.operations[operation.id] = operation
    resource.operation_id = operation.id
    _record(world, "operation.started", operation, new={"type": operation.type, "status": "pending"})
    _schedule_course(world, operation, kind, rng, duration, hostile)
    return operation


def create_resource(
    world: World,
    resource: Resource,
    rng: random.Random,
    *,
    outcome: str | None = None,
    duration: float | None = None,
    hostile: bool = False,
) -> Operation:
    """Add `resource` as `provisioning` and start the operation that brings it up (journaled in that order)."""
    operation_id = world.new_id("op_", rng)
    resource.status = "provisioning"
    world.add_resource(resource, operation_id=operation_id)
    return start_operation(
        world,
        resource,
        "create_resource",
        rng,
        outcome=outcome,
        duration=duration,
        hostile=hostile,
        operation_id=operation_id,
    )


def _schedule_course(
    world: World, operation: Operation, kind: str, rng: random.Random, duration: float, hostile: bool
) -> None:
    resource = world.resources[operation.resource_id]
    fields = {"region": resource.region, "provider": resource.provider, "type": resource.type}
    messages = [line.format(**fields) for line in catalog.OPERATION_LOGS[kind]]
    if hostile:
        messages.insert(rng.randint(1, len(messages)), nasty.nasty_text(rng, "log"))
    failure = rng.choice(catalog.FAILURE_MESSAGES[kind]).format(**fields)
    queued = min(duration * 0.1, rng.uniform(1.0, 3.0))
    step = (duration - queued) / len(messages)
    fail_at = rng.randint(1, len(messages) - 1) if operation.outcome == "failed" else None
    start = world.current_world
    for index, message in enumerate(messages):
        when = start + queued + index * step
        if fail_at is not None and index == fail_at:
            world.scheduler.schedule(when, lambda: _finish(world, operation, kind, failure))
            return
        progress = min(95, index * 100 // len(messages))
        world.scheduler.schedule(when, functools.partial(_step, world, operation, kind, message, progress))
    world.scheduler.schedule(start + duration, lambda: _finish(world, operation, kind, None))


def _step(world: World, operation: Operation, kind: str, message: str, progress: int) -> None:
    if operation.ended:
        return
    old = {"status": operation.status, "progress": operation.progress}
    if operation.status == "pending":
        operation.status = "in_progress"
        operation.started_at = world.current_wall
        resource = world.resources.get(operation.resource_id)
        if kind == "restart_resource" and resource is not None:
            world.set_status(resource, "pending", operation_id=operation.id)
    operation.progress = max(operation.progress, progress)
    operation.logs.append(LogLine(world.current_wall, message))
    new = {"status": operation.status, "progress": operation.progress, "message": message}
    _record(world, "operation.progress", operation, old=old, new=new)


def _record(world: World, kind: str, operation: Operation, *, old: Any = None, new: Any = None) -> None:
    world.journal.record(
        kind,
        world.current_wall,
        project_id=operation.project_id,
        resource_id=operation.resource_id,
        operation_id=operation.id,
        old=old,
        new=new,
    )


def _finish(world: World, operation: Operation, kind: str, failure: str | None) -> None:
    if operation.ended:
        return
    resource = world.resources.get(operation.resource_id)
    if operation.started_at is None:
        operation.started_at = world.current_wall
    operation.completed_at = world.current_wall
    if resource is not None and resource.operation_id == operation.id:
        resource.operation_id = None
    if failure is None:
        operation.status, operation.progress = "completed", 100
        operation.logs.append(LogLine(world.current_wall, "Operation completed successfully"))
    else:
        operation.status, operation.error = "failed", failure
        operation.logs.append(LogLine(world.current_wall, f"Error: {failure}"))
    new = {"status": operation.status, "progress": operation.progress, "error": operation.error}
    _record(world, f"operation.{operation.status}", operation, old={"status": "in_progress"}, new=new)
    world.operation_ended(operation)
    if resource is not None:
        _apply_outcome(world, operation, kind, resource, succeeded=failure is None)


def _apply_outcome(world: World, operation: Operation, kind: str, resource: Resource, *, succeeded: bool) -> None:
    op_id = operation.id
    if kind in ("create_resource", "restart_resource"):
        world.set_status(resource, "running" if succeeded else "error", operation_id=op_id)
    elif kind == "delete_resource" and succeeded:
        world.remove_resource(resource, operation_id=op_id)
    elif kind == "update_resource" and succeeded:
        patch = operation.patch
        world.update_resource(resource, patch, operation_id=op_id)
        if "status" in patch:
            world.set_status(resource, patch["status"], operation_id=op_id)
        if "cost_factor" in patch:
            world.set_cost(resource, round(resource.cost_cents * patch["cost_factor"]), operation_id=op_id)


def cancel_operation(world: World, operation: Operation, reason: str) -> None:
    """End a running operation because its resource went away under it."""
    if operation.ended:
        return
    operation.status, operation.error = "cancelled", reason
    operation.completed_at = world.current_wall
    operation.logs.append(LogLine(world.current_wall, f"Cancelled: {reason}"))
    resource = world.resources.get(operation.resource_id)
    if resource is not None and resource.operation_id == operation.id:
        resource.operation_id = None
    _record(world, "operation.cancelled", operation, new={"status": "cancelled", "error": reason})
    world.operation_ended(operation)
