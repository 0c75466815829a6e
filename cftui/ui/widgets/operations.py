"""The Operations pane: each watched operation with its progress, status, timing and streaming log.

One `OperationCard` per operation (see `operation_card.py`), created once and updated in place; the log gets only
the lines it has not shown (`MonitorUpdate.new_log_lines`, each once, in order) and the timing line ticks once a
second while an operation runs. A pane of finished operations writes nothing to the terminal.

Operations the user asked for (`w`, `--watch-op`, the palette: `expect()`) are announced when they end. The
monitor also follows operations it finds on resources; those get a card too (at most
`MAX_BACKGROUND_CARDS` at a time, the rest counted in a line) and their end goes to the events feed only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from cftui.api.models import Operation, Resource
from cftui.api.sanitize import one_line
from cftui.monitor.state import MonitorUpdate, ResourcesChanged, Snapshot
from cftui.ui.messages import ResourceOpened
from cftui.ui.widgets.operation_card import OperationCard, completed_at, failure_reason, progress_text, timing_text

__all__ = ["OperationCard", "OperationsPane", "completed_at", "failure_reason", "progress_text", "timing_text"]

MAX_FINISHED_CARDS = 20  # older finished operations leave the pane; running ones stay
MAX_BACKGROUND_CARDS = 10  # operations found on resources, not asked for: enough to see what is going on
NAME_WIDTH = 60


def _truncate(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def project_name(snapshot: Snapshot, project_id: str) -> str:
    projects = snapshot.projects.value if snapshot.projects is not None else ()
    return one_line(next((p.name for p in projects if p.id == project_id), project_id))


class OperationsPane(VerticalScroll):
    """Every watched operation, in the order they were first seen; `apply()` each `MonitorUpdate`."""

    HELP_GROUP = "Operations pane"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "select_step(1)", "Next operation", show=False),
        Binding("down", "select_step(1)", "Next operation", show=False),
        Binding("k", "select_step(-1)", "Previous operation", show=False),
        Binding("up", "select_step(-1)", "Previous operation", show=False),
        Binding("g", "select_end(0)", "First operation", show=False),
        Binding("G", "select_end(-1)", "Last operation", show=False),
        Binding("enter", "open_resource", "Open its resource", show=False),
    ]
    DEFAULT_CSS = """
    OperationsPane {
        height: 1fr;
    }
    OperationsPane > #operations-empty, OperationsPane > #operations-overflow {
        color: $text-muted;
        padding: 0 1;
    }
    """

    def __init__(
        self,
        *,
        now: Callable[[], datetime] | None = None,
        id: str | None = "operations",
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._now = now
        self._cards: dict[str, OperationCard] = {}
        self._requested: set[str] = set()
        # finished operations whose card left the pane (past the cap): the monitor still reports them for a while,
        # and making their cards again on every update would mount and remove cards without end
        self._dismissed: set[str] = set()
        self._empty = Static(Content("No operations watched. Press w to watch one by its id."), id="operations-empty")
        self._overflow = Static(Content(""), id="operations-overflow")
        self._overflow.display = False
        self._overflow_text = ""
        self._selected: str | None = None  # the highlighted card: what `y` copies and Enter opens
        self._snapshot: Snapshot | None = None
        self._org_seen: object = None  # the organisation view names were last looked up in

    def compose(self) -> ComposeResult:
        yield self._empty
        yield from self._cards.values()  # cards made by apply() before this pane was mounted
        yield self._overflow

    def on_mount(self) -> None:
        self.border_title = "Operations"
        # the ids given with --watch-op were asked for by the user as much as those typed after `w`
        self._requested.update(getattr(self.app, "initial_watches", ()) or ())
        self.set_interval(1.0, self._tick)

    # --- the contract with the app -----------------------------------------------------------------------

    @property
    def watched_ids(self) -> tuple[str, ...]:
        """Every operation with a card, in the order the cards are shown (asked for first)."""
        requested = [op_id for op_id, card in self._cards.items() if card.requested]
        return (*requested, *(op_id for op_id, card in self._cards.items() if not card.requested))

    @property
    def selected_operation_id(self) -> str | None:
        return self._selected

    def select(self, operation_id: str | None) -> None:
        """Highlight one card (or none) and bring it into view."""
        previous = self._cards.get(self._selected) if self._selected else None
        if previous is not None:
            previous.remove_class("-selected")
        self._selected = operation_id if operation_id in self._cards else None
        card = self._cards.get(self._selected) if self._selected else None
        if card is not None:
            card.add_class("-selected")
            if card.is_attached:
                self.scroll_to_widget(card, animate=False)

    def _cards_on_screen(self) -> list[str]:
        if not self.is_attached:
            return list(self.watched_ids)
        return [child.operation_id for child in self.children if isinstance(child, OperationCard)]

    def action_select_step(self, step: int) -> None:
        order = self._cards_on_screen()
        if not order:
            return
        if self._selected not in order:
            self.select(order[0] if step > 0 else order[-1])
            return
        index = min(max(order.index(self._selected) + step, 0), len(order) - 1)
        self.select(order[index])

    def action_select_end(self, index: int) -> None:
        order = self._cards_on_screen()
        if order:
            self.select(order[index])

    def action_open_resource(self) -> None:
        """Enter: the selected operation's resource in the detail screen (the app loads its project when needed)."""
        card = self._cards.get(self._selected) if self._selected else None
        operation = card.operation if card is not None else None
        if operation is None or not operation.resource_id:
            self.app.notify("No operation with a resource selected.", severity="warning", markup=False, timeout=3)
            return
        project_id = self._project_of(operation.id, operation.resource_id)
        if project_id is None:
            self.app.notify(
                f"Resource {one_line(operation.resource_id)} has not been seen in any project yet.",
                severity="warning",
                markup=False,
                timeout=4,
            )
            return
        self.post_message(ResourceOpened(project_id, operation.resource_id))

    def _project_of(self, operation_id: str, resource_id: str) -> str | None:
        snapshot = self._snapshot
        if snapshot is None:
            return None
        ref = snapshot.org.operation_subjects.get(operation_id) or snapshot.org.resources.get(resource_id)
        if ref is not None:
            return ref.project_id
        for project_id, fetched in snapshot.resources.items():
            if any(resource.id == resource_id for resource in fetched.value):
                return project_id
        return None

    def card(self, operation_id: str) -> OperationCard | None:
        return self._cards.get(operation_id)

    def expect(self, operation_id: str) -> None:
        """The user asked for this operation: show its card at once, before the monitor's first answer."""
        self._requested.add(operation_id)
        self._dismissed.discard(operation_id)
        card = self._cards.get(operation_id)
        if card is None:
            card = self._card_for(operation_id)
            if self.is_attached:
                self.call_after_refresh(self.scroll_to_widget, card, animate=False)
        elif not card.requested:
            first_background = next((c for c in self._cards.values() if not c.requested), None)
            card.requested = True  # found on a resource earlier, now wanted: it will be announced
            card.remove_class("-background")
            self._cards[operation_id] = self._cards.pop(operation_id)  # last of the asked-for ones, as on screen
            if self.is_attached and first_background is not None and first_background is not card:
                self.move_child(card, before=first_background)
            if card.operation is not None:
                card.show(card.operation, self.now())
        self.select(operation_id)  # just asked for: `y` copies it, Enter opens its resource

    def apply(self, update: MonitorUpdate) -> None:
        snapshot = update.snapshot
        self._snapshot = snapshot
        now = self.now()
        not_shown = 0
        # names are looked up when a card is new, or when resources or the organisation's view arrived since
        org_changed = self._org_seen is not snapshot.org
        self._org_seen = snapshot.org
        resources_changed = org_changed or any(isinstance(change, ResourcesChanged) for change in update.changed)
        self._dismissed.intersection_update(snapshot.operations)  # forgotten by the monitor too: nothing to keep
        for operation_id, fetched in snapshot.operations.items():
            operation = fetched.value
            card = self._cards.get(operation_id)
            if card is None:
                if operation_id in self._dismissed:
                    continue
                if operation_id not in self._requested and self._background_cards() >= MAX_BACKGROUND_CARDS:
                    not_shown += 0 if operation.is_finished else 1
                    continue
                card = self._card_for(operation_id)
            named_now = False
            unnamed = card.resource_name is None or card.project_name is None
            if unnamed and operation.resource_id and (card.operation is None or resources_changed):
                before = (card.resource_name, card.project_name)
                card.resource_name, card.project_name = self._names(snapshot, operation_id, operation.resource_id)
                named_now = before != (card.resource_name, card.project_name) and card.operation is not None
            if card.operation != operation or named_now:
                card.show(operation, now)
                if operation.is_finished and not card.announced:
                    card.announced = True
                    if card.requested:
                        self._announce(card, operation)
            lines = update.new_log_lines.get(operation_id)
            if lines:
                card.write_logs(lines)
        for operation_id, sentence in snapshot.operation_errors.items():
            card = self._cards.get(operation_id)
            if card is not None:
                card.show_missing(sentence)  # the app shows the monitor's note; the card stops waiting
        self._forget_old_finished()
        self._show_overflow(not_shown)
        self._keep_a_selection()

    def _keep_a_selection(self) -> None:
        """While there are cards one is highlighted (the first, until the user moves): `y` always has an id."""
        if self._selected not in self._cards:
            order = self._cards_on_screen()
            self.select(order[0] if order else None)

    # --- internals ---------------------------------------------------------------------------------------

    def now(self) -> datetime:
        clock = self._now or getattr(self.app, "now", None)
        return clock() if callable(clock) else datetime.now(UTC)

    def _background_cards(self) -> int:
        return sum(1 for card in self._cards.values() if not card.requested and not card.is_finished)

    def _card_for(self, operation_id: str) -> OperationCard:
        card = self._cards.get(operation_id)
        if card is None:
            requested = operation_id in self._requested
            card = OperationCard(operation_id, requested=requested)
            # the operations the user asked for come first, above those found on resources
            first_background = next((c for c in self._cards.values() if not c.requested), None)
            self._cards[operation_id] = card
            self._empty.display = False
            if self.is_attached:
                anchor = first_background if requested and first_background is not None else self._overflow
                self.mount(card, before=anchor)
        return card

    def _forget_old_finished(self) -> None:
        # operations found on resources leave first, then the oldest the user asked for
        finished = sorted(
            (op_id for op_id, card in self._cards.items() if card.is_finished),
            key=lambda op_id: self._cards[op_id].requested,
        )
        for op_id in finished[: max(0, len(finished) - MAX_FINISHED_CARDS)]:
            card = self._cards.pop(op_id)
            self._dismissed.add(op_id)
            if card.is_attached:
                card.remove()
            if op_id == self._selected:
                self._selected = None
        self._empty.display = not self._cards

    def _show_overflow(self, not_shown: int) -> None:
        text = f"{not_shown} more operations running on resources are not shown." if not_shown else ""
        if text != self._overflow_text:
            self._overflow_text = text
            self._overflow.update(Content(text))
            self._overflow.display = bool(text)

    def _tick(self) -> None:
        now = self.now()
        for card in self._cards.values():
            if card.operation is not None and not card.is_finished:
                card.tick(now)

    @staticmethod
    def _names(snapshot: Snapshot, operation_id: str, resource_id: str) -> tuple[str | None, str | None]:
        """The resource's and its project's names: from what the organisation view saw the operation on, else
        from the loaded resources (resource name only)."""
        ref = snapshot.org.operation_subjects.get(operation_id) or snapshot.org.resources.get(resource_id)
        if ref is not None:
            project = ref.project_name or project_name(snapshot, ref.project_id)
            return _truncate(one_line(ref.name), NAME_WIDTH) or None, _truncate(one_line(project), NAME_WIDTH) or None
        for project_id, fetched in snapshot.resources.items():
            resource: Resource
            for resource in fetched.value:
                if resource.id == resource_id:
                    project = project_name(snapshot, project_id)
                    return _truncate(one_line(resource.name), NAME_WIDTH) or None, _truncate(project, NAME_WIDTH)
        return None, None

    def _announce(self, card: OperationCard, operation: Operation) -> None:
        subject = f"{one_line(operation.id)} ({one_line(operation.type)}"
        where = f" in {card.project_name}" if card.project_name else ""
        subject += f" on {card.resource_name}{where})" if card.resource_name else ")"
        if operation.status == "completed":
            self.app.notify(f"Operation {subject} completed.", title="Operation completed", markup=False)
        elif operation.status == "failed":
            reason = failure_reason(operation)
            message = f"Operation {subject} failed" + (f": {reason}" if reason else ".")
            self.app.notify(message, title="Operation failed", severity="error", markup=False, timeout=15)
        else:
            self.app.notify(
                f"Operation {subject} ended: {one_line(operation.status)}.",
                title="Operation ended",
                severity="warning",
                markup=False,
            )
