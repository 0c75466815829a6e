"""Issue 12, item 7: no single rate-limit answer holds requests back more than 60 s, a manual refresh tries at once,
and the headless messages name the date of a reset days away and never a time already past."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from cftui.api import ApiKey, CloudForgeClient
from cftui.api.errors import RateLimited
from cftui.monitor.connection import ConnectionTracker
from cftui.monitor.state import ConnectionStatus
from tests.headless.runner import run_piped
from tests.hostile_api import KEY, Answer, hostile_api

CLOCK = re.compile(r"until (\d{4}-\d\d-\d\d )?(\d\d:\d\d:\d\d) UTC")


async def test_a_429_asking_for_eleven_days_is_waited_60_seconds_at_most() -> None:
    with hostile_api() as api:
        api.answer("/projects", Answer(429, b"{}", headers={"Retry-After": "999999"}))
        async with CloudForgeClient(api.base_url, ApiKey.parse(KEY), retry_deadline=0.5) as client:
            with pytest.raises(RateLimited) as caught:
                await client.list_projects()
    now = datetime.now(UTC)
    error = caught.value
    assert error.retry_at <= now + timedelta(seconds=61)
    assert error.server_reset is not None and error.server_reset > now + timedelta(days=11)
    server_day = f"{error.server_reset:%Y-%m-%d}"
    assert server_day in str(error) and "never waits more than 60 s" in str(error)


def test_the_tracker_caps_a_far_reset_and_r_lifts_the_hold() -> None:
    tracker = ConnectionTracker()
    now = datetime.now(UTC)
    far = RateLimited("slow down", retry_at=now + timedelta(days=11))
    tracker.on_failure(far)
    hold = tracker.hold_until(datetime.now(UTC))
    assert tracker.state.status is ConnectionStatus.RATE_LIMITED
    assert hold is not None and hold <= datetime.now(UTC) + timedelta(seconds=60)
    tracker.retry_now()  # `r`
    assert tracker.hold_until(datetime.now(UTC) + timedelta(milliseconds=1)) is None


def _said_times(stderr: str) -> list[datetime]:
    today = datetime.now(UTC)
    moments = []
    for day, clock in CLOCK.findall(stderr):
        stamp = f"{day.strip() or f'{today:%Y-%m-%d}'} {clock}"
        moments.append(datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC))
    return moments


@pytest.mark.parametrize(
    "headers",
    [{"Retry-After": "999999"}, {"X-RateLimit-Reset": "1", "X-RateLimit-Remaining": "0"}],
    ids=["reset-days-away", "reset-in-the-past"],
)
def test_watch_says_a_date_for_a_far_reset_and_never_a_past_time(headers: dict[str, str]) -> None:
    with hostile_api() as api:
        api.answer("/operations/op_slow", Answer(429, b'{"error": {"code": "rate_limited"}}', headers=headers))
        started = datetime.now(UTC).replace(microsecond=0)
        done = run_piped("watch", "op_slow", "--timeout", "4", "--api-url", api.base_url, "--no-history", key=KEY)
    assert done.code == 2 and "Traceback" not in done.stderr, done.stderr
    said = _said_times(done.stderr)
    assert said, done.stderr
    assert all(started <= moment <= started + timedelta(seconds=70) for moment in said), done.stderr
    if "Retry-After" in headers:
        far_day = f"{datetime.now(UTC) + timedelta(seconds=999999):%Y-%m-%d}"
        assert f"the server named {far_day}" in done.stderr, done.stderr
