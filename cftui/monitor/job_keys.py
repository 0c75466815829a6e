"""The engine's job keys, as types: what a job fetches is its class, the ids it needs are its fields.

Keys are frozen (hashable): the job queue keeps due times and reservations by key, and the same key always means
the same job. `str(key)` is the name it goes by in logs, task names and notes (`resources:proj_1`, `op:op_1`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ProjectsJob:
    """The project list."""

    def __str__(self) -> str:
        return "projects"


@dataclass(frozen=True, slots=True)
class ResourcesJob:
    """The focused project's full resource list."""

    project_id: str

    def __str__(self) -> str:
        return f"resources:{self.project_id}"


@dataclass(frozen=True, slots=True)
class SweepJob:
    """Another project's visit in the round: its full list, or for a project of several pages its error list."""

    project_id: str

    def __str__(self) -> str:
        return f"sweep:{self.project_id}"


@dataclass(frozen=True, slots=True)
class CheckJob:
    """One resource that left `error`, read on its own."""

    project_id: str
    resource_id: str

    def __str__(self) -> str:
        return f"check:{self.project_id}:{self.resource_id}"


@dataclass(frozen=True, slots=True)
class OperationJob:
    """One watched operation."""

    operation_id: str

    def __str__(self) -> str:
        return f"op:{self.operation_id}"


@dataclass(frozen=True, slots=True)
class ConfirmJob:
    """A targeted GET confirming what a webhook delivery said (the target's key: see push_events.Target.key)."""

    target: str

    def __str__(self) -> str:
        return f"push:{self.target}"


PROJECTS = ProjectsJob()
JobKey = ProjectsJob | ResourcesJob | SweepJob | CheckJob | OperationJob | ConfirmJob
