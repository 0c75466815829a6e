"""Turn successive looks at operations into change events: a found one's start, its progress, its end once.

An operation is named by the resource it works on, as the organisation's memory (`OrgIndex`, shared with the
`ChangeTracker` that owns this) last saw it; remembered per operation, so that the end of a delete still names the
resource and its project after the resource itself has gone. No I/O: the jobs feed it and forward what it returns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from cftui.api.models import Operation
from cftui.monitor import event_factory as make
from cftui.monitor.events import ChangeEvent
from cftui.monitor.org import OrgIndex
from cftui.monitor.state import ResourceRef


class OperationChanges:
    """What each look at a followed operation changed, given the organisation's memory of resources."""

    def __init__(self, known: OrgIndex, project_name: Callable[[str], str]) -> None:
        self._known = known
        self._project_name = project_name
        self._operations: dict[str, Operation] = {}
        self._announced_terminal: set[str] = set()
        self._subjects: dict[str, ResourceRef] = {}  # op id -> its resource (bounded with the watch set)
        # op id -> (resource name, project id) a push told of, for a resource no list has shown yet (a new one)
        self._hints: dict[str, tuple[str, str | None]] = {}

    def observe(self, operation: Operation, at: datetime, *, from_resource: bool) -> list[ChangeEvent]:
        """`from_resource`: the id was found on a resource payload, so the operation began recently."""
        previous = self._operations.get(operation.id)
        self._operations[operation.id] = operation
        subject = self.subject(operation)
        hint = self._hints.get(operation.id)
        names: tuple[str, str | None] | None = None
        project_id: str | None
        if subject is not None:
            name, project_id = subject.name, subject.project_id
            names = (subject.name, subject.project_name)
        elif hint is not None:  # a resource no list has shown yet, named by the push that told of it
            name, project_id = hint
            names = (name, self._project_name(project_id) if project_id else None)
        else:  # never seen anywhere: its id is all there is
            name, project_id = operation.resource_id or "", None
        if operation.is_finished:
            if operation.id in self._announced_terminal:
                return []
            if previous is None and not from_resource:
                self._announced_terminal.add(operation.id)  # finished before we looked: old news
                return []
            self._announced_terminal.add(operation.id)
            return [make.operation_event(operation, previous, name, project_id, at, names)]
        if previous is None:
            return [make.operation_event(operation, None, name, project_id, at, names)] if from_resource else []
        if previous.progress != operation.progress or previous.status != operation.status:
            return [make.operation_event(operation, previous, name, project_id, at, names)]
        return []

    def subject(self, operation: Operation) -> ResourceRef | None:
        """The resource an operation works on, as last seen; remembered, so that the end of a delete still
        names the resource (and its project) after the resource itself has gone."""
        known = self._known.get(operation.resource_id or "")
        if known is not None:
            self._subjects[operation.id] = known
            return known
        return self._subjects.get(operation.id)

    def remember_subject(
        self, operation_id: str, resource_id: str, *, name: str | None = None, project_id: str | None = None
    ) -> None:
        """The resource an operation was found on; `name` (and `project_id`): what a push said of a resource no
        list has shown yet, so that the operation's events name it until a list does."""
        known = self._known.get(resource_id)
        if known is not None:
            self._subjects[operation_id] = known
        elif name and name != resource_id:
            self._hints[operation_id] = (name, project_id)

    def subjects(self, operation_ids: Iterable[str]) -> dict[str, ResourceRef]:
        found = {op: self._subjects.get(op) for op in operation_ids}
        return {op: ref for op, ref in found.items() if ref is not None}

    def forget(self, operation_id: str) -> None:
        self._operations.pop(operation_id, None)
        self._announced_terminal.discard(operation_id)
        self._subjects.pop(operation_id, None)
        self._hints.pop(operation_id, None)
