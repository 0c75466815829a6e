"""Push: webhook deliveries feed the monitor at once, are confirmed by a targeted GET, and let polling relax.

The feed owns the receiver, the shared memory that makes a change seen by both push and poll show once, the
confirmations (each a GET of the resource, operation or project a push spoke of, inside the request budget),
and the mode the status line shows. The engine calls it at a few points (see `Monitor`): it never polls itself.
"""

from __future__ import annotations

import asyncio
from collections import Counter, OrderedDict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING

from cftui.api.errors import NotFound
from cftui.api.sanitize import one_line
from cftui.monitor.clock import SYSTEM_CLOCK, Clock
from cftui.monitor.events import ChangeEvent, EventKind, Severity
from cftui.monitor.job_keys import ConfirmJob
from cftui.monitor.push_events import PushedChange, Target, to_change
from cftui.monitor.push_listen import ListenAddress
from cftui.monitor.push_merge import CountLedger, MergeMemory, count_change, dedupe_keys
from cftui.monitor.push_receiver import BindError, PushReceiver
from cftui.monitor.push_verify import MALFORMED, Delivery, Refusal, Verifier
from cftui.monitor.state import PushMode, PushState

if TYPE_CHECKING:
    from cftui.api.client import CloudForgeClient
    from cftui.api.models import Operation

SILENCE_S = 60.0  # no verified delivery for this long: push is "silent" and polling is back to full speed
SWEEP_SLOWDOWN = 4.0  # while pushes arrive and confirm, the sweep of the other projects runs this much slower
CONFIRM_DELAY_S = 1.0  # wait this long before confirming (a read right after a write may lag behind)
CONFIRM_SHARE = 0.25  # confirmations may use at most this share of the request budget
MAX_PENDING_CONFIRMATIONS = 200  # beyond this, the oldest are left to polling (counted as unconfirmed)
MAX_INBOX = 5_000  # verified deliveries waiting for the engine (a flood beyond this is refused: busy)
STATE_REFRESH_S = 1.0  # counters of refused deliveries are published at most this often


@dataclass
class _Pending:
    target: Target
    events: list[ChangeEvent] = field(default_factory=list)
    sent_at: datetime | None = None


class PushFeed:
    """Created with the listen address and secret; the monitor connects it and starts it in `run()`."""

    def __init__(
        self,
        address: ListenAddress,
        secret: str,
        *,
        silence_s: float = SILENCE_S,
        slowdown: float = SWEEP_SLOWDOWN,
        confirm_delay_s: float = CONFIRM_DELAY_S,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        # the Monitor's clock when it builds the feed: silence, pacing and the states' times follow a test's clock
        self._clock = clock.monotonic
        self._now = clock.now
        self._silence_s = silence_s
        self._slowdown = max(1.0, slowdown)
        self.confirm_delay_s = confirm_delay_s
        self.verifier = Verifier(secret)
        self.receiver = PushReceiver(address, self.verifier, self._on_delivery, self._on_refused)
        self._state = PushState(mode=PushMode.LISTENING, listen=str(address))
        self._refused: Counter[str] = Counter()
        self._inbox: deque[PushedChange] = deque()
        self._drain_scheduled = False
        self._state_dirty = False
        self._state_flush: asyncio.TimerHandle | None = None
        self._memory = MergeMemory(clock.monotonic)
        self._counts = CountLedger(clock.monotonic)
        self._pending: OrderedDict[ConfirmJob, _Pending] = OrderedDict()
        self._fetched: list[Operation] = []
        self._confirm_times: deque[float] = deque()  # when each confirmation of the last minute started
        self._next_confirm_at = -float("inf")
        self._last_delivery: float | None = None
        self._listening_at = clock.monotonic()
        self._last_contradiction: float | None = None
        self._sink: Callable[[list[PushedChange]], None] | None = None
        self._on_state: Callable[[], None] | None = None
        self._client: CloudForgeClient | None = None

    def __repr__(self) -> str:
        return f"PushFeed({self._state.listen})"

    # --- wiring ----------------------------------------------------------------------------------------------

    def connect(
        self,
        client: CloudForgeClient,
        sink: Callable[[list[PushedChange]], None],
        on_state: Callable[[], None],
    ) -> None:
        """`sink` gets verified changes in batches; `on_state` is called when only the counters moved."""
        self._client, self._sink, self._on_state = client, sink, on_state

    async def start(self) -> None:
        try:
            bound = self.receiver.bind() if self.receiver.bound is None else self.receiver.bound
            await self.receiver.start()
        except (BindError, OSError) as error:
            await self.receiver.stop()
            self._state = replace(self._state, mode=PushMode.FAILED, problem=one_line(str(error)))
            return
        self._state = replace(self._state, mode=PushMode.LISTENING, listen=str(bound), listening_since=self._now())
        self._listening_at = self._clock()

    async def stop(self) -> None:
        if self._state_flush is not None:
            self._state_flush.cancel()
        await self.receiver.stop()

    # --- the receiver's callbacks (on the loop; quick) ----------------------------------------------------------

    def _on_delivery(self, delivery: Delivery) -> Refusal | None:
        change = to_change(delivery)
        if change is None:
            self._on_refused("unusable")
            return MALFORMED
        if len(self._inbox) >= MAX_INBOX:
            self._on_refused("busy")
            return Refusal("busy", 503)
        self._last_delivery = self._clock()
        self._state = replace(self._state, accepted=self._state.accepted + 1, last_delivery_at=delivery.received_at)
        self._inbox.append(change)
        if not self._drain_scheduled:
            self._drain_scheduled = True
            asyncio.get_running_loop().call_soon(self._drain)  # a burst becomes one update, not hundreds
        return None

    def _on_refused(self, reason: str) -> None:
        self._refused[reason] += 1
        self._state_dirty = True
        if self._state_flush is None:
            self._state_flush = asyncio.get_running_loop().call_later(STATE_REFRESH_S, self._flush_state)

    def _flush_state(self) -> None:
        self._state_flush = None
        if self._state_dirty and self._on_state is not None:
            self._state_dirty = False
            self._on_state()

    def _drain(self) -> None:
        self._drain_scheduled = False
        changes = list(self._inbox)
        self._inbox.clear()
        if changes and self._sink is not None:
            self._sink(changes)

    # --- merging with polling ---------------------------------------------------------------------------------

    def admit(
        self, changes: Iterable[PushedChange], tracked: frozenset[str] = frozenset()
    ) -> tuple[list[ChangeEvent], list[tuple[str, str | None, str | None, str | None]]]:
        """The pushed events to show now (not already seen by polling), and the operations to follow
        (id, project id, resource id, the resource's name or None). `tracked`: the projects polled resource by
        resource (their creations and deletions are polled events of their own; elsewhere polling tells them as the
        project's resource count)."""
        shown: list[ChangeEvent] = []
        follow: list[tuple[str, str | None, str | None, str | None]] = []
        merged = 0
        for change in changes:
            event = change.event
            if change.follow_operation:
                # the delivery's name for the resource (its id when it gave none: then no name is known)
                name = event.subject_name if event.subject_name != event.subject_id else None
                follow.append((change.follow_operation, event.project_id, event.subject_id, name))
            if change.quiet:
                continue
            keys = dedupe_keys(event)
            news = not keys or self._memory.pushed(keys)
            sign = _COUNT_SIGN.get(event.kind, 0)
            elsewhere = bool(event.project_id) and event.project_id not in tracked
            if sign and elsewhere and not self._counts.pushed(event.project_id or "", sign):
                # the project list counted it a moment ago and that was shown: this push is not shown, so what
                # polling tells later of the resource itself (a problem) is still news
                self._memory.forget(keys)
                news = False
            if not news:
                merged += 1  # polling (or an earlier delivery) told it already: shown once
                continue
            shown.append(event)
            self._expect(change)
        if merged:
            self._state = replace(self._state, merged=self._state.merged + merged)
        return shown, follow

    def filter_polled(self, events: tuple[ChangeEvent, ...]) -> tuple[ChangeEvent, ...]:
        """Polled events minus those a push already showed; the rest are remembered for later pushes."""
        kept: list[ChangeEvent] = []
        merged = 0
        for event in events:
            if event.source == "poll":
                counted = count_change(event)
                keys = dedupe_keys(event)
                if counted is not None and not self._counts.polled(*counted):
                    merged += 1  # the pushed creations and deletions in that project, already shown
                    continue
                if keys and not self._memory.polled(keys):
                    merged += 1
                    continue
            kept.append(event)
        if merged:
            self._state = replace(self._state, merged=self._state.merged + merged)
            return tuple(kept)
        return events

    # --- confirmations ----------------------------------------------------------------------------------------

    def _expect(self, change: PushedChange) -> None:
        key = ConfirmJob(change.target.key)
        pending = self._pending.get(key)
        if pending is None:
            pending = self._pending[key] = _Pending(change.target)
        else:
            self._pending.move_to_end(key)
            pending.target = change.target  # the latest push about a subject is what must hold
        pending.events.append(change.event)
        while len(self._pending) > MAX_PENDING_CONFIRMATIONS:
            self._pending.popitem(last=False)
            self._state = replace(self._state, unconfirmed=self._state.unconfirmed + 1)

    def take_fetched_operations(self) -> list[Operation]:
        """Operations the confirmations read since the last call (the engine folds them into its watch)."""
        fetched, self._fetched = self._fetched, []
        return fetched

    def new_confirmations(self) -> list[ConfirmJob]:
        """Job keys added since the last call (the engine schedules each `confirm_delay_s` ahead)."""
        fresh = [key for key, pending in self._pending.items() if pending.sent_at is None]
        for key in fresh:
            self._pending[key].sent_at = self._now()
        return fresh

    def confirm_keys(self, budget_rate: float) -> list[ConfirmJob]:
        """Confirmation jobs the engine may run now: none while they already had their share this minute, and
        none before the pace allows. Paced one at a time (never a burst that empties the request budget's bucket:
        a backlog of confirmations must not starve the sweep, above all when push has just gone silent)."""
        now = self._clock()
        cutoff = now - 60.0
        while self._confirm_times and self._confirm_times[0] <= cutoff:
            self._confirm_times.popleft()
        if not self._pending or now < self._next_confirm_at:
            return []
        if len(self._confirm_times) >= max(1.0, CONFIRM_SHARE * budget_rate):
            return []
        return list(self._pending)

    def confirmation_started(self, budget_rate: float) -> None:
        """The engine started a confirmation: the next one waits its turn (the share spread over the minute)."""
        now = self._clock()
        self._confirm_times.append(now)
        self._next_confirm_at = now + 60.0 / max(1.0, CONFIRM_SHARE * budget_rate)

    async def confirm(self, key: ConfirmJob) -> list[ChangeEvent]:
        """One targeted GET; the events that report a contradiction (none when the API agrees)."""
        pending = self._pending.pop(key, None)
        if pending is None or self._client is None:
            return []
        target = pending.target
        verdict = await self._check(target, pending.events[-1])
        if verdict is None:
            self._state = replace(self._state, confirmed=self._state.confirmed + len(pending.events))
            return []
        self._last_contradiction = self._clock()
        self._state = replace(self._state, contradicted=self._state.contradicted + 1)
        event = pending.events[-1]
        return [
            ChangeEvent(
                EventKind.PUSH_CONTRADICTED,
                self._now(),
                event.subject_id,
                event.subject_name,
                event.project_id,
                old=event.new,
                new=None,
                severity=Severity.WARNING,
                summary=f"push not confirmed: {verdict}",
                data={"pushed_kind": event.kind.value, "delivery_id": event.data.get("delivery_id")},
            )
        ]

    async def _check(self, target: Target, event: ChangeEvent) -> str | None:
        """None when the API agrees with the push (or the subject changed again since); else a sentence."""
        assert self._client is not None
        name = event.subject_name or target.subject_id
        sent = _sent_at(event)
        if target.what == "operation":
            try:
                operation = await self._client.get_operation(target.subject_id)
            except NotFound:
                return f"operation {name} is unknown to the API"
            # followed under the id it was asked by (the API may spell it its own way)
            self._fetched.append(operation.model_copy(update={"id": target.subject_id}))
            ended = "completed" if operation.status == "completed" else "failed" if operation.is_finished else None
            if ended == target.expect:
                return None
            return f"operation {name} is {operation.status}, not {target.expect}"
        if target.what == "project":
            try:
                project = await self._client.get_project(target.subject_id)
            except NotFound:
                return f"project {name} is unknown to the API"
            cost, threshold = project.monthly_cost, target.threshold
            if cost is None or threshold is None or cost > threshold:
                return None
            return f"{name} costs {cost} a month, not above {threshold}"
        if target.project_id is None:
            return None  # nowhere to look it up: polling will tell
        try:
            resource = await self._client.get_resource(target.project_id, target.subject_id)
        except NotFound:
            return None if target.absent else f"{name} does not exist according to the API"
        changed_since = resource.updated_at is not None and sent is not None and resource.updated_at >= sent
        if target.absent:
            return None if changed_since else f"{name} still exists according to the API"
        if target.expect is not None and resource.status != target.expect and not changed_since:
            return f"{name} is {resource.status}, not {target.expect}"
        return None

    # --- mode and pace ----------------------------------------------------------------------------------------

    def _mode(self) -> PushMode:
        mode = self._state.mode
        if mode in (PushMode.FAILED, PushMode.OFF):
            return mode
        now = self._clock()
        if self._last_contradiction is not None and now - self._last_contradiction < self._silence_s:
            return PushMode.UNTRUSTED
        if self._last_delivery is None:
            return PushMode.SILENT if now - self._listening_at >= self._silence_s else PushMode.LISTENING
        return PushMode.PUSH if now - self._last_delivery < self._silence_s else PushMode.SILENT

    def tick(self) -> bool:
        """Re-evaluate the mode (time passes); True when it changed and the snapshot should say so."""
        mode = self._mode()
        if mode is self._state.mode:
            return False
        self._state = replace(self._state, mode=mode)
        return True

    def healthy(self) -> bool:
        """Pushes arrive and confirm: the sweep may relax, and confirmations go before it."""
        return self._mode() is PushMode.PUSH

    def sweep_factor(self) -> float:
        return self._slowdown if self.healthy() else 1.0

    def state(self, full_sweep_per_minute: float) -> PushState:
        factor = self.sweep_factor()
        saved = full_sweep_per_minute * (1.0 - 1.0 / factor) if factor > 1 else 0.0
        return replace(
            self._state,
            mode=self._mode() if self._state.mode not in (PushMode.FAILED, PushMode.OFF) else self._state.mode,
            refused=dict(self._refused),
            sweep_factor=factor,
            saved_per_minute=round(saved, 1),
        )


_COUNT_SIGN = {EventKind.RESOURCE_CREATED: 1, EventKind.RESOURCE_DELETED: -1}


def _sent_at(event: ChangeEvent) -> datetime | None:
    raw = event.data.get("sent_at")
    if not isinstance(raw, str):
        return None
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
