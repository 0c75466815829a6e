"""The live monitor: polls the API under a request budget and tells its listeners what changed.

One loop picks the next job by priority (watched operations, the focused project's resources, the project list,
checks of resources that left `error`, then the problem sweep of the other projects), starts it when the budget
allows, and publishes a new `Snapshot` with the events each result caused. With `operations_only` (`cftui
watch`) it polls the watched operations and nothing else. API trouble never escapes `run()`:
it becomes the connection state, and the loop waits and tries again by itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from cftui.api.client_events import ClientEvent, RequestFinished
from cftui.api.errors import ApiError, NotFound, ValidationFailed
from cftui.monitor import budget as budget_maths
from cftui.monitor.clock import SYSTEM_CLOCK, Clock
from cftui.monitor.connection import ConnectionTracker
from cftui.monitor.diff import ChangeTracker
from cftui.monitor.events import ChangeEvent
from cftui.monitor.history import History
from cftui.monitor.history_feed import HistoryFeed
from cftui.monitor.job_keys import (
    PROJECTS,
    ConfirmJob,
    JobKey,
    OperationJob,
    ProjectsJob,
    ResourcesJob,
    SweepJob,
)
from cftui.monitor.jobs import JobResult, Jobs
from cftui.monitor.operations import OperationRegistry, WatchedOperation
from cftui.monitor.scheduler import IDLE_WAIT, JobQueue
from cftui.monitor.state import (
    Change,
    Changed,
    ConnectionStatus,
    CostSample,
    MonitorUpdate,
    OrgView,
    RateBudget,
    Snapshot,
)
from cftui.monitor.store import DataStore

if TYPE_CHECKING:
    from cftui.api.client import CloudForgeClient
    from cftui.monitor.push import PushFeed
    from cftui.monitor.push_events import PushedChange

log = logging.getLogger(__name__)
Listener = Callable[[MonitorUpdate], None]

MAX_IN_FLIGHT = 3
MAX_RECENT_EVENTS = 500


def _has_news(view: OrgView) -> bool:
    """Whether an org view says anything (the first empty one is not worth an "org" change)."""
    return bool(view.resources or view.project_seen_at or view.operation_subjects) or view.round_seconds is not None


class Monitor:
    """The engine shared by the dashboard and the headless commands. Never imports textual."""

    def __init__(
        self,
        client: CloudForgeClient,
        *,
        interval: float = 5.0,
        budget: float = 0.5,
        history: History | None = None,
        cost_thresholds: dict[str, Decimal] | None = None,
        watch_operations: Iterable[str] = (),
        auth_retry_seconds: float = 60.0,
        max_backoff: float = 60.0,
        owns_client: bool = False,
        push: PushFeed | None = None,
        operations_only: bool = False,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self._clock = clock  # the one clock: everything below is given it (tests run it in simulated time)
        self._client = client
        # `cftui watch`: poll the watched operations and nothing else (no project list, resources or sweep); their
        # events reach the listeners, and the history keeps only what the front end `record()`s
        self._operations_only = operations_only
        self._owns_client = owns_client
        self._budget = max(0.01, min(1.0, budget))
        self._requested_interval = max(0.2, interval)
        self._listeners: list[Listener] = []
        self._tracker = ChangeTracker(cost_thresholds)
        self._connection = ConnectionTracker(
            auth_retry_seconds=auth_retry_seconds, max_backoff=max_backoff, clock=clock
        )
        self._window = budget_maths.RequestWindow(clock.monotonic)
        self._window.configure(self._budget_rate())
        self._window.start_full()
        self._operations = OperationRegistry()
        self._operation_polls = budget_maths.RecentCount(clock.monotonic)  # operation polls, last minute: the plan
        for operation_id in watch_operations:
            self._operations.watch(operation_id, from_user=True)
        self._store = DataStore()
        self._jobs = Jobs(client, self._tracker, self._store, self._operations, clock)
        self._feed = HistoryFeed(history, self._on_history_news, recent_limit=MAX_RECENT_EVENTS)
        self._history_loaded = False
        self._focused: str | None = None
        self._paused = False
        self._plan = budget_maths.plan(
            budget_rate=self._budget_rate(),
            requested_interval=self._requested_interval,
            core_cost=2,
            operation_periods=[],
            sweep_count=0,
        )
        self._queue = JobQueue(clock.monotonic)
        self._next_background_poll = -math.inf  # background operations' polls are paced (`_operation_keys`)
        self._urgent: set[OperationJob] = set()  # operation jobs to start at once, outside the budget (`look_now`)
        self._wake = asyncio.Event()
        self._stopping = False
        self._done = asyncio.Event()
        self._done.set()
        self._tasks: set[asyncio.Task[bool]] = set()
        self._snapshot = Snapshot(requested_interval=self._requested_interval)
        self._unsubscribe = client.add_listener(self._on_client_event)
        client.set_page_pacer(self._pace_page)
        self._push = push  # the webhook receiver (cftui.monitor.push): its logic lives there
        if push is not None:
            push.connect(client, self.ingest_push, lambda: self._publish((), changed={Changed.PUSH}))

    # --- the public interface --------------------------------------------------------------------------------

    @property
    def snapshot(self) -> Snapshot:
        return self._snapshot

    @property
    def client(self) -> CloudForgeClient:
        return self._client

    def add_listener(self, callback: Listener) -> Callable[[], None]:
        """Call `callback(update)` on the event loop after every change of the snapshot; returns an unsubscriber."""
        self._listeners.append(callback)
        return lambda: self._listeners.remove(callback) if callback in self._listeners else None

    def focus_project(self, project_id: str | None) -> None:
        """Follow this project resource by resource (None: only the project list and the sweep)."""
        if project_id == self._focused:
            return
        if self._focused:
            self._queue.forget(ResourcesJob(self._focused))
        self._focused = project_id
        self._store.pinned = {project_id} if project_id else set()
        self._tracker.set_tracked({project_id} if project_id else set())
        if project_id:
            self._queue.due_now(ResourcesJob(project_id))
        self._publish((), changed={Changed.FOCUS})
        self._wake.set()

    def watch_operation(self, operation_id: str) -> None:
        if self._operations.watch(operation_id, from_user=True):
            self._store.forget_operation_error(operation_id)
        self._queue.due_now(OperationJob(operation_id))
        self._wake.set()

    def look_now(self, operation_id: str) -> None:
        """Poll this watched operation at once, even beyond the budget: something that happened (a verified push
        about it) says it changed, and the look is what confirms it. Asked while a poll of it is under way, it looks
        again right after."""
        watched = self._operations.watched.get(operation_id)
        if watched is not None and not watched.finished:
            self._urgent.add(OperationJob(operation_id))
            self._queue.due_now(OperationJob(operation_id))
            self._wake.set()

    def operation_refusal(self, operation_id: str) -> NotFound | ValidationFailed | None:
        """The API's answer that ended the watch of this operation (a 404, or an id refused as invalid), for a
        front end that words it its own way; None while it is watched."""
        return self._store.operation_refusals.get(operation_id)

    async def record(self, events: Iterable[ChangeEvent], *, unless_held: Iterable[str]) -> None:
        """Write events a front end made of what it saw into the history (`cftui watch`: each operation's end),
        skipping those whose subject already has an event of a kind in `unless_held` there."""
        await self._feed.add_unless_held(events, unless_held)

    def refresh_now(self) -> None:
        """Put the focused project and the project list next in line (also retries a refused key at once)."""
        self._connection.retry_now()
        self._client.forget_rate_limit()  # and a rate limit's wait: `r` tries at once
        self._queue.due_now(PROJECTS)
        if self._focused:
            self._queue.due_now(ResourcesJob(self._focused))
        self._wake.set()

    def set_paused(self, paused: bool) -> None:
        """Pause polling of projects and resources. Watched operations keep being followed to their end."""
        if paused != self._paused:
            self._paused = paused
            if not paused:
                self._bring_forward(0.0)  # back from a pause: look at once
            self._publish((), changed={Changed.PAUSED})
            self._wake.set()

    def set_interval(self, seconds: float) -> None:
        self._requested_interval = max(0.2, float(seconds))
        self._replan()
        self._bring_forward(self._plan.effective_interval)  # a shorter interval applies now, not after the old one
        self._publish((), changed={Changed.INTERVAL})
        self._wake.set()

    def _bring_forward(self, seconds: float) -> None:
        self._queue.due_within(PROJECTS, seconds)
        if self._focused:
            self._queue.due_within(ResourcesJob(self._focused), seconds)

    async def run(self) -> None:
        """Poll until `stop()` or cancellation. API trouble shows in `snapshot.connection`, never as an exception."""
        self._stopping = False
        self._done.clear()
        self._jobs.announce_found_operations = True
        try:
            if self._push is not None:
                await self._push.start()
                self._publish((), changed={Changed.PUSH})
            await self._load_history()
            await self._loop()
        finally:
            if self._push is not None:
                try:
                    await asyncio.shield(self._push.stop())
                except Exception:  # closing must go on; the reason is kept in the log
                    log.warning("the webhook receiver did not stop cleanly", exc_info=True)
            for task in list(self._tasks):
                task.cancel()
            if self._tasks:
                await asyncio.gather(*self._tasks, return_exceptions=True)
            try:
                await asyncio.shield(self._feed.flush())
            except Exception:  # stopping must finish; the lost samples are said, not hidden
                log.warning("the last history flush failed", exc_info=True)
            self._done.set()

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        await self._done.wait()

    async def aclose(self) -> None:
        """Stop, and close the history (and the client, when this monitor made it)."""
        await self.stop()
        self._unsubscribe()
        self._client.set_page_pacer(None)
        await self._feed.aclose()
        if self._owns_client:
            await self._client.aclose()

    async def __aenter__(self) -> Monitor:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def poll_once(
        self, project_ids: Iterable[str] = (), *, others: bool = True, project_list: bool = True
    ) -> Snapshot:
        """One full pass for `cftui status`: projects, the named projects' resources, a visit of each other project
        (unless `others` is False) and the watched operations. As fast as the client's rate-limit handling
        allows. `project_list=False` reuses the project list read by an earlier pass (one request fewer)."""
        await self._load_history()
        if not self._tasks and self._done.is_set():  # not running live: what this pass finds is a baseline
            self._jobs.announce_found_operations = False
        named = list(dict.fromkeys(project_ids))
        self._tracker.set_tracked(set(named) | ({self._focused} if self._focused else set()))
        self._store.pinned = set(named) | ({self._focused} if self._focused else set())
        if (project_list or self._store.projects is None) and not await self._run_job(PROJECTS):
            await self._feed.flush()
            return self._snapshot
        keys: list[JobKey] = [ResourcesJob(pid) for pid in named]
        if others:
            keys += [SweepJob(pid) for pid in self._store.project_ids() if pid not in named]
        await asyncio.gather(*(self._run_job(key) for key in keys))
        await asyncio.gather(*(self._run_job(key) for key in self._jobs.check_keys()))
        operation_keys = [OperationJob(w.operation_id) for w in self._operations.active()]
        await asyncio.gather(*(self._run_job(key) for key in operation_keys))
        await self._feed.flush()
        return self._snapshot

    def ingest_push(self, changes: list[PushedChange]) -> None:
        """Verified webhook deliveries: shown at once (marked pushed), confirmed later by a targeted GET inside
        the budget; an operation first learnt from a push is followed like any other."""
        if self._push is None:
            return
        events, follow = self._push.admit(changes, self._tracker.tracked)
        for operation_id, project_id, resource_id in follow:
            # Followed like one found on a fetched resource, in any project: looked at once, then at the pace of
            # its project (close in the focused one, calm elsewhere), all within the operations' share of the
            # budget. Its end, when pushed, is folded in from the push's confirmation GET (no extra request).
            self._jobs.follow_operation(operation_id, project_id, resource_id)
        for operation_id in self._jobs.take_discovered_operations():
            self._queue.due_now(OperationJob(operation_id))  # within the background pace (`_operation_keys`)
        for key in self._push.new_confirmations():
            self._queue.due_in(key, self._push.confirm_delay_s)
        self._publish(events, changed={Changed.PUSH})
        self._wake.set()

    async def resource_cost_history(self, resource_id: str) -> list[CostSample]:
        return await self._feed.resource_costs(resource_id, self._store.resource_costs.get(resource_id, ()))

    async def recent_events(self, limit: int = 200, since: datetime | None = None) -> list[ChangeEvent]:
        """The latest events, oldest first: from the history when kept, else from this run's memory."""
        return await self._feed.recent_events(limit, since)

    async def _pace_page(self) -> None:
        """Before each page of a listing after the first: wait while the minute's budget has no room for it (the
        pages other requests may have in flight counted as sent), so a list whose `meta` claims thousands of pages
        is read at the budget's pace, never in a burst."""
        in_flight = max(0, self._client.max_concurrency - 1)
        while True:
            wait = self._window.seconds_until_page_room(self._budget_rate(), in_flight)
            if wait <= 0:
                return
            await asyncio.sleep(min(wait, 5.0))  # the budget changes only as the minute moves on: no event to await

    # --- the loop --------------------------------------------------------------------------------------------

    async def _loop(self) -> None:
        while not self._stopping:
            self._replan()
            if self._push is not None and self._push.tick():
                self._publish((), changed={Changed.PUSH})
            wait = self._start_due_jobs()
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=max(0.02, min(wait, IDLE_WAIT)))

    def _start_due_jobs(self) -> float:
        """Start what is due and affordable; return how long to sleep before looking again."""
        now = self._clock.now()
        hold = self._connection.hold_until(now)
        if hold is not None:
            return max(0.05, (hold - now).total_seconds())
        probing = self._connection.state.status in (
            ConnectionStatus.AUTH_FAILED,
            ConnectionStatus.OFFLINE,
            ConnectionStatus.DEGRADED,
        )
        limit = 1 if probing else MAX_IN_FLIGHT  # after failures, one request finds out if it is over
        rate = self._budget_rate()
        while self._queue.running < limit:
            key, due_in = self._queue.next_due(self._candidates())
            if key is None:
                return due_in
            cost = float(self._jobs.cost_of(key))
            reserved = self._queue.reserved
            # the round spends what is left, but leaves room for the jobs above it (see budget.SWEEP_HEADROOM)
            headroom = budget_maths.sweep_headroom(rate) if isinstance(key, SweepJob) else 0.0
            ahead = max(0.0, rate - self._plan.sweep_rate)  # what the jobs above the round are planned to spend
            if key in self._urgent:
                self._urgent.discard(key)
            elif not self._window.can_spend(cost, reserved, rate, headroom, ahead):
                return self._window.seconds_until_spendable(cost, reserved, rate, headroom, ahead)
            self._start(key, cost)
        return IDLE_WAIT

    def _candidates(self) -> list[JobKey]:
        """Job keys in priority order. Confirmations of pushes go before polling while push is healthy; when it is
        not (silent, contradicted), polling is the safety net again and they go after the sweep, so that a backlog
        of them never delays the sweep's return to full speed. The sweep's due time is computed at the current
        pace on every look: when push goes silent, a sweep that the slow pace held back is due at once."""
        keys: list[JobKey] = list(self._operation_keys())
        confirmations = self._push.confirm_keys(self._budget_rate()) if self._push is not None else []
        relaxed = self._push is not None and self._push.healthy()
        quiet = self._paused or self._operations_only
        if relaxed or quiet:
            keys.extend(confirmations)
        if quiet:
            return keys
        if self._focused:
            keys.append(ResourcesJob(self._focused))
        keys.append(PROJECTS)
        keys.extend(self._jobs.check_keys())
        sweep = self._jobs.next_sweep_project(exclude=self._tracker.tracked)
        if sweep is not None:
            keys.append(SweepJob(sweep))
            self._queue.due_at(SweepJob(sweep), self._jobs.last_sweep_start + self._sweep_spacing())
        if not relaxed:
            keys.extend(confirmations)
        return keys

    def _is_background(self, watched: WatchedOperation) -> bool:
        """An operation nobody asked for, outside the focused project (found on a swept resource or pushed)."""
        return not watched.from_user and watched.project_id != self._focused

    def _operation_keys(self) -> list[OperationJob]:
        """Watched operations' jobs. Those in the background wait their turn: their polls are paced one at a time
        at the operations' share of the budget, divided like the sweep's pace while push is healthy (their ends are
        pushed). So however many operations pushes tell of, following them never comes in a burst that takes the
        budget of the focused project, the project list or the sweep (above all when push has just gone silent)."""
        room = self._clock.monotonic() >= self._next_background_poll
        return [OperationJob(w.operation_id) for w in self._operations.active() if room or not self._is_background(w)]

    def _background_spacing(self) -> float:
        factor = self._push.sweep_factor() if self._push is not None else 1.0
        share_of = 1.0 if self._operations_only else budget_maths.OPERATION_SHARE
        return 60.0 * factor / max(1.0, share_of * self._budget_rate())

    def _start(self, key: JobKey, cost: float) -> None:
        self._queue.start(key, cost)
        if isinstance(key, OperationJob):
            watched = self._operations.watched.get(key.operation_id)
            if watched is not None and self._is_background(watched):
                self._next_background_poll = self._clock.monotonic() + self._background_spacing()
        if self._push is not None and isinstance(key, ConfirmJob):
            self._push.confirmation_started(self._budget_rate())
        task = asyncio.create_task(self._run_job(key), name=f"cftui-monitor {key}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _reschedule(self, key: JobKey) -> None:
        match key:
            case OperationJob(operation_id):
                watched = self._operations.watched.get(operation_id)
                if watched is not None and not watched.finished:
                    self._queue.due_in(key, max(self._operation_wish(watched), self._plan.operation_period))
                    if key in self._urgent:  # asked for while this poll was under way: look again at once
                        self._queue.due_now(key)
                else:
                    self._urgent.discard(key)
                    self._queue.forget(key)
            case ProjectsJob():
                self._queue.due_in(key, self._list_period())
            case ResourcesJob():
                self._queue.due_in(key, self._plan.effective_interval)
            case _:
                self._queue.forget(key)

    async def _run_job(self, key: JobKey) -> bool:
        """Run one job, fold its result in, publish. True when it succeeded."""
        self._queue.start(key, float(self._jobs.cost_of(key)))
        ok = False
        try:
            try:
                result = await self._run_key(key)
            except (NotFound, ValidationFailed) as error:
                result = self._jobs.not_found(key, error)  # re-raises when it means an outage
            ok = True
        except ApiError as error:
            result = JobResult()
            if self._connection.on_failure(error):
                result.changed.add(Changed.CONNECTION)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # a bug must not end monitoring: say so and go on
            log.exception("monitor job %s failed", key)
            self._store.note(f"Internal error while refreshing {key}: {error!r}")
            result = JobResult(changed={Changed.NOTES})
        finally:
            if isinstance(key, OperationJob):
                self._operation_polls.record()
            self._queue.finish(key)
            self._reschedule(key)
            self._wake.set()
        if ok:
            self._connection.on_success()
        for operation_id in self._jobs.take_discovered_operations():
            self._queue.due_now(OperationJob(operation_id))
        self._jobs.trim_finished_operations()
        self._feed.add(result.samples, ())
        if result.events or result.changed or result.new_log_lines:
            self._publish(result.events, result.changed, result.new_log_lines)  # a quiet sweep repaints nothing
        return ok

    async def _run_key(self, key: JobKey) -> JobResult:
        if self._push is not None and isinstance(key, ConfirmJob):
            result = JobResult(events=await self._push.confirm(key), changed={Changed.PUSH})
            for operation in self._push.take_fetched_operations():
                # the confirmation read a followed operation: that is its poll (an end pushed is recorded now)
                folded = self._jobs.fold_operation(operation)
                result.events.extend(folded.events)
                result.changed |= folded.changed
                result.new_log_lines.update(folded.new_log_lines)
            return result
        return await self._jobs.run(key)

    # --- budget and plan -------------------------------------------------------------------------------------

    def _budget_rate(self) -> float:
        info = self._client.rate_limit
        return budget_maths.budget_per_minute(info.limit, self._budget, info.remaining)

    def _operation_wish(self, watched: WatchedOperation) -> float:
        """An operation found outside the focused project is polled calmly; more calmly while pushes arrive and
        confirm (its end will be pushed), like the sweep (push.sweep_factor)."""
        wish = watched.wish(self._focused)
        background = not watched.from_user and watched.project_id != self._focused
        if background and math.isfinite(self._plan.sweep_round):
            # at most once a round: each visit of its project that finds its resource without it polls it at once,
            # so a poll in between would only tell progress nobody is looking at, with a request the round needs
            wish = max(wish, self._plan.sweep_round)
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
            return self._plan.sweep_spacing * factor
        return self._plan.fastest_spacing

    def _list_period(self) -> float:
        """The project list: every interval, or once a round while there are others (budget.project_list_period)."""
        pages = self._jobs.cost_of(PROJECTS)
        return budget_maths.project_list_period(self._plan.effective_interval, self._plan.sweep_round, pages)

    def _replan(self) -> None:
        rate = self._budget_rate()
        quiet = self._paused or self._operations_only  # operations alone are polled
        self._window.configure(rate)
        core = self._jobs.cost_of(ResourcesJob(self._focused)) if self._focused else 0
        list_period = self._list_period()
        tracked = self._tracker.tracked
        sweep_count = self._jobs.sweep_count(exclude=tracked)
        self._plan = budget_maths.plan(
            budget_rate=rate,
            requested_interval=self._requested_interval,
            core_cost=0 if quiet else core,
            list_cost=0 if quiet else self._jobs.cost_of(PROJECTS),
            list_period=list_period,
            operation_periods=[self._operation_wish(w) for w in self._operations.active()],
            sweep_count=0 if quiet else sweep_count,
            sweep_cost=0.0 if quiet else self._jobs.sweep_cost(exclude=tracked),
            operation_share=1.0 if self._operations_only else budget_maths.OPERATION_SHARE,
            operation_rate_seen=self._operation_polls.rate(),
        )
        # what a round at its target pace can spend beyond one request per project pays for full lists of big ones
        target_requests = self._plan.sweep_rate * budget_maths.SWEEP_TARGET_SECONDS / 60.0
        self._jobs.spare_per_round = max(0.0, target_requests - sweep_count)

    # --- client events ----------------------------------------------------------------------------------------

    def _on_client_event(self, event: ClientEvent) -> None:
        if isinstance(event, RequestFinished):
            self._window.record()
        if self._connection.on_client_event(event):
            self._publish((), changed={Changed.CONNECTION})

    # --- publishing -------------------------------------------------------------------------------------------

    def _build_snapshot(self) -> Snapshot:
        info = self._client.rate_limit
        history_problem = self._feed.problem
        views = self._store.views()
        return replace(
            self._snapshot,
            **views,  # type: ignore[arg-type]
            connection=self._connection.state,
            rate=RateBudget(
                limit=info.limit,
                remaining=info.remaining,
                reset_at=info.reset_at,
                budget_per_minute=round(self._budget_rate(), 2),
                used_last_minute=self._window.used_last_minute(),
            ),
            api_version=self._client.api_version,
            focused_project_id=self._focused,
            requested_interval=self._requested_interval,
            effective_interval=round(self._plan.effective_interval, 2),
            paused=self._paused,
            history_problem=history_problem,
            push=self._push.state(self._full_sweep_per_minute()) if self._push is not None else self._snapshot.push,
            org=self._org_view(),
        )

    def _org_view(self) -> OrgView:
        """The whole organisation: every resource seen, the problems, each project's age and the round's length."""
        factor = self._push.sweep_factor() if self._push is not None else 1.0  # pushes slow the round down
        round_seconds: float | None = self._plan.sweep_round * factor
        if round_seconds is None or round_seconds == float("inf"):
            # no other project to visit: the focused project (or nothing) is the whole round
            round_seconds = self._plan.effective_interval if self._store.projects is not None else None
        watched = list(self._operations.watched)
        if round_seconds is None:
            return self._tracker.org.view(None, self._tracker.operation_subjects(watched))
        full_round = round_seconds * self._jobs.largest_full_every(self._tracker.tracked)
        return self._tracker.org.view(
            round(round_seconds, 1), self._tracker.operation_subjects(watched), round(full_round, 1)
        )

    def _full_sweep_per_minute(self) -> float:
        spacing = self._plan.sweep_spacing
        return 60.0 / spacing if 0 < spacing < float("inf") else 0.0

    def _publish(
        self,
        events: Iterable[ChangeEvent],
        changed: Iterable[Change] = (),
        new_log_lines: dict | None = None,
        *,
        record: bool = True,
    ) -> None:
        events = tuple(events)
        if self._push is not None and events:
            events = self._push.filter_polled(events)  # a change a push already showed is not shown again
        before = self._snapshot.org
        self._snapshot = self._build_snapshot()
        if self._snapshot.org is not before and (_has_news(before) or _has_news(self._snapshot.org)):
            changed = {*changed, Changed.ORG}
        self._feed.recent.extend(events)
        if record and events and not self._operations_only:
            self._feed.add((), events)
        update = MonitorUpdate(self._snapshot, events, dict(new_log_lines or {}), frozenset(changed))
        for listener in tuple(self._listeners):
            try:
                listener(update)
            except Exception:
                log.exception("a monitor listener failed")

    # --- history ---------------------------------------------------------------------------------------------

    async def _load_history(self) -> None:
        if self._history_loaded:
            return
        self._history_loaded = True
        if self._feed.history is None:
            return
        series, news = await self._feed.load()
        self._store.load_project_costs(series)
        for sentence in news:
            self._store.note(sentence)
        self._publish((), changed={Changed.HISTORY}, record=False)

    def _on_history_news(self, sentences: list[str]) -> None:
        for sentence in sentences:
            self._store.note(sentence)
        if self._history_loaded:
            self._publish((), changed={Changed.HISTORY}, record=False)
