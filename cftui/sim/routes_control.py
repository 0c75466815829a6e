"""`/_sim/*`: the loopback-only control endpoint tests use to inspect and steer the simulator.

No key needed, no faults, no rate limit, not counted in stats. Every change it makes is journaled like any other.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from cftui.sim import params
from cftui.sim.errors import found, invalid
from cftui.sim.factory import make_resource
from cftui.sim.faults import Faults
from cftui.sim.generate import add_generated_projects
from cftui.sim.journal import Change
from cftui.sim.keys import mask_key
from cftui.sim.model import Project, Resource
from cftui.sim.operations import OPERATION_KINDS, cancel_operation, start_operation
from cftui.sim.respond import reply, simulator
from cftui.sim.serialize import iso_ms
from cftui.sim.state import Simulator
from cftui.sim.world import MAX_JUMP_SECONDS

MAX_ADDED_RESOURCES = 200_000


def change_payload(change: Change) -> dict[str, Any]:
    return {
        "seq": change.seq,
        "at": iso_ms(change.at),
        "kind": change.kind,
        "project_id": change.project_id,
        "resource_id": change.resource_id,
        "operation_id": change.operation_id,
        "old": change.old,
        "new": change.new,
    }


async def state(request: Request) -> Response:
    sim = simulator(request)
    world = sim.world
    return reply(
        {
            "now": iso_ms(world.clock.wall_now()),
            "world_time": round(world.clock.world_now(), 3),
            "speed": world.clock.speed,
            "static": world.static,
            "nasty": world.nasty,
            "seed": world.seed,
            "plan": sim.limiter.plan,
            "projects": len(world.projects),
            "resources": len(world.resources),
            "operations": len(world.operations),
            "last_seq": world.journal.last_seq,
            "faults": sim.faults.shown(),
            "keys": sorted(mask_key(key) or "" for key in sim.keys),
        }
    )


async def get_faults(request: Request) -> Response:
    return reply(simulator(request).faults.shown())


async def set_faults(request: Request) -> Response:
    sim = simulator(request)
    body = await params.json_object(request)
    try:
        sim.faults = sim.faults.merged(body)
    except ValueError as exc:
        raise invalid(str(exc)) from None
    return reply(sim.faults.shown())


async def clear_faults(request: Request) -> Response:
    sim = simulator(request)
    sim.faults = Faults()
    return reply(sim.faults.shown())


async def advance(request: Request) -> Response:
    sim = simulator(request)
    body = await params.json_object(request)
    seconds = body.get("seconds")
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not math.isfinite(seconds):
        raise invalid("field 'seconds' must be a number")
    if not 0 <= seconds <= MAX_JUMP_SECONDS:
        raise invalid(f"field 'seconds' must be between 0 and {MAX_JUMP_SECONDS}")
    before = sim.world.journal.last_seq
    sim.world.jump(float(seconds))
    return reply(
        {
            "world_time": round(sim.world.clock.world_now(), 3),
            "changes": sim.world.journal.last_seq - before,
            "last_seq": sim.world.journal.last_seq,
        }
    )


async def changes(request: Request) -> Response:
    journal = simulator(request).world.journal
    raw = request.query_params.get("since", "0")
    try:
        since = int(raw)
    except ValueError:
        raise invalid(f"parameter 'since' must be an integer, got {raw[:40]!r}") from None
    limit = params.positive_int(request, "limit", 100_000)
    found = journal.since(since, limit)
    return reply({"changes": [change_payload(change) for change in found], "last_seq": journal.last_seq})


async def get_stats(request: Request) -> Response:
    return reply(simulator(request).stats.to_dict())


async def reset_stats(request: Request) -> Response:
    stats = simulator(request).stats
    stats.reset()
    return reply(stats.to_dict())


# --- mutate -----------------------------------------------------------------------------------------------------
def _resource(sim: Simulator, body: dict[str, Any]) -> Resource:
    return found(sim.world.resources, "resource", params.required_string(body, "resource_id", 64))


def _project(sim: Simulator, body: dict[str, Any]) -> Project:
    return found(sim.world.projects, "project", params.required_string(body, "project_id", 64))


def _count(body: dict[str, Any], name: str, default: int | None = None) -> int:
    value = body.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise invalid(f"field '{name}' must be a non-negative integer")
    return value


def _mutate_set_status(sim: Simulator, body: dict[str, Any]) -> dict[str, Any]:
    sim.world.set_status(_resource(sim, body), params.required_string(body, "status", 64))
    return {}


def _mutate_set_cost(sim: Simulator, body: dict[str, Any]) -> dict[str, Any]:
    resource = _resource(sim, body)
    cost = body.get("monthly_cost")
    if isinstance(cost, bool) or not isinstance(cost, int | float) or not math.isfinite(cost) or cost < 0:
        raise invalid("field 'monthly_cost' must be a non-negative number")
    sim.world.set_cost(resource, round(cost * 100))
    return {}


def _mutate_create_resource(sim: Simulator, body: dict[str, Any]) -> dict[str, Any]:
    project = _project(sim, body)
    resource_type = params.required_string(body, "type", 300)
    resource = make_resource(
        sim.world,
        project,
        sim.control_rng,
        resource_type=resource_type,
        name=params.required_string(body, "name", 1000),
        status=params.optional_string(body, "status", 64) or "running",
    )
    sim.world.add_resource(resource)
    return {"resource_id": resource.id}


def _mutate_delete_resource(sim: Simulator, body: dict[str, Any]) -> dict[str, Any]:
    resource = _resource(sim, body)
    operation = sim.world.operations.get(resource.operation_id or "")
    if operation is not None:
        cancel_operation(sim.world, operation, "resource deleted")
    sim.world.remove_resource(resource)
    return {}


def _mutate_start_operation(sim: Simulator, body: dict[str, Any]) -> dict[str, Any]:
    resource = _resource(sim, body)
    kind = body.get("type", "update_resource")
    if kind not in OPERATION_KINDS or kind == "create_resource":
        raise invalid("field 'type' must be update_resource, restart_resource or delete_resource")
    outcome = body.get("outcome", "completed")
    if outcome not in ("completed", "failed"):
        raise invalid("field 'outcome' must be 'completed' or 'failed'")
    duration = body.get("duration_s", 30)
    if isinstance(duration, bool) or not isinstance(duration, int | float) or not 1 <= duration <= 86_400:
        raise invalid("field 'duration_s' must be a number of seconds between 1 and 86400")
    patch = {"configuration": {"revision": "mutated"}} if kind == "update_resource" else None
    try:
        operation = start_operation(
            sim.world, resource, kind, sim.control_rng, outcome=outcome, duration=float(duration), patch=patch
        )
    except ValueError as exc:
        raise invalid(str(exc)) from None
    return {"operation_id": operation.id}


def _mutate_set_project_status(sim: Simulator, body: dict[str, Any]) -> dict[str, Any]:
    project = _project(sim, body)
    status = params.required_string(body, "status", 64)
    sim.world.update_project(project, {"status": status})
    return {}


def _mutate_add_projects(sim: Simulator, body: dict[str, Any]) -> dict[str, Any]:
    count = _count(body, "count")
    resources = _count(body, "resources", 20)
    if count * resources > MAX_ADDED_RESOURCES:
        raise invalid(f"count x resources must be at most {MAX_ADDED_RESOURCES}")
    added = add_generated_projects(sim.world, sim.control_rng, count, resources)
    return {"project_ids": [project.id for project in added]}


MUTATIONS: dict[str, Callable[[Simulator, dict[str, Any]], dict[str, Any]]] = {
    "set_status": _mutate_set_status,
    "set_cost": _mutate_set_cost,
    "create_resource": _mutate_create_resource,
    "delete_resource": _mutate_delete_resource,
    "start_operation": _mutate_start_operation,
    "set_project_status": _mutate_set_project_status,
    "add_projects": _mutate_add_projects,
}


async def mutate(request: Request) -> Response:
    """Apply one named change; answer with the journal entry it made (the last, if it made several)."""
    sim = simulator(request)
    body = await params.json_object(request)
    action = body.get("action")
    handler = MUTATIONS.get(action) if isinstance(action, str) else None
    if handler is None:
        raise invalid(f"field 'action' must be one of {', '.join(MUTATIONS)}")
    before = sim.world.journal.last_seq
    details = handler(sim, body)
    made = sim.world.journal.since(before)
    last = change_payload(made[-1]) if made else None
    return reply({"change": last, "changes": len(made), **details})


routes = [
    Route("/_sim/state", state, methods=["GET"]),
    Route("/_sim/faults", get_faults, methods=["GET"]),
    Route("/_sim/faults", set_faults, methods=["POST"]),
    Route("/_sim/faults", clear_faults, methods=["DELETE"]),
    Route("/_sim/advance", advance, methods=["POST"]),
    Route("/_sim/mutate", mutate, methods=["POST"]),
    Route("/_sim/changes", changes, methods=["GET"]),
    Route("/_sim/stats", get_stats, methods=["GET"]),
    Route("/_sim/stats", reset_stats, methods=["DELETE"]),
]
