"""Trouble on the way (outages, retries, rate limits) said on stderr once per change, not once per request."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from cftui.api.client_events import ClientEvent, RateLimitWait, RequestFinished, RetryScheduled
from cftui.api.errors import utc_moment
from cftui.headless.output import with_request_id
from cftui.monitor.state import ConnectionState, ConnectionStatus


def clock(moment: datetime) -> str:
    """The time of day in UTC, with the date when it is not today's."""
    return utc_moment(moment)


class TroubleNotes:
    """Feed it the client's events (and the errors it gave up on); it calls `note(sentence)` when things change."""

    def __init__(self, note: Callable[[str], None]) -> None:
        self.note = note
        self.current: tuple[str, str] | None = None  # (kind of trouble, error class), to say each only once

    def _say(self, key: tuple[str, str], sentence: str) -> None:
        if key != self.current:
            self.current = key
            self.note(sentence)

    def on_client_event(self, event: ClientEvent) -> None:
        if isinstance(event, RetryScheduled):
            error = event.error
            sentence = with_request_id(f"{error}; retrying at {clock(event.at)}", error.request_id)
            self._say(("retry", type(error).__name__), sentence)
        elif isinstance(event, RateLimitWait):
            self._say(("rate", ""), f"Rate limit spent: waiting until {clock(event.until)} before the next request.")
        elif isinstance(event, RequestFinished) and event.error is None and self.current is not None:
            self.current = None
            self.note("The CloudForge API answers again.")

    def gave_up(self, state: ConnectionState) -> None:
        """The monitor gave up on a request after the client's own retries (`state.gave_up`) and tries again at
        `state.next_attempt_at`; the command keeps trying until its timeout."""
        kind = "rate" if state.status is ConnectionStatus.RATE_LIMITED else "down"
        now = datetime.now(UTC)
        next_try = max(state.next_attempt_at or now, now)
        sentence = with_request_id(f"{state.last_error}; trying again at {clock(next_try)}", state.request_id)
        self._say((kind, state.status.value), sentence)
