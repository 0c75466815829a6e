"""Hypothesis payloads through the real stack: simulator -> HTTP -> client -> monitor.

Each example names a new resource with generated hostile text (through the simulator's control endpoint, as
if someone had created it with another tool), then reads the world back with the real client and monitor.
What comes out is exactly the sanitised form of what went in: nothing unsafe, nothing lost or reordered.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, assume, given, settings

from cftui.api import ApiKey, CloudForgeClient
from cftui.api.sanitize import sanitize_text
from cftui.monitor import Monitor
from tests.hostile import UNSAFE_CHARS, hostile_text
from tests.simproc import SimServer, running_sim


@pytest.fixture(scope="module")
def world() -> Iterator[SimServer]:
    with running_sim("--seed", "3", "--static", "--plan", "enterprise", "--projects", "2", "--resources", "5") as sim:
        yield sim


async def _read_back(sim: SimServer, project_id: str, resource_id: str) -> tuple[str, list[str]]:
    key = ApiKey.parse(sim.read_key, source="test")
    async with CloudForgeClient(sim.base_url, key) as client:
        resource = await client.get_resource(project_id, resource_id)
        monitor = Monitor(client, interval=1.0, history=None)
        snapshot = await monitor.poll_once([project_id])
    shown = [r.name for r in snapshot.resources[project_id].value]
    return resource.name, shown


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=hostile_text())
def test_hostile_names_come_back_sanitised_and_whole(world: SimServer, name: str) -> None:
    assume(name.strip())
    project_id = world.get("projects").json()["data"][0]["id"]
    response = world.control(
        "POST", "mutate", {"action": "create_resource", "project_id": project_id, "type": "vpc", "name": name}
    )
    resource_id = response["change"]["resource_id"]
    fetched, names_in_snapshot = asyncio.run(_read_back(world, project_id, resource_id))
    assert fetched == sanitize_text(name)
    assert not UNSAFE_CHARS.search(fetched)
    assert sanitize_text(name) in names_in_snapshot
    assert not any(UNSAFE_CHARS.search(shown) for shown in names_in_snapshot)
