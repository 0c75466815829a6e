"""Budget maths and pacing, the connection state machine and operation bookkeeping, without a server."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from cftui.api.client_events import RateLimitWait, RequestFinished, RetryScheduled
from cftui.api.errors import AuthenticationFailed, RateLimited, ServerError, Unreachable
from cftui.api.models import Operation
from cftui.monitor import time_left
from cftui.monitor.budget import (
    BOUND_FLOOR_SHARE,
    LATE_LEAD,
    RATE_MEMORY,
    RecentCount,
    RequestWindow,
    budget_per_minute,
    plan,
    round_is_late,
)
from cftui.monitor.connection import ConnectionTracker
from cftui.monitor.operations import MOVING_PERIOD, STALLED_MAX_PERIOD, WatchedOperation
from cftui.monitor.state import ConnectionStatus
from tests.builders import operation


def test_the_budget_is_a_share_of_the_limit_and_shrinks_when_the_key_runs_low() -> None:
    assert budget_per_minute(None, 0.5) == 50.0, "Starter assumed until the first response"
    assert budget_per_minute(1000, 0.5) == 500.0
    assert budget_per_minute(100, 0.5, remaining=150) == 50.0
    assert budget_per_minute(100, 0.5, remaining=10) == pytest.approx(25.0)
    assert budget_per_minute(100, 0.5, remaining=0) == pytest.approx(5.0)


def test_the_interval_is_a_wish_the_budget_may_stretch() -> None:
    relaxed = plan(budget_rate=500, requested_interval=5, core_cost=2, operation_periods=[], sweep_count=19)
    assert relaxed.effective_interval == 5
    tight = plan(budget_rate=50, requested_interval=1, core_cost=2, operation_periods=[], sweep_count=19)
    assert tight.effective_interval > 1
    core_rate = 2 * 60 / tight.effective_interval
    sweep_rate = 60 / tight.sweep_spacing
    assert core_rate + sweep_rate <= 50 + 1e-6
    assert sweep_rate >= 0.3 * 50 - 1e-6, "the sweep keeps its floor"


def test_a_big_plan_does_not_sweep_faster_than_twenty_requests_a_second() -> None:
    enterprise = plan(budget_rate=5000, requested_interval=5, core_cost=51, operation_periods=[], sweep_count=1000)
    assert enterprise.sweep_spacing == pytest.approx(0.05)
    assert enterprise.sweep_round == pytest.approx(50.0), "a thousand projects are still all seen within a minute"
    small = plan(budget_rate=5000, requested_interval=5, core_cost=2, operation_periods=[], sweep_count=19)
    assert small.sweep_round == pytest.approx(10.0), "a small organisation is swept every two intervals"


def test_operations_get_at_most_their_share() -> None:
    busy = plan(budget_rate=50, requested_interval=5, core_cost=2, operation_periods=[1.5] * 4, sweep_count=0)
    assert busy.operation_period == pytest.approx(4 * 60 / (0.35 * 50))
    calm = plan(budget_rate=5000, requested_interval=5, core_cost=2, operation_periods=[1.5], sweep_count=0)
    assert calm.operation_period == 0.0
    assert calm.sweep_spacing == float("inf")


def test_the_window_paces_requests_and_caps_any_minute() -> None:
    now = [0.0]
    window = RequestWindow(clock=lambda: now[0])
    window.configure(30.0)  # 0.5 a second, a burst of 5
    window.start_full()
    sent = 0
    for _ in range(600):  # two minutes in 0.2 s steps, sending whenever allowed
        while window.can_spend(1, 0, 30.0):
            window.record()
            sent += 1
        now[0] += 0.2
        assert window.used_last_minute() <= 30
    assert 55 <= sent <= 66
    assert window.seconds_until_spendable(1, 0, 30.0) > 0


def _error(cls, **kwargs):
    return cls("boom", request_id="req_1", path="/projects", **kwargs)


def test_connection_states_follow_client_events_and_failures() -> None:
    now = datetime.now(UTC)
    tracker = ConnectionTracker(auth_retry_seconds=60, max_backoff=4)
    assert tracker.state.status is ConnectionStatus.CONNECTING
    assert tracker.on_client_event(RequestFinished("GET", "/projects", 200, "req_0", now, 0.01))
    assert tracker.state.status is ConnectionStatus.OK
    tracker.on_client_event(RetryScheduled(1, _error(ServerError, status=503), now + timedelta(seconds=1)))
    state = tracker.state
    assert (state.status, state.request_id, state.next_attempt_at) == (
        ConnectionStatus.DEGRADED,
        "req_1",
        now + timedelta(seconds=1),
    )
    assert tracker.hold_until(now) is None, "the client is retrying; the engine need not wait too"
    tracker.on_failure(_error(Unreachable))
    assert tracker.state.status is ConnectionStatus.OFFLINE
    hold = tracker.hold_until(datetime.now(UTC))
    assert hold is not None and hold <= datetime.now(UTC) + timedelta(seconds=4)
    tracker.on_success()
    assert tracker.state.status is ConnectionStatus.OK and tracker.state.last_error is None
    until = now + timedelta(seconds=30)
    tracker.on_client_event(RateLimitWait(until))
    assert tracker.state.status is ConnectionStatus.RATE_LIMITED and tracker.hold_until(now) == until
    tracker.on_failure(_error(RateLimited, retry_at=until))
    assert tracker.state.rate_limited_until == until
    tracker.on_failure(AuthenticationFailed("Invalid API key", request_id="req_2"))
    assert tracker.state.status is ConnectionStatus.AUTH_FAILED
    assert tracker.hold_until(datetime.now(UTC)) > datetime.now(UTC) + timedelta(seconds=50)
    tracker.retry_now()
    assert tracker.hold_until(datetime.now(UTC) + timedelta(milliseconds=1)) is None


def _operation(status: str, progress: int, lines: int, eta: datetime | None = None) -> Operation:
    logs = [{"message": f"step {i}"} for i in range(lines)]
    return operation("op_1", status=status, progress=progress, logs=logs, started=None, eta=eta)


def test_operation_polling_speeds_up_while_moving_and_slows_while_stalled() -> None:
    watched = WatchedOperation("op_1", from_user=True)
    periods = []
    for progress in (10, 20, 20, 20, 20, 20, 20, 30):
        periods.append(watched.next_period(_operation("in_progress", progress, 1)))
        watched.last = _operation("in_progress", progress, 1)
    assert periods[0] == periods[1] == MOVING_PERIOD
    assert periods[2] < periods[3] < periods[4] <= STALLED_MAX_PERIOD
    assert periods[-1] == MOVING_PERIOD


def test_log_lines_are_handed_out_once_each_in_order() -> None:
    watched = WatchedOperation("op_1", from_user=True)
    assert [x.message for x in watched.take_new_lines(_operation("in_progress", 5, 2))] == ["step 0", "step 1"]
    assert watched.take_new_lines(_operation("in_progress", 5, 2)) == ()
    assert [x.message for x in watched.take_new_lines(_operation("in_progress", 9, 4))] == ["step 2", "step 3"]


def test_time_left_counts_down_to_the_estimate() -> None:
    now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    assert time_left(_operation("in_progress", 5, 0, now + timedelta(seconds=90)), now) == timedelta(seconds=90)
    assert time_left(_operation("in_progress", 5, 0, now - timedelta(seconds=5)), now) == timedelta(0)
    assert time_left(_operation("in_progress", 5, 0, None), now) is None
    assert time_left(_operation("completed", 100, 0, now + timedelta(seconds=5)), now) is None


def test_a_job_bigger_than_the_whole_budget_still_goes_once_the_minute_is_free() -> None:
    now = [0.0]
    window = RequestWindow(clock=lambda: now[0])
    window.configure(5.0)
    window.start_full()
    assert window.can_spend(12, 0, 5.0), "an empty minute lets a 12-page list go rather than starve forever"
    for _ in range(12):
        window.record()
    assert not window.can_spend(1, 0, 5.0)
    now[0] += 61.0
    assert not window.can_spend(1, 0, 5.0), "the pacing bucket remembers the overdraft"
    now[0] += 100.0  # twelve requests at five a minute: about two and a half minutes in all
    assert window.can_spend(1, 0, 5.0)


def test_with_a_long_round_the_project_list_is_read_less_often_and_the_round_gets_the_rest() -> None:
    from cftui.monitor.budget import PROJECT_LIST_MAX_PERIOD, project_list_period

    assert project_list_period(5.0, float("inf")) == 5.0, "no other project: every interval"
    assert project_list_period(5.0, 12.0) == 5.0, "a round of a few intervals: every interval"
    assert project_list_period(5.0, 40.0) == 30.0, "about once a round (the round less two intervals)"
    assert project_list_period(5.0, 900.0) == PROJECT_LIST_MAX_PERIOD, "a long round: at most every 60 s a page"
    assert project_list_period(5.0, 1800.0, pages=10) == 600.0, "ten pages: every ten minutes"
    every_interval = plan(budget_rate=50, requested_interval=5, core_cost=2, operation_periods=[], sweep_count=20)
    slower = plan(
        budget_rate=50,
        requested_interval=5,
        core_cost=1,
        operation_periods=[],
        sweep_count=20,
        list_cost=1,
        list_period=15.0,
    )
    assert slower.effective_interval == every_interval.effective_interval == 5.0
    assert slower.sweep_rate > every_interval.sweep_rate and slower.sweep_round < every_interval.sweep_round
    core_rate = 1 * 60 / slower.effective_interval + 1 * 60 / 15.0
    assert core_rate + slower.sweep_rate <= 50 + 1e-6, "the budget still holds"


def test_a_round_that_costs_more_than_one_request_a_project_takes_longer() -> None:
    one_each = plan(budget_rate=50, requested_interval=5, core_cost=2, operation_periods=[], sweep_count=10)
    with_big = plan(
        budget_rate=50, requested_interval=5, core_cost=2, operation_periods=[], sweep_count=10, sweep_cost=14.0
    )
    assert with_big.sweep_round == pytest.approx(one_each.sweep_round * 1.4)


def test_what_operations_cost_is_remembered_past_a_quiet_minute() -> None:
    """A burst of operation polls still counts (averaged over RATE_MEMORY) once its minute is over: a round planned
    on the quiet minute after it would promise what the next burst takes back."""
    now = [0.0]
    seen = RecentCount(clock=lambda: now[0])
    for _ in range(12):
        seen.record()
    assert seen.rate() == 12.0
    now[0] = 90.0
    assert seen.rate() == pytest.approx(12 * 60.0 / RATE_MEMORY)
    now[0] = RATE_MEMORY + 1.0
    assert seen.rate() == 0.0


def test_a_visit_is_late_a_fifth_of_its_bound_before_it() -> None:
    # promised within 50 s at the visit before (due by t=100): late from t=90 on (LATE_SHARE), with time left to
    # wait for the minute to free a request
    assert not round_is_late(89.9, due_by=100.0, round_bound=50.0, count=20)
    assert round_is_late(90.0, due_by=100.0, round_bound=50.0, count=20)
    assert round_is_late(0.0, due_by=-math.inf, round_bound=50.0, count=20), "never visited: at once"
    assert not round_is_late(1e9, due_by=0.0, round_bound=math.inf, count=20), "no round, nothing is late"
    assert round_is_late(400.0, due_by=500.0, round_bound=500.0, count=2)
    assert not round_is_late(399.9, due_by=500.0, round_bound=500.0, count=2)
    # a short bound: at least one visit's spacing (LATE_LEAD at most) early
    assert round_is_late(7.5, due_by=10.0, round_bound=5.0, count=2)
    assert not round_is_late(7.4, due_by=10.0, round_bound=5.0, count=2)
    assert round_is_late(97.0, due_by=100.0, round_bound=12.0, count=2), f"at most {LATE_LEAD} s early"
    assert not round_is_late(96.9, due_by=100.0, round_bound=12.0, count=2)


def test_the_round_is_bound_by_what_is_left_when_operations_take_their_whole_share() -> None:
    """Starter (50 a minute), 19 other projects, the focused project every 5 s, the project list every 45 s: the
    usual round follows what operations cost lately; the bound each visit promises does not, and holds it when
    they take their whole share (35 %): (50 - 3 unspendable - 17.5 - 12 - 1.3) a minute for 19 visits."""

    def starter(seen: float, periods: list[float] | None = None):
        return plan(
            budget_rate=50,
            requested_interval=5,
            core_cost=1,
            operation_periods=periods or [],
            sweep_count=19,
            list_cost=1,
            list_period=45,
            operation_rate_seen=seen,
        )

    quiet, busy, flooded = starter(0), starter(15), starter(40, [1.0] * 30)
    assert quiet.sweep_round < busy.sweep_round < quiet.sweep_bound
    assert (
        quiet.sweep_bound
        == busy.sweep_bound
        == flooded.sweep_bound
        == pytest.approx(19 * 60 / (50 - 3 - 17.5 - 12 - 60 / 45))
    )
    assert flooded.sweep_round == pytest.approx(flooded.sweep_bound), "operations at their cap: the round is its bound"
    tiny = plan(budget_rate=50, requested_interval=1, core_cost=3, operation_periods=[], sweep_count=19)
    assert tiny.sweep_bound == pytest.approx(19 * 60 / (BOUND_FLOOR_SHARE * 50)), "a late visit's floor"
    assert (
        plan(budget_rate=50, requested_interval=5, core_cost=1, operation_periods=[], sweep_count=0).sweep_bound
        == math.inf
    )
