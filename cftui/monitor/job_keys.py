"""The engine's job keys, as types: what a job fetches is its class, the ids it needs are its fields.

Keys are frozen dataclasses (hashable): the job queue keeps due times and reservations by key, and the same key
always means the same job (keys of two classes never compare equal, even with the same ids). `str(key)` is the name
it goes by in logs, task names and notes: its kind, then its fields, joined by colons (`resources:proj_1`, `op:op_1`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, dataclass_transform


@dataclass_transform(frozen_default=True)
class _Key:
    """What every job key is: a frozen dataclass of its ids, declared as `class Name(_Key, kind="name")`."""

    KIND: ClassVar[str]
    __match_args__: ClassVar[tuple[str, ...]]  # its fields' names in declaration order (set by `dataclass`)

    def __init_subclass__(cls, *, kind: str, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.KIND = kind
        dataclass(frozen=True)(cls)  # in place: the class keeps its identity (isinstance, the JobKey union)

    def __str__(self) -> str:
        return ":".join((self.KIND, *(str(getattr(self, name)) for name in self.__match_args__)))


class ProjectsJob(_Key, kind="projects"):
    """The project list."""


class ResourcesJob(_Key, kind="resources"):
    """The focused project's full resource list."""

    project_id: str


class SweepJob(_Key, kind="sweep"):
    """Another project's visit in the round: its full list, or for a project of several pages its error list."""

    project_id: str


class CheckJob(_Key, kind="check"):
    """One resource that left `error`, read on its own."""

    project_id: str
    resource_id: str


class OperationJob(_Key, kind="op"):
    """One watched operation."""

    operation_id: str


class ConfirmJob(_Key, kind="push"):
    """A targeted GET confirming what a webhook delivery said (the target's key: see push_events.Target.key)."""

    target: str


PROJECTS = ProjectsJob()
JobKey = ProjectsJob | ResourcesJob | SweepJob | CheckJob | OperationJob | ConfirmJob
