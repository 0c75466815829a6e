"""Each change once: matching what a push told with what polling saw, in whichever order they come.

Two memories. `MergeMemory` matches events about one subject (a status change, a creation, a deletion, an
operation's end): the same (kind, subject, value) from both sources is one change. `CountLedger` matches a push's
creation or deletion in a project nobody looks at with the project list's resource count moving: polling tells
those changes only as "6 -> 7 resources" (`project.updated`), which is the same change as the pushed creation.
Polling alone never loses an event to either memory: only a push can make a polled event redundant, and a push is
merged into a polled event only when polling told that very change a moment before.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from cftui.monitor.events import ChangeEvent, EventKind

MERGE_MEMORY_S = 600.0  # a change seen by one source is matched with the other's for this long
MERGE_MEMORY_SIZE = 20_000
# A resource count that moved before its push arrived waits this long for the push (the delivery of a change
# takes well under a second; the simulator retries for 3.5 s).
LATE_PUSH_S = 30.0
MAX_LEDGER_PROJECTS = 5_000

Key = tuple[str, str, str | None]


def dedupe_keys(event: ChangeEvent) -> list[Key]:
    """(kind, subject, value) keys: a polled and a pushed event sharing one are one change (empty: never matched).
    The value tells a status (or the fields, or the cost) so that a later, different change is news. The first key
    is the event's own; the others are what the other source calls the same change."""
    kind = event.kind
    if kind is EventKind.RESOURCE_STATUS_CHANGED:
        keys: list[Key] = [(kind.value, event.subject_id, event.new)]
        if event.old is None:  # polling met a problem on a resource never seen: a push may have told its creation
            keys.append((EventKind.RESOURCE_CREATED.value, event.subject_id, None))
        return keys
    if kind is EventKind.COST_CHANGED:
        if event.data.get("level") != "resource":
            return []  # a project's total: the push speaks of resources
        return [(kind.value, event.subject_id, event.new)]
    if kind is EventKind.RESOURCE_UPDATED:
        fields = event.data.get("fields")
        told = ",".join(sorted(map(str, fields))) if isinstance(fields, list) else None
        return [(kind.value, event.subject_id, told)]
    if kind is EventKind.RESOURCE_CREATED:
        keys = [(kind.value, event.subject_id, None)]
        if event.new is not None:  # polling tells a new problem in another project as a status change from "?"
            keys.append((EventKind.RESOURCE_STATUS_CHANGED.value, event.subject_id, event.new))
        return keys
    if kind in (
        EventKind.RESOURCE_DELETED,
        EventKind.OPERATION_COMPLETED,
        EventKind.OPERATION_FAILED,
        EventKind.COST_THRESHOLD_EXCEEDED,
    ):
        return [(kind.value, event.subject_id, None)]
    return []


@dataclass
class _Seen:
    value: str | None  # the status (or fields, or cost) last seen for this subject and kind
    pushed: bool  # a push showed it
    polled: bool  # polling showed it, or was matched with the push that did
    expires: float


class MergeMemory:
    """The last change of each (kind, subject) and which source told it, for MERGE_MEMORY_S (bounded)."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._seen: OrderedDict[tuple[str, str], _Seen] = OrderedDict()

    def _get(self, kind: str, subject: str) -> _Seen | None:
        seen = self._seen.get((kind, subject))
        return seen if seen is not None and seen.expires > self._clock() else None

    def pushed(self, keys: Sequence[Key]) -> bool:
        """A push told of these keys: True when it is news (show it), False when either source told it already
        (the event's own key), or polling told it under another name (the other keys)."""
        for index, (kind, subject, value) in enumerate(keys):
            seen = self._get(kind, subject)
            if seen is not None and seen.value == value and (index == 0 or seen.polled):
                seen.pushed = True
                return False
        for kind, subject, value in keys:
            self._put(kind, subject, _Seen(value, True, False, self._clock() + MERGE_MEMORY_S))
        return True

    def polled(self, keys: Sequence[Key]) -> bool:
        """Polling told of these keys: True when it is news, False when a push already showed it (once)."""
        for kind, subject, value in keys:
            seen = self._get(kind, subject)
            if seen is not None and seen.value == value and seen.pushed and not seen.polled:
                seen.polled = True
                return False
        for kind, subject, value in keys:
            self._put(kind, subject, _Seen(value, False, True, self._clock() + MERGE_MEMORY_S))
        return True

    def forget(self, keys: Sequence[Key]) -> None:
        """A push that was merged elsewhere (not shown): polling's own events about it stay news."""
        for kind, subject, value in keys:
            seen = self._get(kind, subject)
            if seen is not None and seen.value == value and seen.pushed and not seen.polled:
                del self._seen[(kind, subject)]

    def _put(self, kind: str, subject: str, seen: _Seen) -> None:
        self._seen.pop((kind, subject), None)
        self._seen[(kind, subject)] = seen
        now = self._clock()
        while self._seen:
            oldest = next(iter(self._seen.values()))
            if oldest.expires > now and len(self._seen) <= MERGE_MEMORY_SIZE:
                break
            self._seen.popitem(last=False)


def count_change(event: ChangeEvent) -> tuple[str, int] | None:
    """(project, how far its resource count moved) for a polled `project.updated` that tells only that (with the
    cost it folded in); None for anything else."""
    if event.kind is not EventKind.PROJECT_UPDATED or event.data.get("fields") != ["resource_count"]:
        return None
    try:
        delta = int(event.new or "") - int(event.old or "")
    except ValueError:
        return None
    return (event.project_id or event.subject_id, delta) if delta else None


class CountLedger:
    """Per project: creations (+1) and deletions (-1) pushed since the project list last counted them, and a count
    move polling showed before its pushes arrived."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._pushed: OrderedDict[str, deque[tuple[int, float]]] = OrderedDict()  # project -> (sign, expires)
        self._polled: OrderedDict[str, tuple[int, float]] = OrderedDict()  # project -> (count still owed, expires)

    def pushed(self, project_id: str, sign: int) -> bool:
        """A pushed creation (+1) or deletion (-1): True when it is news, False when the project list had just
        counted it (polling showed the change first)."""
        now = self._clock()
        owed, expires = self._polled.get(project_id, (0, 0.0))
        if expires > now and owed * sign > 0:
            self._polled[project_id] = (owed - sign, expires)
            return False
        entries = self._pushed.setdefault(project_id, deque())
        self._pushed.move_to_end(project_id)
        entries.append((sign, now + MERGE_MEMORY_S))
        self._trim()
        return True

    def polled(self, project_id: str, delta: int) -> bool:
        """The project list saw the count move by `delta`: True when it is news, False when the pushes since the
        last count tell exactly that move (each already shown)."""
        now = self._clock()
        entries = self._pushed.pop(project_id, deque())
        told = sum(sign for sign, expires in entries if expires > now)
        if told == delta:
            return False
        # more moved than was pushed (so far): the event is shown, and pushes still to come for the rest are not
        rest = delta - told if told * delta >= 0 else delta
        self._polled[project_id] = (rest, now + LATE_PUSH_S)
        self._polled.move_to_end(project_id)
        self._trim()
        return True

    def _trim(self) -> None:
        while len(self._pushed) > MAX_LEDGER_PROJECTS:
            self._pushed.popitem(last=False)
        while len(self._polled) > MAX_LEDGER_PROJECTS:
            self._polled.popitem(last=False)
