"""Per-key token buckets on real (monotonic) time, by plan, and the X-RateLimit-* headers they imply.

Capacity is the plan's burst; tokens refill at the per-minute limit / 60 each second. Headers:
`X-RateLimit-Limit` is the per-minute limit, `-Remaining` the whole tokens left after this request, and
`-Reset` a Unix second: when Remaining is 0, the second at which the next request will be accepted;
otherwise the second at which the bucket is full again.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

PLANS: dict[str, tuple[int, int]] = {
    "starter": (100, 150),
    "professional": (1_000, 1_500),
    "enterprise": (10_000, 15_000),
}


@dataclass
class Verdict:
    allowed: bool
    limit: int
    remaining: int
    reset: int  # Unix seconds
    retry_after: int  # seconds, meaningful when not allowed

    def headers(self) -> dict[str, str]:
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset),
        }
        if not self.allowed:
            headers["Retry-After"] = str(self.retry_after)
        return headers


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    def __init__(self, plan: str = "starter") -> None:
        self.plan = plan
        self.limit, self.burst = PLANS[plan]
        self.rate = self.limit / 60.0
        self._buckets: dict[str, _Bucket] = {}

    def _refilled(self, name: str, now: float) -> _Bucket:
        bucket = self._buckets.setdefault(name, _Bucket(float(self.burst), now))
        bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.updated) * self.rate)
        bucket.updated = now
        return bucket

    def take(self, name: str) -> Verdict:
        """Spend one token from `name`'s bucket if there is one; say what the headers should be either way."""
        now = time.monotonic()
        wall = time.time()
        bucket = self._refilled(name, now)
        allowed = bucket.tokens >= 1.0
        if allowed:
            bucket.tokens -= 1.0
        return self._verdict(bucket, wall, allowed)

    def storm(self, seconds: float) -> Verdict:
        """The verdict during a forced rate-limit storm: nothing left until `seconds` from now."""
        reset = math.ceil(time.time() + seconds)
        return Verdict(False, self.limit, 0, reset, max(1, math.ceil(seconds)))

    def _verdict(self, bucket: _Bucket, wall: float, allowed: bool) -> Verdict:
        remaining = int(bucket.tokens)
        # Empty: when one whole token is back. Otherwise: when the bucket is full again.
        target = 1.0 if remaining == 0 else float(self.burst)
        wait = (target - bucket.tokens) / self.rate
        reset = math.ceil(wall + wait)
        retry_after = max(1, math.ceil((1.0 - bucket.tokens) / self.rate))
        return Verdict(allowed, self.limit, remaining, reset, retry_after)
