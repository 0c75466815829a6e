"""The world's state, its indexes, and the primitive changes to it, each one journaled.

Every change goes through a method here so the per-project sums stay right and the journal (and the webhooks
listening on it) never miss anything. All of it runs on the server's single event loop: no locks needed.
"""

from __future__ import annotations

import random
from collections import deque
from typing import Any

from cftui.sim.clock import Scheduler, WorldClock
from cftui.sim.journal import Journal
from cftui.sim.model import Operation, Project, Resource

# `/_sim/advance` and lazy catch-up never process more than this much world time in one go.
MAX_JUMP_SECONDS = 7 * 24 * 3600
# Ended operations stay readable (GET /operations/{id}) until this many newer ones have ended: a living world
# starts operations for as long as it runs, and a demo left open for days must not grow without bound.
MAX_ENDED_OPERATIONS = 10_000


def dollars(cents: int) -> float:
    return round(cents / 100, 2)


def resource_summary(resource: Resource) -> dict[str, Any]:
    return {
        "name": resource.name,
        "type": resource.type,
        "status": resource.status,
        "monthly_cost": dollars(resource.cost_cents),
    }


class World:
    def __init__(self, *, seed: int, speed: float = 1.0, static: bool = False, nasty: bool = False) -> None:
        self.seed = seed
        self.static = static
        self.nasty = nasty
        self.clock = WorldClock(speed)
        self.scheduler = Scheduler()
        self.journal = Journal()
        self.projects: dict[str, Project] = {}
        self.resources: dict[str, Resource] = {}
        self.operations: dict[str, Operation] = {}
        self._ended_operations: deque[str] = deque()  # oldest first, for forgetting the oldest
        self._resource_ids: list[str] = []  # for picking one at random in O(1)
        self._resource_positions: dict[str, int] = {}
        self._ids: set[str] = set()
        self.organization_id = f"org_{random.Random(f'{seed}:org').getrandbits(24):06x}"
        # The world time being processed, and the real time it corresponds to (timestamps of changes).
        self.current_world = 0.0
        self.current_wall = self.clock.wall_now()

    # --- time -----------------------------------------------------------------------------------------------
    def advance_to_now(self) -> None:
        self._run_until(self.clock.world_now(), fixed_wall=None)
        self.current_world = self.clock.world_now()
        self.current_wall = self.clock.wall_now()

    def jump(self, seconds: float) -> None:
        """Move the world clock forward by `seconds` now; what falls in between happens at this real moment."""
        self.advance_to_now()
        target = self.current_world + seconds
        self._run_until(target, fixed_wall=self.clock.wall_now())
        self.clock.jump(seconds)
        self.current_world = self.clock.world_now()
        self.current_wall = self.clock.wall_now()

    def _run_until(self, target: float, fixed_wall: float | None) -> None:
        target = min(target, self.current_world + MAX_JUMP_SECONDS)
        now_wall = self.clock.wall_now()
        while (entry := self.scheduler.pop_due(target)) is not None:
            self.current_world = max(self.current_world, entry.world_time)
            reached_at = min(self.clock.wall_at(entry.world_time), now_wall)
            self.current_wall = fixed_wall if fixed_wall is not None else reached_at
            entry.action()

    def at(self, delay: float, action: Any) -> None:
        """Schedule `action()` `delay` world-seconds after the moment being processed."""
        self.scheduler.schedule(self.current_world + delay, action)

    # --- ids and lookups ------------------------------------------------------------------------------------
    def _record_resource(
        self, kind: str, resource: Resource, operation_id: str | None, *, old: Any = None, new: Any = None
    ) -> None:
        self.journal.record(
            kind,
            self.current_wall,
            project_id=resource.project_id,
            resource_id=resource.id,
            operation_id=operation_id,
            old=old,
            new=new,
        )

    def operation_ended(self, operation: Operation) -> None:
        """Remember that `operation` ended; forget the oldest ended ones beyond MAX_ENDED_OPERATIONS."""
        self._ended_operations.append(operation.id)
        while len(self._ended_operations) > MAX_ENDED_OPERATIONS:
            self.operations.pop(self._ended_operations.popleft(), None)

    def new_id(self, prefix: str, rng: random.Random, length: int = 10) -> str:
        """`prefix` + `length` hex digits (like the reference's `res_123abc`), unique in this world."""
        while True:
            candidate = f"{prefix}{rng.getrandbits(4 * length):0{length}x}"
            if candidate not in self._ids:
                self._ids.add(candidate)
                return candidate

    def random_resource(self, rng: random.Random) -> Resource | None:
        if not self._resource_ids:
            return None
        return self.resources[self._resource_ids[rng.randrange(len(self._resource_ids))]]

    # --- projects -------------------------------------------------------------------------------------------
    def add_project(self, project: Project, *, journal: bool = True) -> None:
        self._ids.add(project.id)
        self.projects[project.id] = project
        if journal:
            new = {"name": project.name, "status": project.status}
            self.journal.record("project.created", self.current_wall, project_id=project.id, new=new)

    def update_project(self, project: Project, changes: dict[str, Any]) -> None:
        old = {key: getattr(project, key) for key in changes}
        if old == changes:
            return
        for key, value in changes.items():
            setattr(project, key, value)
        project.updated_at = self.current_wall
        self.journal.record("project.updated", self.current_wall, project_id=project.id, old=old, new=dict(changes))

    def remove_project(self, project: Project) -> None:
        del self.projects[project.id]
        old = {"name": project.name, "status": project.status}
        self.journal.record("project.deleted", self.current_wall, project_id=project.id, old=old)

    # --- resources ------------------------------------------------------------------------------------------
    def add_resource(self, resource: Resource, *, journal: bool = True, operation_id: str | None = None) -> None:
        project = self.projects[resource.project_id]
        self._ids.add(resource.id)
        self.resources[resource.id] = resource
        project.resources[resource.id] = resource
        project.cost_cents += resource.cost_cents
        self._resource_positions[resource.id] = len(self._resource_ids)
        self._resource_ids.append(resource.id)
        if journal:
            self._record_resource("resource.created", resource, operation_id, new=resource_summary(resource))

    def remove_resource(self, resource: Resource, *, operation_id: str | None = None) -> None:
        project = self.projects[resource.project_id]
        del self.resources[resource.id]
        del project.resources[resource.id]
        project.cost_cents -= resource.cost_cents
        position = self._resource_positions.pop(resource.id)
        last = self._resource_ids.pop()
        if last != resource.id:
            self._resource_ids[position] = last
            self._resource_positions[last] = position
        self._record_resource("resource.deleted", resource, operation_id, old=resource_summary(resource))

    def set_status(self, resource: Resource, status: str, *, operation_id: str | None = None) -> None:
        if resource.status == status:
            return
        old = resource.status
        resource.status = status
        resource.updated_at = self.current_wall
        self._record_resource("resource.status_changed", resource, operation_id, old=old, new=status)

    def set_cost(self, resource: Resource, cents: int, *, operation_id: str | None = None) -> None:
        cents = max(0, cents)
        if cents == resource.cost_cents:
            return
        old = resource.cost_cents
        resource.cost_cents = cents
        resource.updated_at = self.current_wall
        self.projects[resource.project_id].cost_cents += cents - old
        self._record_resource("cost.changed", resource, operation_id, old=dollars(old), new=dollars(cents))

    def update_resource(self, resource: Resource, patch: dict[str, Any], *, operation_id: str | None = None) -> None:
        """Apply a name/configuration/tags patch (configuration and tags merge key by key; null removes a key)."""
        old: dict[str, Any] = {}
        new: dict[str, Any] = {}
        if "name" in patch and patch["name"] != resource.name:
            old["name"], new["name"] = resource.name, patch["name"]
            resource.name = patch["name"]
        for field_name in ("configuration", "tags"):
            if field_name not in patch:
                continue
            current: dict[str, Any] = getattr(resource, field_name)
            merged = {**current, **patch[field_name]}
            merged = {key: value for key, value in merged.items() if value is not None}
            if merged != current:
                old[field_name], new[field_name] = current, merged
                setattr(resource, field_name, merged)
        if not new:
            return
        resource.updated_at = self.current_wall
        self._record_resource("resource.updated", resource, operation_id, old=old, new=new)
