"""What the monitor requests next: the budget's shares, the plan, the round's pace and the order of the jobs.

The engine (engine.py) runs what this picks and publishes the results; this module never makes a request. It
holds the settings that shape the plan (budget, interval, focused project, pause) and the request window that
counts what was spent.
"""

from __future__ import annotations

import asyncio
import math
from typing import TYPE_CHECKING

from cftui.monitor import budget as budget_maths
from cftui.monitor.clock import Clock
from cftui.monitor.connection import ConnectionTracker
from cftui.monitor.diff import ChangeTracker
from cftui.monitor.job_keys import PROJECTS, ConfirmJob, JobKey, OperationJob, ProjectsJob, ResourcesJob, SweepJob
from cftui.monitor.jobs import Jobs
from cftui.monitor.operations import OperationRegistry, WatchedOperation
from cftui.monitor.scheduler import IDLE_WAIT, JobQueue
from cftui.monitor.state import ConnectionStatus

if TYPE_CHECKING:
    from cftui.api.client import CloudForgeClient
    from cftui.monitor.push import PushFeed

MAX_IN_FLIGHT = 3  # jobs running at once while the connection is healthy


class Planner:
    """Decides which job is due and affordable next, and when each job comes round again."""

    def __init__(
        self,
        client: CloudForgeClient,
        jobs: Jobs,
        tracker: ChangeTracker,
        operations: OperationRegistry,
        push: PushFeed | None,
        clock: Clock,
        *,
        budget: float,
        interval: float,
        operations_only: bool,
    ) -> None:
        self._client = client
        self._jobs = jobs
        self._tracker = tracker
        self._operations = operations
        self._push = push
        self._clock = clock
        self.budget = max(0.01, min(1.0, budget))
        self.requested_interval = max(0.2, interval)
        self.operations_only = operations_only
        self.focused: str | None = None
        self.paused = False
        self.window = budget_maths.RequestWindow(clock.monotonic)
        self.window.configure(self.budget_rate())
        self.window.start_full()
        self.operation_polls = budget_maths.RecentCount(clock.monotonic)  # operation polls, last minute: the plan
        self.plan = budget_maths.plan(
            budget_rate=self.budget_rate(),
            requested_interval=self.requested_interval,
            core_cost=2,
            operation_periods=[],
            sweep_count=0,
        )
        self.queue = JobQueue(clock.monotonic)
        self._next_background_poll = -math.inf  # background operations' polls are paced (`_operation_keys`)
        self.late_sweep: SweepJob | None = None  # the round's next visit, when it is late by its promise
        self.urgent: set[OperationJob] = set()  # operation jobs to start at once, outside the budget (`look_now`)

    # --- what to start -----------------------------------------------------------------------------------------

    def gate(self, connection: ConnectionTracker) -> tuple[int, float]:
        """How many jobs may run at once now (after failures, one request finds out if it is over), or (0, seconds
        to wait) while the connection holds every request back."""
        now = self._clock.now()
        hold = connection.hold_until(now)
        if hold is not None:
            return 0, max(0.05, (hold - now).total_seconds())
        probing = connection.state.status in (
            ConnectionStatus.AUTH_FAILED,
            ConnectionStatus.OFFLINE,
            ConnectionStatus.DEGRADED,
        )
        return (1 if probing else MAX_IN_FLIGHT), 0.0

    def next_job(self, running_limit: int) -> tuple[JobKey | None, float]:
        """The job to start now and its cost in requests, or (None, seconds to wait before looking again)."""
        rate = self.budget_rate()
        if self.queue.running >= running_limit:
            return None, IDLE_WAIT
        key, due_in = self.queue.next_due(self.candidates())
        if key is None:
            return None, due_in
        cost = float(self._jobs.cost_of(key))
        reserved = self.queue.reserved
        # the round spends what is left, but leaves room for the jobs above it (see budget.SWEEP_HEADROOM)
        # (none for a visit that is late by its promise: it goes as soon as the minute has room)
        early = isinstance(key, SweepJob) and key != self.late_sweep
        headroom = budget_maths.sweep_headroom(rate) if early else 0.0
        ahead = max(0.0, rate - self.plan.sweep_rate)  # what the jobs above the round are planned to spend
        if key in self.urgent:
            self.urgent.discard(key)
        elif not self.window.can_spend(cost, reserved, rate, headroom, ahead):
            return None, self.window.seconds_until_spendable(cost, reserved, rate, headroom, ahead)
        self.started(key, cost)
        return key, 0.0

    def started(self, key: JobKey, cost: float) -> None:
        self.queue.start(key, cost)
        if isinstance(key, OperationJob):
            watched = self._operations.watched.get(key.operation_id)
            if watched is not None and self._is_background(watched):
                self._next_background_poll = self._clock.monotonic() + self._background_spacing()
        if self._push is not None and isinstance(key, ConfirmJob):
            self._push.confirmation_started(self.budget_rate())

    def candidates(self) -> list[JobKey]:
        """Job keys in priority order. Confirmations of pushes go before polling while push is healthy; when it is
        not (silent, contradicted), polling is the safety net again and they go after the sweep, so that a backlog
        of them never delays the sweep's return to full speed. The sweep's due time is computed at the current
        pace on every look: when push goes silent, a sweep that the slow pace held back is due at once."""
        operations = self._operation_keys()
        keys: list[JobKey] = list(operations)
        confirmations = self._push.confirm_keys(self.budget_rate()) if self._push is not None else []
        relaxed = self._push is not None and self._push.healthy()
        quiet = self.paused or self.operations_only
        if relaxed or quiet:
            keys.extend(confirmations)
        self.late_sweep = None
        if quiet:
            return keys
        sweep = self._jobs.next_sweep_project(exclude=self._tracker.tracked)
        if sweep is not None:
            self.queue.due_at(SweepJob(sweep), self._jobs.last_sweep_start + self._sweep_spacing())
            if self._round_is_late(sweep):
                self.late_sweep = SweepJob(sweep)
        background = [k for k in operations if self.late_sweep is not None and self._in_background(k)]
        if background:
            behind = set(background)
            keys = [k for k in keys if k not in behind]
        if self.focused:
            keys.append(ResourcesJob(self.focused))
        keys.append(PROJECTS)
        if self.late_sweep is not None:
            # the round is behind its promise: its visit goes before the background operations' polls and the
            # checks, without headroom, so that no project waits much longer than the round it was promised
            keys.append(self.late_sweep)
            keys.extend(background)
        keys.extend(self._jobs.check_keys())
        if sweep is not None and self.late_sweep is None:
            keys.append(SweepJob(sweep))
        if not relaxed:
            keys.extend(confirmations)
        return keys

    def round_bound(self) -> float:
        """The longest a project waits for its next visit, as planned now (budget.Plan.sweep_bound; longer while
        pushes arrive and confirm): what the status line and the problems view show, and what each visit promises
        its project (inf: no round)."""
        factor = self._push.sweep_factor() if self._push is not None else 1.0
        return self.plan.sweep_bound * factor

    def _round_is_late(self, project_id: str) -> bool:
        """Whether the round's next project is due for its visit by its promise (budget.round_is_late)."""
        count = self._jobs.sweep_count(exclude=self._tracker.tracked)
        due_by = self._jobs.visit_due_by(project_id)
        return budget_maths.round_is_late(self._clock.monotonic(), due_by, self.round_bound(), count)

    def _in_background(self, key: JobKey) -> bool:
        watched = self._operations.watched.get(key.operation_id) if isinstance(key, OperationJob) else None
        return watched is not None and self._is_background(watched)

    def _is_background(self, watched: WatchedOperation) -> bool:
        """An operation nobody asked for, outside the focused project (found on a swept resource or pushed), after
        its first poll: the poll that reports an operation the round has just found goes at once, before a late
        visit and unpaced (a few a minute: before, it waited behind the round, up to 36 s after the visit that
        found it). With a webhook receiver, operations are paced from the first poll on (pushes may tell of many
        at once, and their ends are pushed)."""
        if watched.from_user or watched.project_id == self.focused:
            return False
        first_poll = watched.last is None and self._push is None
        return not first_poll

    def _operation_keys(self) -> list[OperationJob]:
        """Watched operations' jobs. Those in the background wait their turn: their polls are paced one at a time
        at the operations' share of the budget, divided like the sweep's pace while push is healthy (their ends are
        pushed). So however many operations pushes tell of, following them never comes in a burst that takes the
        budget of the focused project, the project list or the sweep (above all when push has just gone silent)."""
        room = self._clock.monotonic() >= self._next_background_poll
        return [OperationJob(w.operation_id) for w in self._operations.active() if room or not self._is_background(w)]

    def _background_spacing(self) -> float:
        factor = self._push.sweep_factor() if self._push is not None else 1.0
        share_of = 1.0 if self.operations_only else budget_maths.OPERATION_SHARE
        return 60.0 * factor / max(1.0, share_of * self.budget_rate())

    async def pace_page(self) -> None:
        """Before each page of a listing after the first: wait while the minute's budget has no room for it (the
        pages other requests may have in flight counted as sent), so a list whose `meta` claims thousands of pages
        is read at the budget's pace, never in a burst."""
        in_flight = max(0, self._client.max_concurrency - 1)
        while True:
            wait = self.window.seconds_until_page_room(self.budget_rate(), in_flight)
            if wait <= 0:
                return
            await asyncio.sleep(min(wait, 5.0))  # the budget changes only as the minute moves on: no event to await

    # --- when jobs come round again ----------------------------------------------------------------------------

    def reschedule(self, key: JobKey) -> None:
        match key:
            case OperationJob(operation_id):
                watched = self._operations.watched.get(operation_id)
                if watched is not None and not watched.finished:
                    self.queue.due_in(key, max(self._operation_wish(watched), self.plan.operation_period))
                    if key in self.urgent:  # asked for while this poll was under way: look again at once
                        self.queue.due_now(key)
                else:
                    self.urgent.discard(key)
                    self.queue.forget(key)
            case ProjectsJob():
                self.queue.due_in(key, self._list_period())
            case ResourcesJob():
                self.queue.due_in(key, self.plan.effective_interval)
            case _:
                self.queue.forget(key)

    def bring_forward(self, seconds: float) -> None:
        self.queue.due_within(PROJECTS, seconds)
        if self.focused:
            self.queue.due_within(ResourcesJob(self.focused), seconds)

    # --- budget and plan ---------------------------------------------------------------------------------------

    def budget_rate(self) -> float:
        info = self._client.rate_limit
        return budget_maths.budget_per_minute(info.limit, self.budget, info.remaining)

    def _operation_wish(self, watched: WatchedOperation) -> float:
        """An operation found outside the focused project is polled calmly; more calmly while pushes arrive and
        confirm (its end will be pushed), like the sweep (push.sweep_factor)."""
        wish = watched.wish(self.focused)
        background = not watched.from_user and watched.project_id != self.focused
        if background and math.isfinite(self.plan.sweep_round):
            # at most once a round: each visit of its project that finds its resource without it polls it at once,
            # so a poll in between would only tell progress nobody is looking at, with a request the round needs
            wish = max(wish, self.plan.sweep_round)
        if self._push is not None and background:
            wish *= self._push.sweep_factor()
        return wish

    def _sweep_spacing(self) -> float:
        """Seconds between two visits of the round. Polling alone: only the fastest spacing the plan allows, so the
        round takes whatever the budget leaves once the jobs above it are served (the window and
        SWEEP_HEADROOM pace it; a planned spacing would leave requests unspent whenever operations or the focused
        project take less than planned). While pushes arrive and confirm: the planned spacing, slower by
        push.sweep_factor."""
        factor = self._push.sweep_factor() if self._push is not None else 1.0
        if factor > 1.0:
            return self.plan.sweep_spacing * factor
        return self.plan.fastest_spacing

    def _list_period(self) -> float:
        """The project list: every interval, or once a round while there are others (budget.project_list_period)."""
        pages = self._jobs.cost_of(PROJECTS)
        return budget_maths.project_list_period(self.plan.effective_interval, self.plan.sweep_round, pages)

    def full_sweep_per_minute(self) -> float:
        spacing = self.plan.sweep_spacing
        return 60.0 / spacing if 0 < spacing < float("inf") else 0.0

    def replan(self) -> None:
        rate = self.budget_rate()
        quiet = self.paused or self.operations_only  # operations alone are polled
        self.window.configure(rate)
        core = self._jobs.cost_of(ResourcesJob(self.focused)) if self.focused else 0
        list_period = self._list_period()
        tracked = self._tracker.tracked
        sweep_count = self._jobs.sweep_count(exclude=tracked)
        self.plan = budget_maths.plan(
            budget_rate=rate,
            requested_interval=self.requested_interval,
            core_cost=0 if quiet else core,
            list_cost=0 if quiet else self._jobs.cost_of(PROJECTS),
            list_period=list_period,
            operation_periods=[self._operation_wish(w) for w in self._operations.active()],
            sweep_count=0 if quiet else sweep_count,
            sweep_cost=0.0 if quiet else self._jobs.sweep_cost(exclude=tracked),
            operation_share=1.0 if self.operations_only else budget_maths.OPERATION_SHARE,
            operation_rate_seen=self.operation_polls.rate(),
        )
        # what a round at its target pace can spend beyond one request per project pays for full lists of big ones
        target_requests = self.plan.sweep_rate * budget_maths.SWEEP_TARGET_SECONDS / 60.0
        self._jobs.spare_per_round = max(0.0, target_requests - sweep_count)
        self._jobs.round_bound = self.round_bound()
