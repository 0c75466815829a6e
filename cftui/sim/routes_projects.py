"""`/v2/projects`: list, create, get, update, delete."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from cftui.sim import catalog, params
from cftui.sim.errors import found, invalid
from cftui.sim.factory import make_project
from cftui.sim.model import Project
from cftui.sim.respond import no_content, page_of, reply, simulator
from cftui.sim.serialize import project_payload

PROJECT_STATUSES = ("active", "archived")


def find_project(request: Request) -> Project:
    return found(simulator(request).world.projects, "project", request.path_params["project_id"])


async def list_projects(request: Request) -> Response:
    page, per_page = params.paging(request)
    status = params.choice(request, "status", PROJECT_STATUSES)
    tag = params.tag_filter(request)
    projects = list(simulator(request).world.projects.values())
    if status is not None:
        projects = [project for project in projects if project.status == status]
    if tag is not None:
        projects = [project for project in projects if project.tags.get(tag[0]) == tag[1]]
    items, meta = page_of(projects, page, per_page)
    return reply({"data": [project_payload(project) for project in items], "meta": meta})


async def create_project(request: Request) -> Response:
    sim = simulator(request)
    body = await params.json_object(request)
    name = params.required_string(body, "name")
    provider = params.optional_string(body, "cloud_provider")
    if provider is not None and provider not in catalog.PROVIDERS:
        raise invalid(f"field 'cloud_provider' must be one of {', '.join(catalog.PROVIDERS)}")
    project = make_project(
        sim.world,
        sim.write_rng,
        name=name,
        description=params.optional_string(body, "description", 2000) or "",
        tags=params.string_map(body, "tags"),
        cloud_provider=provider,
        region=params.optional_string(body, "region", 64),
    )
    sim.world.add_project(project)
    return reply({"data": project_payload(project)}, 201)


async def get_project(request: Request) -> Response:
    return reply({"data": project_payload(find_project(request))})


async def update_project(request: Request) -> Response:
    sim = simulator(request)
    project = find_project(request)
    body = await params.json_object(request)
    changes: dict[str, object] = {}
    if "name" in body:
        changes["name"] = params.required_string(body, "name")
    if "description" in body:
        changes["description"] = params.optional_string(body, "description", 2000) or ""
    if "tags" in body:
        changes["tags"] = params.string_map(body, "tags") or {}
    if "status" in body:
        status = body["status"]
        if status not in PROJECT_STATUSES:
            raise invalid(f"field 'status' must be one of {', '.join(PROJECT_STATUSES)}")
        changes["status"] = status
    if not changes:
        raise invalid("nothing to update: give at least one of 'name', 'description', 'tags', 'status'")
    sim.world.update_project(project, changes)
    return reply({"data": project_payload(project)})


async def delete_project(request: Request) -> Response:
    sim = simulator(request)
    project = find_project(request)
    remaining = len(project.resources)
    if remaining:
        noun = "resource" if remaining == 1 else "resources"
        raise invalid(
            f"project {project.id} still has {remaining} {noun}; delete all resources before deleting the project"
        )
    sim.world.remove_project(project)
    return no_content()


routes = [
    Route("/v2/projects", list_projects, methods=["GET"]),
    Route("/v2/projects", create_project, methods=["POST"]),
    Route("/v2/projects/{project_id}", get_project, methods=["GET"]),
    Route("/v2/projects/{project_id}", update_project, methods=["PATCH"]),
    Route("/v2/projects/{project_id}", delete_project, methods=["DELETE"]),
]
