"""When to retry a GET and how long to wait: full-jitter exponential backoff within an overall deadline.

A small loop in the client uses this instead of stamina's decorator because the client must announce each
wait (`RetryScheduled`) and fold rate-limit waits (429, `Remaining: 0`) into the same deadline.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import httpx

RETRY_STATUSES = frozenset({500, 502, 503, 504})
# Transport failures worth another try: the server may be restarting, flapping, or briefly overloaded.
RETRY_EXCEPTIONS: tuple[type[httpx.HTTPError], ...] = (
    httpx.TimeoutException,
    httpx.NetworkError,
    httpx.RemoteProtocolError,
)


@dataclass(frozen=True)
class RetryPolicy:
    """Backoff parameters; tests pass small ones to run fast."""

    base_s: float = 0.5  # the first wait is drawn from [0, base]
    cap_s: float = 20.0  # no single wait is longer than this
    attempts: int = 5  # attempts in all, the first included (429 waits are not counted)
    rate_limit_jitter_s: float = 0.5  # added to a rate-limit reset so waiting clients do not arrive together
    rng: random.Random = field(default_factory=random.Random, compare=False)

    def backoff(self, failed_attempt: int) -> float:
        """Full jitter: uniform in [0, min(cap, base * 2^(n-1))] after the n-th failed attempt."""
        ceiling = min(self.cap_s, self.base_s * (2 ** max(0, failed_attempt - 1)))
        return self.rng.uniform(0.0, ceiling)

    def rate_limit_jitter(self) -> float:
        return self.rng.uniform(0.0, self.rate_limit_jitter_s)
