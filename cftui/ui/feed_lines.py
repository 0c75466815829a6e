"""What the Events pane's feed holds, apart from how it is drawn: its lines, their numbers and the filter.

Every event is kept (the newest `max_lines`) so that a new filter can be applied to all of them; the lines shown
are those the filter keeps. An operation's progress is one line, rewritten in place (its end is a line of its
own). Each line shown has a running number that never repeats, so a drawn line can be cached by it: a line
rewritten in place gets a new revision, a new filter new numbers. Every line about a resource names its project,
by the name from the latest snapshot.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence

from cftui.api.sanitize import one_line
from cftui.monitor.events import ChangeEvent, EventKind
from cftui.monitor.state import MonitorUpdate
from cftui.ui.event_filter import EventFilter
from cftui.ui.event_text import event_line_text
from cftui.ui.format import truncate

PROJECT_WIDTH = 24  # a project's name in a line about one of its resources

# called when an operation's progress rewrote the line at this index (its number, its new event)
Rewritten = Callable[[int, int, ChangeEvent], None]


class FeedLines:
    """The feed's events and lines; `add` appends, folding progress and letting the oldest lines go in chunks."""

    def __init__(self, max_lines: int) -> None:
        self.max_lines = max(1, max_lines)
        # up to `max_lines + slack` are shown; the oldest are let go in chunks, not one per new line, so the
        # lines on screen do not all move (and repaint) for every event once the feed is full
        self.slack = self.max_lines // 4
        self._held: deque[ChangeEvent] = deque(maxlen=self.max_lines)  # every event kept, filtered or not
        self.shown: deque[ChangeEvent] = deque()  # the lines shown: those the filter keeps
        self.first_number = 0  # the running number of the oldest line shown
        self.revisions: dict[int, int] = {}  # line number -> how often it was rewritten in place (progress)
        self._progress_lines: dict[str, int] = {}  # operation id -> the number of its progress line
        self.filter = EventFilter()
        self._project_names: dict[str, str] = {}  # from the latest snapshot, by project id
        self._projects_seen: object = None  # the snapshot's project list they were read from

    def __len__(self) -> int:
        return len(self.shown)

    @property
    def newest(self) -> tuple[ChangeEvent, ...]:
        """The newest `max_lines` lines' events, oldest first (older ones still shown are about to go)."""
        return tuple(self.shown)[-self.max_lines :]

    def index(self, number: int | None) -> int | None:
        """Where the line with this number is among those shown (None: not shown, or let go)."""
        if number is None:
            return None
        index = number - self.first_number
        return index if 0 <= index < len(self.shown) else None

    def number(self, index: int) -> int:
        return self.first_number + index

    def project_label(self, event: ChangeEvent) -> str | None:
        """The name of the project the event's subject belongs to (every line about a resource names it)."""
        project_id = event.project_id
        if not project_id or event.subject_id == project_id:
            return None
        return self._project_names.get(project_id) or truncate(one_line(project_id), PROJECT_WIDTH)

    def read_project_names(self, update: MonitorUpdate) -> bool:
        """Take the project names of the update's snapshot; True when they changed (the lines read differently)."""
        projects = update.snapshot.projects
        if projects is None or projects is self._projects_seen:
            return False
        self._projects_seen = projects
        names = {p.id: truncate(one_line(p.name or p.id), PROJECT_WIDTH) for p in projects.value}
        if names == self._project_names:
            return False
        self._project_names = names
        return True

    def set_filter(self, event_filter: EventFilter) -> None:
        """Show only what the filter keeps, of every event held; the lines get new numbers (no stale cache)."""
        self.filter = event_filter
        self.first_number += len(self.shown) + self.slack + 1
        self.shown = deque()
        self._progress_lines = {}
        self.revisions = {}
        self.add(list(self._held), hold=False)

    def add(
        self, events: Sequence[ChangeEvent], *, hold: bool = True, rewritten: Rewritten | None = None
    ) -> tuple[int, int]:
        """Append the events the filter keeps: (how many new lines, how many of the oldest were let go)."""
        recent: list[ChangeEvent] = []
        for event in list(events)[-self.max_lines :]:  # older ones would be dropped at once
            if hold:
                self._hold(event)
            if not self._keeps(event) or self._fold(event, rewritten):
                continue
            if event.kind is EventKind.OPERATION_PROGRESS:
                self._progress_lines[event.subject_id] = self.first_number + len(self.shown) + len(recent)
            recent.append(event)
        if not recent:
            return 0, 0
        self.shown.extend(recent)
        dropped = 0
        if len(self.shown) > self.max_lines + self.slack:
            dropped = len(self.shown) - self.max_lines
            for _ in range(dropped):
                self.shown.popleft()
            self.first_number += dropped
            first = self.first_number
            self._progress_lines = {op: n for op, n in self._progress_lines.items() if n >= first}
            self.revisions = {n: r for n, r in self.revisions.items() if n >= first}
        return len(recent), dropped

    def _hold(self, event: ChangeEvent) -> None:
        """Keep the event for filtering later; an operation's new progress replaces its earlier progress."""
        if event.kind is EventKind.OPERATION_PROGRESS:
            for position, held in enumerate(self._held):
                if held.kind is EventKind.OPERATION_PROGRESS and held.subject_id == event.subject_id:
                    self._held[position] = event
                    return
        self._held.append(event)

    def _keeps(self, event: ChangeEvent) -> bool:
        if not self.filter.active:
            return True
        label = self.project_label(event)
        return self.filter.matches(event, label or "", event_line_text(event, label))

    def _fold(self, event: ChangeEvent, rewritten: Rewritten | None) -> bool:
        """An operation's new progress rewrites its progress line in place; True when it did."""
        if event.kind is not EventKind.OPERATION_PROGRESS:
            return False
        number = self._progress_lines.get(event.subject_id)
        index = self.index(number)
        if number is None or index is None:
            return False
        self.shown[index] = event
        self.revisions[number] = self.revisions.get(number, 0) + 1
        if rewritten is not None:
            rewritten(index, number, event)
        return True
