"""What the client reports to its listeners, so the monitor can count requests and explain waits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from cftui.api.errors import ApiError


@dataclass(frozen=True, slots=True)
class RequestFinished:
    """One HTTP attempt ended at `at`, after `duration_s` (retries are separate attempts). `status` is None
    when no response came."""

    method: str
    path: str
    status: int | None
    request_id: str
    at: datetime
    duration_s: float
    error: ApiError | None = None


@dataclass(frozen=True, slots=True)
class RetryScheduled:
    """Attempt `attempt` failed with `error`; the next attempt is sent at `at`."""

    attempt: int
    error: ApiError
    at: datetime


@dataclass(frozen=True, slots=True)
class RateLimitWait:
    """The client holds its requests until `until` because the rate limit is spent."""

    until: datetime


ClientEvent = RequestFinished | RetryScheduled | RateLimitWait
ClientListener = Callable[[ClientEvent], None]
