"""The rate limit as the server reports it in `X-RateLimit-*` and `Retry-After` headers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import httpx


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
    """When a 429 says to come back: the later of `Retry-After` (seconds or an HTTP date) and
    `X-RateLimit-Reset`, so that one wait covers both."""
    candidates = [_retry_after_header(headers.get("Retry-After"), now)]
    candidates.append(_unix_time(_int_header(headers, "X-RateLimit-Reset")))
    known = [moment for moment in candidates if moment is not None]
    return max(known) if known else None


def _retry_after_header(value: str | None, now: datetime) -> datetime | None:
    if not value:
        return None
    value = value.strip()
    try:
        return now + timedelta(seconds=max(0.0, float(value)))
    except (ValueError, OverflowError):
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
