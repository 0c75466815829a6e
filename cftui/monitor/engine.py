"""The live monitor: polls the API under a request budget and tells its listeners what changed.

One loop picks the next job by priority (watched operations, the focused project's resources, the project list,
checks of resources that left `error`, then the problem sweep of the other projects), starts it when the budget
allows, and publishes a new `Snapshot` with the events each result caused. API trouble never escapes `run()`:
it becomes the connection state, and the loop waits and tries again by itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from cftui.api.client_events import ClientEvent, RequestFinished
from cftui.api.errors import ApiError, NotFound
from cftui.monitor import budget as budget_maths
from cftui.monitor.connection import ConnectionTracker
from cftui.monitor.diff import ChangeTracker
from cftui.monitor.events import ChangeEvent
from cftui.monitor.history import History, SampleRow
from cftui.monitor.jobs import JobResult, Jobs
from cftui.monitor.operations import BACKGROUND_PERIOD, OperationRegistry, WatchedOperation
from cftui.monitor.state import ConnectionStatus, CostSample, MonitorUpdate, RateBudget, Snapshot
from cftui.monitor.store import DataStore

if TYPE_CHECKING:
    from cftui.api.client import CloudForgeClient

log = logging.getLogger(__name__)
Listener = Callable[[MonitorUpdate], None]

MAX_IN_FLIGHT = 3
MAX_RECENT_EVENTS = 500
IDLE_WAIT = 1.0  # the loop re-plans at least this often


def _now() -> datetime:
    return datetime.now(UTC)


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
    ) -> None:
        self._client = client
        self._owns_client = owns_client
        self._history = history
        self._budget = max(0.01, min(1.0, budget))
        self._requested_interval = max(0.2, interval)
        self._listeners: list[Listener] = []
        self._tracker = ChangeTracker(cost_thresholds)
        self._connection = ConnectionTracker(auth_retry_seconds=auth_retry_seconds, max_backoff=max_backoff)
        self._window = budget_maths.RequestWindow()
        self._window.configure(self._budget_rate())
        self._window.start_full()
        self._operations = OperationRegistry()
        for operation_id in watch_operations:
            self._operations.watch(operation_id, from_user=True)
        self._store = DataStore()
        self._jobs = Jobs(client, self._tracker, self._store, self._operations)
        self._recent: deque[ChangeEvent] = deque(maxlen=MAX_RECENT_EVENTS)
        self._pending_samples: list[SampleRow] = []
        self._pending_events: list[ChangeEvent] = []
        self._flush_task: asyncio.Task[None] | None = None
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
        self._due: dict[str, float] = {}  # job key -> monotonic time it is due
        self._in_flight: dict[str, float] = {}  # job key -> requests reserved for it
        self._wake = asyncio.Event()
        self._stopping = False
        self._done = asyncio.Event()
        self._done.set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._snapshot = Snapshot(requested_interval=self._requested_interval)
        self._unsubscribe = client.add_listener(self._on_client_event)

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
            self._due.pop(f"resources:{self._focused}", None)
        self._focused = project_id
        self._store.pinned = {project_id} if project_id else set()
        self._tracker.set_tracked({project_id} if project_id else set())
        if project_id:
            self._due[f"resources:{project_id}"] = 0.0
        self._publish((), changed={"focus"})
        self._wake.set()

    def watch_operation(self, operation_id: str) -> None:
        if self._operations.watch(operation_id, from_user=True):
            self._store.operation_errors.pop(operation_id, None)
        self._due[f"op:{operation_id}"] = 0.0
        self._wake.set()

    def refresh_now(self) -> None:
        """Put the focused project and the project list next in line (also retries a refused key at once)."""
        self._connection.retry_now()
        self._due["projects"] = 0.0
        if self._focused:
            self._due[f"resources:{self._focused}"] = 0.0
        self._wake.set()

    def set_paused(self, paused: bool) -> None:
        """Pause polling of projects and resources. Watched operations keep being followed to their end."""
        if paused != self._paused:
            self._paused = paused
            self._publish((), changed={"paused"})
            self._wake.set()

    def set_interval(self, seconds: float) -> None:
        self._requested_interval = max(0.2, float(seconds))
        self._replan()
        self._publish((), changed={"interval"})
        self._wake.set()

    async def run(self) -> None:
        """Poll until `stop()` or cancellation. API trouble shows in `snapshot.connection`, never as an exception."""
        self._stopping = False
        self._done.clear()
        try:
            await self._load_history()
            await self._loop()
        finally:
            for task in list(self._tasks):
                task.cancel()
            if self._tasks:
                await asyncio.gather(*self._tasks, return_exceptions=True)
            with contextlib.suppress(Exception):
                await asyncio.shield(self._flush_history())
            self._done.set()

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        await self._done.wait()

    async def aclose(self) -> None:
        """Stop, and close the history (and the client, when this monitor made it)."""
        await self.stop()
        self._unsubscribe()
        await self._flush_history()
        if self._history is not None:
            await self._history.aclose()
        if self._owns_client:
            await self._client.aclose()

    async def __aenter__(self) -> Monitor:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def poll_once(self, project_ids: Iterable[str] = ()) -> Snapshot:
        """One full pass for `cftui status`: projects, the named projects' resources, the problem sweep of the
        others and the watched operations. As fast as the client's rate-limit handling allows."""
        await self._load_history()
        named = list(dict.fromkeys(project_ids))
        self._tracker.set_tracked(set(named) | ({self._focused} if self._focused else set()))
        self._store.pinned = set(named) | ({self._focused} if self._focused else set())
        if not await self._run_job("projects"):
            await self._flush_history()
            return self._snapshot
        keys = [f"resources:{pid}" for pid in named]
        keys += [f"sweep:{pid}" for pid in self._store.project_ids() if pid not in named]
        await asyncio.gather(*(self._run_job(key) for key in keys))
        await asyncio.gather(*(self._run_job(key) for key in self._jobs.check_keys()))
        operation_keys = [f"op:{w.operation_id}" for w in self._operations.active()]
        await asyncio.gather(*(self._run_job(key) for key in operation_keys))
        await self._flush_history()
        return self._snapshot

    async def resource_cost_history(self, resource_id: str) -> list[CostSample]:
        if self._history is not None:
            await self._flush_history()
            return await self._history.resource_costs(resource_id)
        return list(self._store.resource_costs.get(resource_id, ()))

    async def recent_events(self, limit: int = 200, since: datetime | None = None) -> list[ChangeEvent]:
        """The latest events, oldest first: from the history when kept, else from this run's memory."""
        if self._history is not None:
            await self._flush_history()
            stored = await self._history.recent_events(limit, since)
            if stored or self._history.problem is None:
                return stored
        events = [e for e in self._recent if since is None or e.at > since]
        return events[-limit:] if limit else []

    # --- the loop --------------------------------------------------------------------------------------------

    async def _loop(self) -> None:
        self._due.setdefault("projects", 0.0)
        while not self._stopping:
            self._replan()
            wait = self._start_due_jobs()
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=max(0.02, min(wait, IDLE_WAIT)))

    def _start_due_jobs(self) -> float:
        """Start what is due and affordable; return how long to sleep before looking again."""
        hold = self._connection.hold_until(_now())
        if hold is not None:
            return max(0.05, (hold - _now()).total_seconds())
        probing = self._connection.state.status in (
            ConnectionStatus.AUTH_FAILED,
            ConnectionStatus.OFFLINE,
            ConnectionStatus.DEGRADED,
        )
        limit = 1 if probing else MAX_IN_FLIGHT  # after failures, one request finds out if it is over
        rate = self._budget_rate()
        while len(self._in_flight) < limit:
            key, due_in = self._next_job()
            if key is None:
                return due_in
            cost = float(self._jobs.cost_of(key))
            reserved = sum(self._in_flight.values())
            if not self._window.can_spend(cost, reserved, rate):
                return self._window.seconds_until_spendable(cost, reserved, rate)
            self._start(key, cost)
        return IDLE_WAIT

    def _next_job(self) -> tuple[str | None, float]:
        """The most urgent due job not already running, or (None, seconds until the next one is due)."""
        now = time.monotonic()
        soonest = IDLE_WAIT
        for key in self._candidates():
            if key in self._in_flight:
                continue
            due = self._due.get(key, 0.0)
            if due <= now:
                return key, 0.0
            soonest = min(soonest, due - now)
        return None, soonest

    def _candidates(self) -> list[str]:
        """Job keys in priority order."""
        keys = [f"op:{w.operation_id}" for w in self._operations.active()]
        if self._paused:
            return keys
        if self._focused:
            keys.append(f"resources:{self._focused}")
        keys.append("projects")
        keys.extend(self._jobs.check_keys())
        sweep = self._jobs.next_sweep_project(exclude=self._tracker.tracked)
        if sweep is not None:
            keys.append(f"sweep:{sweep}")
            self._due[f"sweep:{sweep}"] = self._jobs.last_sweep_start + self._plan.sweep_spacing
        return keys

    def _start(self, key: str, cost: float) -> None:
        self._in_flight[key] = cost
        task = asyncio.create_task(self._run_job(key), name=f"cftui-monitor {key}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _reschedule(self, key: str) -> None:
        now = time.monotonic()
        if key.startswith("op:"):
            watched = self._operations.watched.get(key[3:])
            if watched is not None and not watched.finished:
                self._due[key] = now + max(self._operation_wish(watched), self._plan.operation_period)
            else:
                self._due.pop(key, None)
        elif key == "projects" or key.startswith("resources:"):
            self._due[key] = now + self._plan.effective_interval
        else:
            self._due.pop(key, None)

    async def _run_job(self, key: str) -> bool:
        """Run one job, fold its result in, publish. True when it succeeded."""
        self._in_flight.setdefault(key, float(self._jobs.cost_of(key)))
        ok = False
        try:
            try:
                result = await self._jobs.run(key)
            except NotFound as error:
                result = self._jobs.not_found(key, error)  # re-raises when a 404 means an outage
            ok = True
        except ApiError as error:
            result = JobResult()
            if self._connection.on_failure(error):
                result.changed.add("connection")
        except asyncio.CancelledError:
            raise
        except Exception as error:  # a bug must not end monitoring: say so and go on
            log.exception("monitor job %s failed", key)
            self._store.note(f"Internal error while refreshing {key}: {error!r}")
            result = JobResult(changed={"notes"})
        finally:
            self._in_flight.pop(key, None)
            self._reschedule(key)
            self._wake.set()
        if ok:
            self._connection.on_success()
        for operation_id in self._jobs.take_discovered_operations():
            self._due[f"op:{operation_id}"] = 0.0
        self._store.drop_operations(self._operations.trim_finished())
        self._pending_samples.extend(result.samples)
        if result.events or result.changed or result.new_log_lines:
            self._publish(result.events, result.changed, result.new_log_lines)  # a quiet sweep repaints nothing
        self._schedule_flush()
        return ok

    # --- budget and plan -------------------------------------------------------------------------------------

    def _budget_rate(self) -> float:
        info = self._client.rate_limit
        return budget_maths.budget_per_minute(info.limit, self._budget, info.remaining)

    def _replan(self) -> None:
        rate = self._budget_rate()
        self._window.configure(rate)
        core = self._jobs.cost_of("projects") + (
            self._jobs.cost_of(f"resources:{self._focused}") if self._focused else 0
        )
        sweep_count = len([p for p in self._store.project_ids() if p not in self._tracker.tracked])
        self._plan = budget_maths.plan(
            budget_rate=rate,
            requested_interval=self._requested_interval,
            core_cost=0 if self._paused else core,
            operation_periods=[self._operation_wish(w) for w in self._operations.active()],
            sweep_count=0 if self._paused else sweep_count,
        )

    def _operation_wish(self, watched: WatchedOperation) -> float:
        """Operations the user asked for or that run in the focused project are followed closely."""
        if watched.from_user or (watched.project_id is not None and watched.project_id == self._focused):
            return watched.period
        return max(watched.period, BACKGROUND_PERIOD)

    # --- client events ----------------------------------------------------------------------------------------

    def _on_client_event(self, event: ClientEvent) -> None:
        if isinstance(event, RequestFinished):
            self._window.record()
        if self._connection.on_client_event(event):
            self._publish((), changed={"connection"})

    # --- publishing -------------------------------------------------------------------------------------------

    def _build_snapshot(self) -> Snapshot:
        info = self._client.rate_limit
        history_problem = self._history.problem if self._history is not None else None
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
        )

    def _publish(
        self,
        events: Iterable[ChangeEvent],
        changed: Iterable[str] = (),
        new_log_lines: dict | None = None,
    ) -> None:
        events = tuple(events)
        self._snapshot = self._build_snapshot()
        self._recent.extend(events)
        self._pending_events.extend(events)
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
        if self._history is None:
            return
        series = await self._history.project_costs()
        self._store.load_project_costs(series)
        for event in await self._history.recent_events(MAX_RECENT_EVENTS):
            self._recent.append(event)
        for notice in self._history.notices:
            self._store.note(notice)
        self._publish((), changed={"history"})

    def _schedule_flush(self) -> None:
        if self._history is None:
            self._pending_events.clear()
            self._pending_samples.clear()
            return
        if (self._pending_events or self._pending_samples) and (self._flush_task is None or self._flush_task.done()):
            self._flush_task = asyncio.create_task(self._flush_history(), name="cftui-monitor history")

    async def _flush_history(self) -> None:
        if self._history is None:
            return
        while self._pending_events or self._pending_samples:
            samples, self._pending_samples = self._pending_samples, []
            events, self._pending_events = self._pending_events, []
            problem_before = self._history.problem
            await self._history.write(samples, events)
            if self._history.problem != problem_before:
                if self._history.problem:
                    self._store.note(self._history.problem)
                self._publish((), changed={"history"})
