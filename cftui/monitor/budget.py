"""Request budget maths: how many requests the engine may send, and how to share them out.

Pure functions and small counters; the scheduler applies them. Rates are requests per minute.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

STARTER_LIMIT = 100  # assumed until the first response tells the plan
LOW_REMAINING_SHARE = 0.2  # below this share of the limit left, slow down in proportion
MIN_SLOWDOWN = 0.1
OPERATION_SHARE = 0.35  # watched operations may use at most this share of the budget
SWEEP_FLOOR_SHARE = 0.3  # the problem sweep keeps at least this share when it has work
SWEEP_TARGET_SECONDS = 40.0  # aim to look at every other project this often
MIN_SWEEP_ROUND_INTERVALS = 2.0  # never sweep the others faster than every two refresh intervals
# At most 20 sweep requests a second, whatever the plan allows: each costs the UI's event loop parsing and
# diffing, and a thousand projects are still all looked at within a minute.
MIN_SWEEP_SPACING = 0.05
# While there are other projects, the project list is read once a round (at most this rarely, per page of the list)
# rather than every interval: the round lists every project's resources (their costs included) anyway, and a request
# is worth more there. A new project is still found within a round.
PROJECT_LIST_MAX_PERIOD = 60.0
# The round uses whatever the budget leaves (it is not paced to a planned length), but it leaves this many requests
# free in the pacing bucket and in the minute, so the focused project and operations never wait for it.
SWEEP_HEADROOM = 2.0
# The round's next visit is late once its project's last visit started this share of the round's bound ago (or
# the bound less one visit's spacing, at most LATE_LEAD seconds, when that is earlier): then it goes before the
# background operations' polls, without headroom. The share leaves a late visit time to wait for the minute to
# free a request (at a full minute the next one frees within seconds) and still keep its project's bound.
LATE_SHARE = 0.8
LATE_LEAD = 3.0
# The least share of the budget the round is counted on for its bound, whatever the jobs above it are planned to
# take: a late visit goes before operations elsewhere, so it gets at least what the focused project leaves.
BOUND_FLOOR_SHARE = 0.1
RATE_MEMORY = 180.0  # seconds over which what operations cost is averaged for the plan (RecentCount)


def sweep_headroom(budget_rate: float) -> float:
    """Requests a visit of the round leaves free: SWEEP_HEADROOM, less on a tiny budget (5 % of it)."""
    return min(SWEEP_HEADROOM, 0.05 * budget_rate)


def round_is_late(now: float, due_by: float, round_bound: float, count: int) -> bool:
    """Whether the round's next visit, due by `due_by` (its project's last visit plus the bound it promised), must
    go now: LATE_SHARE of the bound after that visit, or one visit's spacing (LATE_LEAD at most) before the bound,
    whichever is earlier, for the visit to get through in time. Never visited: at once."""
    if not math.isfinite(round_bound):
        return False
    lead = max(min(round_bound / max(1, count), LATE_LEAD), (1.0 - LATE_SHARE) * round_bound)
    return now >= due_by - lead


def project_list_period(interval: float, sweep_round: float, pages: int = 1) -> float:
    """Seconds between two reads of the project list: about once a round (the round less two intervals, so a
    short round of a few intervals keeps it every interval, as does no round at all), at most 60 s a page (a list
    of 1,000 projects, ten pages, is read every 10 minutes)."""
    if not math.isfinite(sweep_round):
        return interval
    return max(interval, min(PROJECT_LIST_MAX_PERIOD * max(1, pages), sweep_round - 2.0 * interval))


def budget_per_minute(limit: int | None, budget: float, remaining: int | None = None) -> float:
    """What the engine allows itself: `budget x limit`, shrunk when the shared key runs low."""
    limit = limit or STARTER_LIMIT
    allowed = max(1.0, limit * budget)
    if remaining is not None:
        low_mark = LOW_REMAINING_SHARE * limit
        if remaining < low_mark:
            allowed *= max(MIN_SLOWDOWN, remaining / low_mark)
    return max(1.0, allowed)


@dataclass(frozen=True, slots=True)
class Plan:
    effective_interval: float  # seconds between refreshes of the focused project and the project list
    operation_period: float  # the shortest period an operation may be polled at (shared cap)
    sweep_spacing: float  # seconds between two visits of other projects (inf: no sweep work)
    sweep_round: float  # seconds to look at every other project once
    sweep_rate: float = 0.0  # requests a minute the round may spend
    # the longest a project waits between two visits, promised at each visit: the round at the pace it keeps
    # when operations take their whole share of the budget (inf: no round)
    sweep_bound: float = math.inf
    # the shortest spacing of two visits: the round never goes faster than every two intervals (nor 20 visits a
    # second), however much budget is left
    fastest_spacing: float = math.inf


def plan(
    *,
    budget_rate: float,
    requested_interval: float,
    core_cost: int,
    operation_periods: list[float],
    sweep_count: int,
    sweep_cost: float | None = None,
    list_cost: int = 0,
    list_period: float | None = None,
    operation_share: float = OPERATION_SHARE,
    operation_rate_seen: float = 0.0,
) -> Plan:
    """Share `budget_rate` between operations, the focused project + project list, and the sweep.

    `core_cost` is the number of requests one refresh of the focused project and the project list costs (pages
    count); `operation_periods` the wished poll period of each watched, unfinished operation; `sweep_cost` the
    requests one round over the `sweep_count` other projects costs on average (default: one each); `list_cost`
    requests refreshed every `list_period` seconds rather than every interval (the project list, when the round is
    long; None: every interval, as part of the core). `operation_share`: the most of the budget operations may use
    (all of it when nothing else is polled). `operation_rate_seen` is what operation polls cost in the last minute:
    the one-off polls (an operation found, or seen gone from its resource) count too, so the round's length is
    planned from what is really left.
    """
    cost = float(sweep_count) if sweep_cost is None else max(float(sweep_count), sweep_cost)
    operation_wish = sum(60.0 / max(p, 0.1) for p in operation_periods)
    operation_cap = operation_share * budget_rate
    operation_rate = min(max(operation_wish, operation_rate_seen), operation_cap)
    operation_period = 0.0
    if operation_periods and operation_wish > operation_cap:
        # stretch every operation alike so that together they fit their share
        operation_period = len(operation_periods) * 60.0 / operation_cap
    sweep_wish = cost * 60.0 / SWEEP_TARGET_SECONDS
    sweep_floor = min(sweep_wish, SWEEP_FLOOR_SHARE * budget_rate) if sweep_count else 0.0
    list_rate = list_cost * 60.0 / list_period if list_period else 0.0
    if not list_period:
        core_cost += list_cost
    core_budget = max(budget_rate - operation_rate - sweep_floor - list_rate, 0.1 * budget_rate)
    interval = max(requested_interval, 0.2)
    if core_cost > 0 and core_cost * 60.0 / interval > core_budget:
        interval = core_cost * 60.0 / core_budget
    core_rate = core_cost * 60.0 / interval + list_rate
    # the window never lets the last request of the minute go, and the round leaves SWEEP_HEADROOM free: a round
    # planned on the whole budget would promise more than it gets (planned 44 s, measured 49 s)
    unspendable = 1.0 + sweep_headroom(budget_rate)
    sweep_rate = max(budget_rate - unspendable - operation_rate - core_rate, sweep_floor)
    if sweep_count <= 0 or sweep_rate <= 0:
        return Plan(interval, operation_period, math.inf, math.inf)
    fastest_round = max(MIN_SWEEP_ROUND_INTERVALS * interval, sweep_count * MIN_SWEEP_SPACING)
    sweep_round = max(cost * 60.0 / sweep_rate, fastest_round)
    # the bound: what is left when operations spend their whole share, not what they cost lately (they come in
    # bursts), and never less than BOUND_FLOOR_SHARE, which a late visit gets ahead of them
    worst_rate = max(budget_rate - unspendable - operation_cap - core_rate, BOUND_FLOOR_SHARE * budget_rate)
    sweep_bound = max(sweep_round, cost * 60.0 / worst_rate)
    return Plan(
        interval,
        operation_period,
        sweep_spacing=sweep_round / sweep_count,
        sweep_round=sweep_round,
        sweep_rate=sweep_rate,
        fastest_spacing=fastest_round / sweep_count,
        sweep_bound=sweep_bound,
    )


class RecentCount:
    """How many times a minute something happened: in the last 60 s, or on average over the last RATE_MEMORY
    seconds when that was more (operations are found in bursts: a round planned on a quiet minute just after one
    would promise what the next burst takes back)."""

    def __init__(self, clock=time.monotonic) -> None:
        self._clock = clock
        self._times: deque[float] = deque()

    def record(self) -> None:
        self._times.append(self._clock())

    def rate(self) -> float:
        now = self._clock()
        while self._times and self._times[0] <= now - RATE_MEMORY:
            self._times.popleft()
        last_minute = sum(1 for at in reversed(self._times) if at > now - 60.0)
        return max(float(last_minute), len(self._times) * 60.0 / RATE_MEMORY)


class RequestWindow:
    """Requests sent in the last 60 s (each attempt and each page counts), plus a pacing bucket.

    The bucket refills at the budget rate and holds a few requests, so a refresh of several pages can go out
    together while the minute as a whole stays inside the budget.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._sent: deque[float] = deque()
        self._tokens = 0.0
        self._capacity = 1.0
        self._rate_per_second = 0.0
        self._refilled_at = clock()
        self._born = clock()
        self.total = 0

    def configure(self, budget_rate: float) -> None:
        self._refill()
        self._rate_per_second = budget_rate / 60.0
        # a burst of up to ~10 s of budget (at least 3 requests) keeps a refresh together
        self._capacity = max(3.0, min(budget_rate / 6.0, budget_rate))
        self._tokens = min(self._tokens, self._capacity)

    def start_full(self) -> None:
        self._tokens = self._capacity

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self._capacity, self._tokens + (now - self._refilled_at) * self._rate_per_second)
        self._refilled_at = now

    def record(self) -> None:
        self._refill()
        self._tokens -= 1.0
        self._sent.append(self._clock())
        self.total += 1

    def used_last_minute(self) -> int:
        cutoff = self._clock() - 60.0
        while self._sent and self._sent[0] <= cutoff:
            self._sent.popleft()
        return len(self._sent)

    def can_spend(
        self, cost: float, reserved: float, budget_rate: float, headroom: float = 0.0, ahead_rate: float = 0.0
    ) -> bool:
        """Whether a job of `cost` requests may start now, with `reserved` requests already in flight, and still
        leave `headroom` requests free in the bucket and in the minute (the round leaves them to the jobs above it:
        sweep_headroom; `ahead_rate` is what those jobs are planned to spend a minute)."""
        self._refill()
        # one request of headroom: the server counts a request when it answers, we when the answer arrives
        cap = max(1.0, budget_rate - 1.0)
        cost = min(cost, cap)  # a list of more pages than a minute allows still goes, once the minute is free
        if self.used_last_minute() + self._before_start(ahead_rate, headroom) + reserved + cost + headroom > cap:
            return False
        return self._tokens - reserved >= min(min(cost, self._capacity) + headroom, self._capacity)

    def _before_start(self, ahead_rate: float, headroom: float) -> float:
        """For the round (a job that leaves headroom), in the first minute: what the jobs above it will still need
        before the minute is over (`ahead_rate` a minute, for the part of it still to come). Otherwise the round,
        free to spend what is left, would fill the whole minute's cap in its first 50 seconds and the jobs above it
        would wait for the minute to end."""
        if headroom <= 0:
            return 0.0
        return max(0.0, ahead_rate) * max(0.0, 60.0 - (self._clock() - self._born)) / 60.0

    def seconds_until_page_room(self, budget_rate: float, in_flight: int) -> float:
        """Seconds before one more page of a listing may go (0: now) so that the minute's requests, sent and
        possibly in flight, stay under the budget: a list's pages are paced however many the server claims."""
        cap = max(1.0, budget_rate - 1.0)
        over = self.used_last_minute() + in_flight + 1 - cap
        if over <= 0:
            return 0.0
        if not self._sent:
            return 1.0
        index = min(len(self._sent) - 1, max(0, math.ceil(over) - 1))
        return max(0.05, self._sent[index] + 60.0 - self._clock())

    def seconds_until_spendable(
        self, cost: float, reserved: float, budget_rate: float, headroom: float = 0.0, ahead_rate: float = 0.0
    ) -> float:
        """A lower bound on the wait before `can_spend` may turn true (to sleep that long, not to busy-wait)."""
        self._refill()
        waits = [0.05]
        need = min(min(cost, self._capacity) + headroom, self._capacity) + reserved - self._tokens
        if need > 0 and self._rate_per_second > 0:
            waits.append(need / self._rate_per_second)
        cap = max(1.0, budget_rate - 1.0)
        before = self._before_start(ahead_rate, headroom)
        over = self.used_last_minute() + before + reserved + min(cost, cap) + headroom - cap
        if over > 0 and self._sent:
            index = min(len(self._sent) - 1, max(0, math.ceil(over) - 1))
            waits.append(self._sent[index] + 60.0 - self._clock())
        return max(waits)
