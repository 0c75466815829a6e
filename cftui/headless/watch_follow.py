"""The `cftui watch` loop: poll each unfinished operation until all have ended, riding out outages.

It uses the client directly: following a few operations needs no project polling, and the client already
retries, waits out rate limits and reports both as events (said on stderr by `TroubleNotes`).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Protocol

from cftui.api.client import CloudForgeClient
from cftui.api.errors import ApiError, AuthenticationFailed, Forbidden, NotFound, RateLimited, ValidationFailed
from cftui.api.models import Operation
from cftui.headless.output import with_request_id
from cftui.headless.session import CommandFailed, api_failure
from cftui.headless.trouble import TroubleNotes
from cftui.headless.watch_names import NameFinder
from cftui.headless.watch_track import OperationTracker

MIN_PERIOD = 1.0  # seconds between polls of one operation while it runs
OUTAGE_PAUSE = (2.0, 8.0)  # after the client gave up: wait a little (jittered) and try again


class Display(Protocol):
    def show(self, operation: Operation, now: datetime) -> None: ...
    def note(self, sentence: str) -> None: ...


def poll_period(client: CloudForgeClient, unfinished: int, budget: float) -> float:
    """At least MIN_PERIOD, and slow enough to stay within the budget's share of the rate limit."""
    limit = client.rate_limit.limit
    if not limit or unfinished == 0:
        return MIN_PERIOD
    return max(MIN_PERIOD, unfinished * 60.0 / (limit * budget))


def still_running(trackers: dict[str, OperationTracker]) -> str:
    parts = []
    for op_id, tracker in trackers.items():
        if tracker.finished:
            continue
        last = tracker.last
        parts.append(f"{op_id} ({last.status} {last.clamped_progress}%)" if last else f"{op_id} (no answer yet)")
    return ", ".join(parts)


async def _poll(client: CloudForgeClient, op_id: str, notes: TroubleNotes) -> Operation | None:
    """One operation's state, or None after trouble worth waiting out (already said on stderr)."""
    try:
        return await client.get_operation(op_id)
    except NotFound as error:
        hint = f"; {error.hint}" if error.hint else ""  # "is the API URL missing /v2?"
        raise CommandFailed(with_request_id(f"There is no operation {op_id}{hint}.", error.request_id)) from None
    except (AuthenticationFailed, Forbidden, ValidationFailed) as error:
        # none of these mends itself: an invalid id (refused before sending, or by the API) is not waited out
        raise CommandFailed(api_failure(error)) from None
    except ApiError as error:
        now = datetime.now(UTC)
        if isinstance(error, RateLimited):
            next_try = max(error.retry_at, now + timedelta(seconds=1))
        else:
            next_try = now + timedelta(seconds=random.uniform(*OUTAGE_PAUSE))
        notes.gave_up(error, next_try)
    await asyncio.sleep(max(0.0, (next_try - datetime.now(UTC)).total_seconds()))
    return None


async def follow(
    client: CloudForgeClient, operation_ids: Sequence[str], display: Display, trackers: dict[str, OperationTracker],
    *, budget: float, on_end: Callable[[Operation, Operation | None, datetime], None] | None = None,
    wake: asyncio.Event | None = None, names: NameFinder | None = None,
) -> None:  # fmt: skip
    """Return once every operation has ended; raise CommandFailed for an unknown id or a refused key. With
    `names`, an operation's resource (and project) is named before anything is said about it."""
    notes = TroubleNotes(display.note)
    remove = client.add_listener(notes.on_client_event)
    try:
        while True:
            unfinished = [op_id for op_id in operation_ids if not trackers[op_id].finished]
            if not unfinished:
                return
            for op_id in unfinished:
                operation = await _poll(client, op_id, notes)
                if operation is not None:
                    # the API may answer with its own spelling of the id; we keep following the one asked for
                    operation = operation.model_copy(update={"id": op_id})
                    if names is not None and trackers[op_id].last is None:
                        trackers[op_id].name = await names.find(operation.resource_id)
                    previous, now = trackers[op_id].last, datetime.now(UTC)
                    display.show(operation, now)
                    if on_end is not None and operation.is_finished:
                        on_end(operation, previous, now)
            if any(not trackers[op_id].finished for op_id in operation_ids):
                await _nap(poll_period(client, len(unfinished), budget), wake)
    finally:
        remove()


async def _nap(seconds: float, wake: asyncio.Event | None) -> None:
    """Sleep until the next poll, or until a pushed delivery about a followed operation says to look now."""
    if wake is None:
        await asyncio.sleep(seconds)
        return
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(wake.wait(), seconds)
    wake.clear()
