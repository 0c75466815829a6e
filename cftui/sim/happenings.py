"""The spontaneous story of a living world: statuses flap, costs drift, operations start on their own.

One seeded RNG draws every happening in world-time order, so the same seed tells the same story whatever the
timing of the requests that look at it. `--static` simply never starts the story.
"""

from __future__ import annotations

import math
import random

from cftui.sim.factory import make_resource, weighted_type
from cftui.sim.model import Resource
from cftui.sim.operations import create_resource, start_operation
from cftui.sim.world import World

MEAN_INTERVAL = 3.0  # world-seconds between happenings in a default-sized world
KIND_WEIGHTS = {"status": 36, "cost": 30, "operation": 20, "create": 7, "delete": 7}


class Story:
    def __init__(self, world: World, seed: int) -> None:
        self.world = world
        self.rng = random.Random(f"{seed}:story")
        # Bigger worlds get busier, but not proportionally: a 100k-resource world is not 100x as noisy.
        scale = math.sqrt(max(1.0, len(world.resources) / 1000))
        self.mean_interval = MEAN_INTERVAL / scale
        self._revision = 0

    def start(self) -> None:
        self.world.at(self.rng.expovariate(1 / self.mean_interval), self._tick)

    def _tick(self) -> None:
        kind = self.rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()))[0]
        getattr(self, f"_happen_{kind}")()
        self.world.at(self.rng.expovariate(1 / self.mean_interval), self._tick)

    def _pick_idle_resource(self) -> Resource | None:
        """A random resource in an active project with no operation running (None if a few tries fail)."""
        for _ in range(8):
            resource = self.world.random_resource(self.rng)
            if resource is None:
                return None
            project = self.world.projects[resource.project_id]
            if project.status == "active" and resource.operation_id is None and resource.status != "provisioning":
                return resource
        return None

    def _happen_status(self) -> None:
        resource = self._pick_idle_resource()
        if resource is None:
            return
        roll = self.rng.random()
        if resource.status == "running":
            if roll < 0.45:
                self._set_then_recover(resource, "error", self.rng.uniform(15, 90))
            elif roll < 0.75:
                self._set_then_recover(resource, "stopped", self.rng.uniform(30, 180))
            else:
                self._set_then_recover(resource, "pending", self.rng.uniform(3, 12))
        elif resource.status == "stopped":
            self._set_then_recover(resource, "pending", self.rng.uniform(3, 12))
        else:
            self.world.set_status(resource, "running")

    def _set_then_recover(self, resource: Resource, status: str, after: float) -> None:
        """Move to `status` now; later, if nothing else touched it, go back towards running."""
        self.world.set_status(resource, status)
        next_status = "pending" if status == "stopped" else "running"
        follow_up = self.rng.uniform(3, 12)

        def recover() -> None:
            if self.world.resources.get(resource.id) is not resource:
                return
            if resource.status != status or resource.operation_id is not None:
                return
            if next_status == "pending":
                self._set_then_recover(resource, "pending", follow_up)
            else:
                self.world.set_status(resource, "running")

        self.world.at(after, recover)

    def _happen_cost(self) -> None:
        resource = self._pick_idle_resource()
        if resource is None:
            return
        factor = 1 + self.rng.uniform(-0.08, 0.08)
        new_cents = round(resource.cost_cents * factor)
        if new_cents == resource.cost_cents:
            new_cents += 1
        self.world.set_cost(resource, new_cents)

    def _happen_operation(self) -> None:
        resource = self._pick_idle_resource()
        if resource is None:
            return
        hostile = self.world.nasty
        if resource.status == "running" and self.rng.random() < 0.4:
            start_operation(self.world, resource, "restart_resource", self.rng, hostile=hostile)
            return
        self._revision += 1
        patch = {"configuration": {"revision": self._revision}, "cost_factor": round(self.rng.uniform(0.9, 1.15), 3)}
        start_operation(self.world, resource, "update_resource", self.rng, patch=patch, hostile=hostile)

    def _happen_create(self) -> None:
        active = [project for project in self.world.projects.values() if project.status == "active"]
        if not active:
            return
        project = active[self.rng.randrange(len(active))]
        hostile = self.world.nasty and self.rng.random() < 0.3
        resource = make_resource(self.world, project, self.rng, resource_type=weighted_type(self.rng), hostile=hostile)
        create_resource(self.world, resource, self.rng, hostile=self.world.nasty)

    def _happen_delete(self) -> None:
        resource = self._pick_idle_resource()
        if resource is None or len(self.world.projects[resource.project_id].resources) <= 10:
            return
        start_operation(self.world, resource, "delete_resource", self.rng, hostile=self.world.nasty)
