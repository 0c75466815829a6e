"""The initial world for a seed: projects, their resources, tags, costs and statuses.

Creation dates are drawn from a fixed calendar span, not from "now", so the same seed gives the very same
world on every run.
"""

from __future__ import annotations

import calendar
import itertools
import random

from cftui.sim import catalog, nasty
from cftui.sim.factory import make_project, make_resource, weighted_types
from cftui.sim.model import Project
from cftui.sim.world import World

DEFAULT_SEED = 20240220
DEFAULT_PROJECTS = 8
RESOURCES_RANGE = (20, 200)
EPOCH = calendar.timegm((2024, 1, 8, 9, 0, 0, 0, 0, 0))  # the oldest project's creation
SPAN_SECONDS = 400 * 24 * 3600
STATUS_WEIGHTS = {"running": 84, "stopped": 9, "error": 4, "pending": 3}
STATUSES = tuple(STATUS_WEIGHTS)
STATUS_CUMULATIVE_WEIGHTS = tuple(itertools.accumulate(STATUS_WEIGHTS.values()))
HOSTILE_SHARE = 0.15


def generate_world(world: World, *, projects: int = DEFAULT_PROJECTS, resources: int | None = None) -> None:
    """Fill `world` with `projects` projects of `resources` resources each (20-200 at random when None)."""
    rng = random.Random(f"{world.seed}:generate")
    for index in range(projects):
        project = _generated_project(world, rng, index)
        world.add_project(project, journal=False)
        count = resources if resources is not None else rng.randint(*RESOURCES_RANGE)
        _fill_project(world, rng, project, count)
    if world.nasty:
        project = make_project(
            world,
            rng,
            name=nasty.HOSTILE_PROJECT_NAME,
            description=nasty.nasty_text(rng, "description"),
            tags=nasty.nasty_tags(rng, {"environment": "production"}),
            created_at=EPOCH + rng.uniform(0, SPAN_SECONDS),
        )
        project.extra = nasty.extra_fields(rng)
        world.add_project(project, journal=False)
        _fill_project(world, rng, project, resources if resources is not None else 30, hostile_share=0.6)


def add_generated_projects(world: World, rng: random.Random, count: int, resources: int) -> list[Project]:
    """`count` more projects of `resources` resources each, journaled (the control endpoint's add_projects)."""
    added = []
    for _ in range(count):
        project = _generated_project(world, rng, len(world.projects))
        project.created_at = project.updated_at = world.current_wall
        world.add_project(project)
        _fill_project(world, rng, project, resources, journal=True)
        added.append(project)
    return added


def _generated_project(world: World, rng: random.Random, index: int) -> Project:
    base_name, description = catalog.PROJECT_NAMES[index % len(catalog.PROJECT_NAMES)]
    round_number = index // len(catalog.PROJECT_NAMES)
    name = base_name if round_number == 0 else f"{base_name}-{round_number + 1}"
    environment = "staging" if "staging" in base_name else rng.choice(("production", "production", "development"))
    tags = {"environment": environment, "team": rng.choice(catalog.TEAMS), "owner": f"{rng.choice(catalog.TEAMS)}-lead"}
    archived = base_name == catalog.ARCHIVED_PROJECT_NAME
    created = EPOCH + index * 3600 * 7 + rng.uniform(0, SPAN_SECONDS / 2)
    return make_project(
        world,
        rng,
        name=name,
        description=description,
        tags=tags,
        status="archived" if archived else "active",
        created_at=created,
    )


def _fill_project(
    world: World,
    rng: random.Random,
    project: Project,
    count: int,
    *,
    hostile_share: float = HOSTILE_SHARE,
    journal: bool = False,
) -> None:
    archived = project.status == "archived"
    # Cover every type in projects big enough, then fill by weight (drawn in bulk: 100k resources must be quick).
    types = list(catalog.RESOURCE_TYPES) if count >= len(catalog.RESOURCE_TYPES) else []
    types += weighted_types(rng, count - len(types))
    statuses = rng.choices(STATUSES, cum_weights=STATUS_CUMULATIVE_WEIGHTS, k=count)
    counters: dict[str, int] = {}
    for resource_type, drawn_status in zip(types, statuses, strict=True):
        stem = rng.choice(catalog.NAME_STEMS[resource_type])
        counters[stem] = counters.get(stem, 0) + 1
        created = project.created_at + rng.uniform(0, SPAN_SECONDS / 2)
        status = "stopped" if archived and rng.random() < 0.8 else drawn_status
        resource = make_resource(
            world,
            project,
            rng,
            resource_type=resource_type,
            name=f"{stem}-{counters[stem]}",
            status=status,
            created_at=created,
            hostile=world.nasty and rng.random() < hostile_share,
        )
        resource.updated_at = created + rng.uniform(0, 30 * 24 * 3600)
        if journal:
            resource.created_at = resource.updated_at = world.current_wall
        world.add_resource(resource, journal=journal)
