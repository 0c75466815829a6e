"""The engine's job keys, as types: what a job fetches is its class, the ids it needs are its fields.

Keys are frozen (hashable): the job queue keeps due times and reservations by key, and the same key always means
the same job (keys of two classes never compare equal, even with the same ids). `str(key)` is the name it goes by
in logs, task names and notes: its kind, then its fields, joined by colons (`resources:proj_1`, `op:op_1`).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import ClassVar


@dataclass(frozen=True, slots=True)
class _Key:
    """What every job key shares: its name is its kind followed by its fields (in declaration order)."""

    KIND: ClassVar[str]

    def __str__(self) -> str:
        return ":".join((self.KIND, *(str(getattr(self, field.name)) for field in fields(self))))


@dataclass(frozen=True, slots=True)
class ProjectsJob(_Key):
    """The project list."""

    KIND = "projects"


@dataclass(frozen=True, slots=True)
class ResourcesJob(_Key):
    """The focused project's full resource list."""

    KIND = "resources"
    project_id: str


@dataclass(frozen=True, slots=True)
class SweepJob(_Key):
    """Another project's visit in the round: its full list, or for a project of several pages its error list."""

    KIND = "sweep"
    project_id: str


@dataclass(frozen=True, slots=True)
class CheckJob(_Key):
    """One resource that left `error`, read on its own."""

    KIND = "check"
    project_id: str
    resource_id: str


@dataclass(frozen=True, slots=True)
class OperationJob(_Key):
    """One watched operation."""

    KIND = "op"
    operation_id: str


@dataclass(frozen=True, slots=True)
class ConfirmJob(_Key):
    """A targeted GET confirming what a webhook delivery said (the target's key: see push_events.Target.key)."""

    KIND = "push"
    target: str


PROJECTS = ProjectsJob()
JobKey = ProjectsJob | ResourcesJob | SweepJob | CheckJob | OperationJob | ConfirmJob
