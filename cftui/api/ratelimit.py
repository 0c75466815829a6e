"""The rate limit as the server reports it in `X-RateLimit-*` and `Retry-After` headers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the monitor reads these values without importing httpx (tests/monitor/test_imports.py)
    import httpx

# A rate-limit window is a minute: no single observation (a Retry-After, a reset time) holds requests back longer,
# whatever it says (a clock skewed by days, a hostile `Retry-After: 999999`).
MAX_RATE_WAIT = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class RateLimitInfo:
    limit: int | None = None  # requests per minute (tells the plan)
    remaining: int | None = None
    reset_at: datetime | None = None
    observed_at: datetime | None = None  # when the response carrying these values arrived

    @property
    def exhausted(self) -> bool:
        return self.remaining is not None and self.remaining <= 0


def _int_header(headers: httpx.Headers, name: str) -> int | None:
    value = headers.get(name)
    if value is None:
        return None
    try:
        return int(float(value.strip()))
    except (ValueError, OverflowError):
        return None


def _unix_time(value: int | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def parse_rate_limit(headers: httpx.Headers, observed_at: datetime) -> RateLimitInfo | None:
    """The `X-RateLimit-*` values of one response, or None when it carries none."""
    limit = _int_header(headers, "X-RateLimit-Limit")
    remaining = _int_header(headers, "X-RateLimit-Remaining")
    reset_at = _unix_time(_int_header(headers, "X-RateLimit-Reset"))
    if limit is None and remaining is None and reset_at is None:
        return None
    return RateLimitInfo(limit=limit, remaining=remaining, reset_at=reset_at, observed_at=observed_at)


def retry_after(headers: httpx.Headers, now: datetime) -> datetime | None:
    """When a 429 says to come back, in UTC: the later of `Retry-After` (seconds or an HTTP date) and
    `X-RateLimit-Reset`, so that one wait covers both (uncapped: `capped_wait` bounds it)."""
    candidates = [_retry_after_header(headers.get("Retry-After"), now)]
    candidates.append(_unix_time(_int_header(headers, "X-RateLimit-Reset")))
    known = [moment for moment in candidates if moment is not None]
    return max(known) if known else None


def capped_wait(until: datetime, now: datetime) -> datetime:
    """`until`, but never more than `MAX_RATE_WAIT` after `now`."""
    return min(until, now + MAX_RATE_WAIT)


def _retry_after_header(value: str | None, now: datetime) -> datetime | None:
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        seconds = None
    if seconds is not None:
        if seconds != seconds:  # NaN
            return None
        # kept as said (messages name it) up to ten years; a larger number would overflow the date
        return now + timedelta(seconds=min(max(0.0, seconds), 10 * 365 * 86_400.0))
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)  # `Fri, 31 Dec 9999 23:59:59 -2359` has no UTC time
    except (OverflowError, ValueError):
        return now + MAX_RATE_WAIT  # as far in the future as cftui ever waits
