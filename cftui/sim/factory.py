"""Making new projects and resources, for the generated world, the story, API writes and the control endpoint."""

from __future__ import annotations

import itertools
import random
from typing import Any

from cftui.sim import catalog, nasty
from cftui.sim.model import Project, Resource
from cftui.sim.world import World


def make_project(
    world: World,
    rng: random.Random,
    *,
    name: str,
    description: str = "",
    tags: dict[str, str] | None = None,
    cloud_provider: str | None = None,
    region: str | None = None,
    status: str = "active",
    created_at: float | None = None,
) -> Project:
    provider = cloud_provider or rng.choice(catalog.PROVIDERS)
    created = world.current_wall if created_at is None else created_at
    return Project(
        id=world.new_id("proj_", rng, 6),
        name=name,
        organization_id=world.organization_id,
        status=status,
        created_at=created,
        updated_at=created,
        description=description,
        tags=dict(tags or {}),
        cloud_provider=provider,
        region=region or rng.choice(catalog.REGIONS.get(provider, catalog.REGIONS["aws"])),
    )


def make_resource(
    world: World,
    project: Project,
    rng: random.Random,
    *,
    resource_type: str,
    name: str | None = None,
    status: str = "provisioning",
    configuration: dict[str, Any] | None = None,
    tags: dict[str, str] | None = None,
    created_at: float | None = None,
    hostile: bool = False,
) -> Resource:
    """A resource of `resource_type` in `project` (not yet added to the world)."""
    provider = catalog.provider_for(rng, resource_type, project.cloud_provider)
    regions = catalog.REGIONS[provider]
    region = project.region if project.region in regions and rng.random() < 0.7 else rng.choice(regions)
    config = configuration if configuration is not None else catalog.configuration_for(rng, resource_type, provider)
    if tags is None:
        environment = project.tags.get("environment") or rng.choice(catalog.ENVIRONMENTS)
        tags = catalog.tags_for(rng, environment, project.tags.get("team") or rng.choice(catalog.TEAMS))
    if name is None:
        stems = catalog.NAME_STEMS.get(resource_type, ("resource",))
        name = f"{rng.choice(stems)}-{rng.randint(1, 99)}"
    created = world.current_wall if created_at is None else created_at
    resource = Resource(
        id=world.new_id("res_", rng),
        project_id=project.id,
        type=resource_type,
        name=name,
        status=status,
        provider=provider,
        region=region,
        configuration=config,
        cost_cents=catalog.cost_cents_for(rng, resource_type),
        created_at=created,
        updated_at=created,
        tags=dict(tags),
    )
    if hostile:
        make_hostile(resource, rng)
    return resource


def make_hostile(resource: Resource, rng: random.Random) -> None:
    """Give a resource some of `--nasty`'s hostile content (each trait independently)."""
    roll = rng.random
    resource.name = nasty.long_name(rng) if roll() < 0.1 else nasty.nasty_text(rng, resource.name)
    if roll() < 0.5:
        resource.configuration = nasty.nasty_configuration(rng, resource.configuration)
    if roll() < 0.5:
        resource.tags = nasty.nasty_tags(rng, resource.tags)
    if roll() < 0.25:
        resource.status = rng.choice(nasty.UNKNOWN_STATUSES)
    if roll() < 0.2:
        resource.type = rng.choice(nasty.UNKNOWN_TYPES)
    if roll() < 0.2:
        resource.region = nasty.nasty_text(rng, resource.region)
    if roll() < 0.4:
        resource.extra = nasty.extra_fields(rng)
    if roll() < 0.2:
        resource.cost_as_string = True


TYPES = tuple(catalog.TYPE_WEIGHTS)
TYPE_CUMULATIVE_WEIGHTS = tuple(itertools.accumulate(catalog.TYPE_WEIGHTS.values()))


def weighted_types(rng: random.Random, count: int) -> list[str]:
    return rng.choices(TYPES, cum_weights=TYPE_CUMULATIVE_WEIGHTS, k=count)


def weighted_type(rng: random.Random) -> str:
    return weighted_types(rng, 1)[0]
