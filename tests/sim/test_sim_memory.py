"""A world left running does not keep every operation it ever ran: the oldest ended ones are forgotten."""

from __future__ import annotations

import random

import pytest

from cftui.sim import world as world_module
from cftui.sim.generate import generate_world
from cftui.sim.operations import start_operation
from cftui.sim.world import World


def test_ended_operations_are_kept_up_to_a_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(world_module, "MAX_ENDED_OPERATIONS", 3)
    world = World(seed=1, static=True)
    generate_world(world, projects=1, resources=2)
    resource = next(iter(world.resources.values()))
    rng = random.Random(1)
    started = []
    for _ in range(6):
        operation = start_operation(world, resource, "restart_resource", rng, outcome="completed", duration=5)
        started.append(operation.id)
        world.jump(60)
        assert world.operations[operation.id].status == "completed"
    # the three newest ended ones answer; the older ones were forgotten
    assert list(world.operations) == started[-3:]
    running = start_operation(world, resource, "restart_resource", rng, outcome="completed", duration=3600)
    assert running.id in world.operations  # an operation in progress is never forgotten
