"""The connection state machine, fed by the client's events and by the errors that reach the engine.

ok -> degraded (the client is retrying: last error, its request id, next attempt) -> offline (cannot reach the
API) / auth_failed (key refused) / rate_limited (until T), and back to ok on the next success. Every transition
is computed here; the engine only asks `state` and `hold_until`.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from cftui.api.client_events import ClientEvent, RateLimitWait, RequestFinished, RetryScheduled
from cftui.api.errors import ApiError, AuthenticationFailed, Forbidden, RateLimited, Unreachable, utc_moment
from cftui.api.ratelimit import capped_wait
from cftui.monitor.clock import SYSTEM_CLOCK, Clock
from cftui.monitor.state import ConnectionState, ConnectionStatus

AUTH_RETRY_SECONDS = 60.0  # a refused key is tried again this rarely (or at once on a manual refresh)
FAILURE_BACKOFF_BASE = 2.0
FAILURE_BACKOFF_CAP = 60.0


class ConnectionTracker:
    def __init__(
        self,
        *,
        auth_retry_seconds: float = AUTH_RETRY_SECONDS,
        max_backoff: float = FAILURE_BACKOFF_CAP,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self._clock = clock
        self.state = ConnectionState()
        self.auth_retry_seconds = auth_retry_seconds
        self.max_backoff = max_backoff
        self._failures = 0  # consecutive jobs that failed after the client gave up

    def _become(self, status: ConnectionStatus, *, gave_up: bool = False, **changes: Any) -> bool:
        old = self.state
        since = old.since if old.status == status and old.since else self._clock.now()
        new = replace(old, status=status, since=since, gave_up=gave_up, **changes)
        self.state = new
        return new != old

    def on_client_event(self, event: ClientEvent) -> bool:
        """Apply one client event; True when the state changed."""
        if isinstance(event, RequestFinished):
            if event.error is None and event.status is not None and event.status < 400:
                return self.on_success()  # now, on the monitor's clock (the event is told as the request ends)
            if event.status == 429 and isinstance(event.error, RateLimited):
                return self._rate_limited(event.error.retry_at, event.error)
            return False
        if isinstance(event, RetryScheduled):
            status = ConnectionStatus.OFFLINE if isinstance(event.error, Unreachable) else ConnectionStatus.DEGRADED
            return self._become(
                status,
                last_error=str(event.error),
                request_id=event.error.request_id,
                next_attempt_at=event.at,
                rate_limited_until=None,
            )
        if isinstance(event, RateLimitWait):
            return self._rate_limited(event.until, None)
        return False

    def _rate_limited(self, until: datetime, error: ApiError | None, *, gave_up: bool = False) -> bool:
        # no single observation holds requests back more than 60 s (a Retry-After of 999999 held them 11 days)
        until = capped_wait(until, self._clock.now())
        return self._become(
            ConnectionStatus.RATE_LIMITED,
            gave_up=gave_up,
            rate_limited_until=until,
            next_attempt_at=until,
            last_error=str(error) if error else f"Rate limited until {utc_moment(until)}",
            request_id=error.request_id if error else self.state.request_id,
        )

    def on_success(self, at: datetime | None = None) -> bool:
        self._failures = 0
        if self.state.status is ConnectionStatus.OK:
            self.state = replace(self.state, last_success_at=at or self._clock.now())
            return False  # a newer success time alone is not worth a repaint
        return self._become(
            ConnectionStatus.OK,
            last_error=None,
            request_id=None,
            next_attempt_at=None,
            rate_limited_until=None,
            last_success_at=at or self._clock.now(),
        )

    def on_failure(self, error: ApiError) -> bool:
        """A job failed after the client's own retries. Decides the state and when to try again."""
        now = self._clock.now()
        if isinstance(error, AuthenticationFailed | Forbidden):
            return self._become(
                ConnectionStatus.AUTH_FAILED,
                gave_up=True,
                last_error=str(error),
                request_id=error.request_id,
                next_attempt_at=now + timedelta(seconds=self.auth_retry_seconds),
                rate_limited_until=None,
            )
        if isinstance(error, RateLimited):
            return self._rate_limited(error.retry_at, error, gave_up=True)
        self._failures += 1
        backoff = min(self.max_backoff, FAILURE_BACKOFF_BASE ** min(self._failures, 6))
        wait = random.uniform(backoff / 2, backoff)  # jitter: many dashboards must not return in step
        status = ConnectionStatus.OFFLINE if isinstance(error, Unreachable) else ConnectionStatus.DEGRADED
        return self._become(
            status,
            gave_up=True,
            last_error=str(error),
            request_id=error.request_id,
            next_attempt_at=now + timedelta(seconds=wait),
            rate_limited_until=None,
        )

    def hold_until(self, now: datetime) -> datetime | None:
        """No regular request before this time (None: go ahead)."""
        state = self.state
        if state.status is ConnectionStatus.RATE_LIMITED and state.rate_limited_until:
            return state.rate_limited_until if state.rate_limited_until > now else None
        waiting = state.status is ConnectionStatus.AUTH_FAILED or (
            self._failures and state.status in (ConnectionStatus.OFFLINE, ConnectionStatus.DEGRADED)
        )
        if waiting:
            at = state.next_attempt_at
            return at if at is not None and at > now else None
        return None

    def retry_now(self) -> None:
        """A manual refresh: try again at once, whatever the wait (the user acted), a rate limit's included."""
        if self.state.status is ConnectionStatus.RATE_LIMITED:
            now = self._clock.now()
            self.state = replace(self.state, next_attempt_at=now, rate_limited_until=now)
        elif self.state.status in (ConnectionStatus.AUTH_FAILED, ConnectionStatus.OFFLINE, ConnectionStatus.DEGRADED):
            self.state = replace(self.state, next_attempt_at=self._clock.now())
