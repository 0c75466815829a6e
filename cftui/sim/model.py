"""The things in a simulated world. Times are Unix wall-clock seconds (floats); costs are whole cents."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Resource:
    id: str
    project_id: str
    type: str
    name: str
    status: str
    provider: str
    region: str
    configuration: dict[str, Any]
    cost_cents: int
    created_at: float
    updated_at: float
    tags: dict[str, str]
    operation_id: str | None = None
    extra: dict[str, Any] | None = None  # unknown fields (--nasty)
    cost_as_string: bool = False  # --nasty: monthly_cost sent as a JSON string


@dataclass(slots=True)
class Project:
    id: str
    name: str
    organization_id: str
    status: str
    created_at: float
    updated_at: float
    description: str
    tags: dict[str, str]
    cloud_provider: str
    region: str
    # Resources keyed by id, in creation order; the sum is kept as resources come, go and change cost.
    resources: dict[str, Resource] = field(default_factory=dict)
    cost_cents: int = 0
    extra: dict[str, Any] | None = None


@dataclass(slots=True)
class LogLine:
    at: float
    message: str


@dataclass(slots=True)
class Operation:
    id: str
    type: str
    status: str  # pending, in_progress, completed, failed, cancelled
    resource_id: str
    project_id: str
    created_at: float
    world_end: float  # world-clock time at which it is planned to end
    outcome: str  # the planned ending: "completed" or "failed"
    progress: int = 0
    started_at: float | None = None
    completed_at: float | None = None
    error: str | None = None
    logs: list[LogLine] = field(default_factory=list)
    # What completion does to the resource (for updates: the patch to apply).
    patch: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] | None = None

    @property
    def ended(self) -> bool:
        return self.status in ("completed", "failed", "cancelled")
