"""Rate limits on the starter plan: a token bucket per key (burst 150, 100/min), its headers, and 429."""

from __future__ import annotations

import math
import time
from typing import Any

from tests.sim.helpers import assert_error, call
from tests.simproc import TEST_KEY, wait_for


def test_starter_plan_bucket_headers_and_429(sim_factory: Any) -> None:
    server = sim_factory("--static", "--plan", "starter")
    first = call(server, "GET", "projects")
    assert first.headers["x-ratelimit-limit"] == "100"
    assert first.headers["x-ratelimit-remaining"] == "149"
    # Not empty: Reset is when the bucket is full again (one token spent: 0.6 s away).
    assert time.time() - 1 <= int(first.headers["x-ratelimit-reset"]) <= math.ceil(time.time() + 0.6) + 1

    started = time.monotonic()
    remaining = [149]
    last = first
    while last.status_code == 200:
        last = call(server, "GET", "projects")
        if last.status_code == 200:
            remaining.append(int(last.headers["x-ratelimit-remaining"]))
    elapsed = time.monotonic() - started
    accepted = len(remaining)
    assert 150 <= accepted <= 150 + math.ceil(elapsed * 100 / 60) + 1
    assert remaining == sorted(remaining, reverse=True)  # never refilled faster than spent

    error = assert_error(last, 429, "rate_limited", "starter")
    assert error["message"]
    assert last.headers["x-ratelimit-remaining"] == "0"
    assert int(last.headers["retry-after"]) >= 1
    reset = int(last.headers["x-ratelimit-reset"])
    assert time.time() - 1 <= reset <= time.time() + 2  # one token comes back every 0.6 s

    # Each key has its own bucket.
    assert call(server, "GET", "projects", key=TEST_KEY).status_code == 200
    # At the Reset second, the next request is accepted.
    wait_for(lambda: time.time() >= reset, timeout=5)
    accepted_again = call(server, "GET", "projects")
    late_s = max(0.0, time.time() - reset)  # a loaded machine may answer well after the Reset second
    assert accepted_again.status_code == 200
    # the bucket is still nearly empty: at most what refilled since Reset (one token every 0.6 s)
    assert int(accepted_again.headers["x-ratelimit-remaining"]) <= 2 + math.ceil(late_s * 100 / 60)
    stats = server.control("GET", "stats")
    assert stats["by_status"]["429"] >= 1
