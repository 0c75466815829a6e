"""`/v2/projects/{id}/resources` (list, create, get, update, delete) and `/v2/operations/{id}`."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from cftui.sim import catalog, params
from cftui.sim.errors import found, invalid
from cftui.sim.factory import make_resource
from cftui.sim.model import Project, Resource
from cftui.sim.operations import create_resource as start_create
from cftui.sim.operations import start_operation
from cftui.sim.respond import page_of, reply, simulator
from cftui.sim.routes_projects import find_project
from cftui.sim.serialize import accepted_payload, operation_payload, resource_payload

SETTABLE_STATUSES = ("running", "stopped")


def find_resource(request: Request) -> tuple[Project, Resource]:
    project = find_project(request)
    return project, found(project.resources, "resource", request.path_params["resource_id"])


def _check_idle(resource: Resource) -> None:
    if resource.operation_id is not None:
        raise invalid(f"resource {resource.id} has operation {resource.operation_id} in progress; wait for it to end")


async def list_resources(request: Request) -> Response:
    project = find_project(request)
    page, per_page = params.paging(request)
    wanted_type = request.query_params.get("type")
    wanted_status = request.query_params.get("status")
    tag = params.tag_filter(request)
    resources: list[Resource] = list(project.resources.values())
    if wanted_type is not None:
        resources = [resource for resource in resources if resource.type == wanted_type]
    if wanted_status is not None:
        resources = [resource for resource in resources if resource.status == wanted_status]
    if tag is not None:
        resources = [resource for resource in resources if resource.tags.get(tag[0]) == tag[1]]
    items, meta = page_of(resources, page, per_page)
    return reply({"data": [resource_payload(resource) for resource in items], "meta": meta})


async def create_resource(request: Request) -> Response:
    sim = simulator(request)
    project = find_project(request)
    body = await params.json_object(request)
    resource_type = params.required_string(body, "type", 64)
    if resource_type not in catalog.RESOURCE_TYPES:
        raise invalid(f"field 'type' must be one of {', '.join(catalog.RESOURCE_TYPES)}")
    name = params.required_string(body, "name")
    configuration = params.json_map(body, "configuration")
    tags = params.string_map(body, "tags")
    if project.status != "active":
        raise invalid(f"project {project.id} is {project.status}; resources can only be created in active projects")
    resource = make_resource(
        sim.world,
        project,
        sim.write_rng,
        resource_type=resource_type,
        name=name,
        configuration=configuration,
        tags=tags,
    )
    provider = params.optional_string(body, "provider", 16)
    if provider is not None:
        if provider not in catalog.RESOURCE_TYPES[resource_type]:
            offered = ", ".join(catalog.RESOURCE_TYPES[resource_type])
            raise invalid(f"field 'provider' must be one that offers {resource_type}: {offered}")
        resource.provider = provider
    region = params.optional_string(body, "region", 64)
    if region is not None:
        resource.region = region
    operation = start_create(sim.world, resource, sim.write_rng)
    return reply(accepted_payload(resource, operation), 202)


async def get_resource(request: Request) -> Response:
    _, resource = find_resource(request)
    return reply({"data": resource_payload(resource)})


async def update_resource(request: Request) -> Response:
    sim = simulator(request)
    _, resource = find_resource(request)
    body = await params.json_object(request)
    patch: dict[str, Any] = {}
    if "name" in body:
        patch["name"] = params.required_string(body, "name")
    if "configuration" in body:
        patch["configuration"] = params.json_map(body, "configuration") or {}
        patch["cost_factor"] = round(sim.write_rng.uniform(0.85, 1.25), 3)
    if "tags" in body:
        patch["tags"] = params.string_map(body, "tags", allow_null_values=True) or {}
    if "status" in body:
        if body["status"] not in SETTABLE_STATUSES:
            raise invalid(f"field 'status' must be one of {', '.join(SETTABLE_STATUSES)}")
        patch["status"] = body["status"]
    if not patch:
        raise invalid("nothing to update: give at least one of 'name', 'configuration', 'tags', 'status'")
    _check_idle(resource)
    operation = start_operation(sim.world, resource, "update_resource", sim.write_rng, patch=patch)
    return reply(accepted_payload(resource, operation), 202)


async def delete_resource(request: Request) -> Response:
    sim = simulator(request)
    _, resource = find_resource(request)
    _check_idle(resource)
    operation = start_operation(sim.world, resource, "delete_resource", sim.write_rng)
    return reply(accepted_payload(resource, operation), 202)


async def get_operation(request: Request) -> Response:
    sim = simulator(request)
    operation = found(sim.world.operations, "operation", request.path_params["operation_id"])
    return reply({"data": operation_payload(operation, sim.world.clock)})


RESOURCE = "/v2/projects/{project_id}/resources/{resource_id}"
routes = [
    Route("/v2/projects/{project_id}/resources", list_resources, methods=["GET"]),
    Route("/v2/projects/{project_id}/resources", create_resource, methods=["POST"]),
    Route(RESOURCE, get_resource, methods=["GET"]),
    Route(RESOURCE, update_resource, methods=["PATCH"]),
    Route(RESOURCE, delete_resource, methods=["DELETE"]),
    Route("/v2/operations/{operation_id}", get_operation, methods=["GET"]),
]
