"""The live monitor: polls the API under a request budget and tells its listeners what changed.

One loop picks the next job by priority (watched operations, the focused project's resources, the project list,
checks of resources that left `error`, then the problem sweep of the other projects), starts it when the budget
allows, and publishes a new `Snapshot` with the events each result caused. With `operations_only` (`cftui
watch`) it polls the watched operations and nothing else. API trouble never escapes `run()`:
it becomes the connection state, and the loop waits and tries again by itself.

What to request next (budget shares, plan, round pace, priorities) is decided in planning.py; the snapshot each
update carries is built in publishing.py. This module runs the jobs and publishes their results.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from cftui.api.client_events import ClientEvent, RequestFinished
from cftui.api.errors import ApiError, NotFound, ValidationFailed
from cftui.monitor.clock import SYSTEM_CLOCK, Clock
from cftui.monitor.connection import ConnectionTracker
from cftui.monitor.diff import ChangeTracker
from cftui.monitor.events import ChangeEvent
from cftui.monitor.history import History
from cftui.monitor.history_feed import HistoryFeed
from cftui.monitor.job_keys import PROJECTS, ConfirmJob, JobKey, OperationJob, ResourcesJob, SweepJob
from cftui.monitor.jobs import JobResult, Jobs
from cftui.monitor.operations import OperationRegistry
from cftui.monitor.planning import Planner
from cftui.monitor.publishing import build_snapshot, has_news
from cftui.monitor.scheduler import IDLE_WAIT
from cftui.monitor.state import Change, Changed, CostSample, MonitorUpdate, Snapshot
from cftui.monitor.store import DataStore

if TYPE_CHECKING:
    from cftui.api.client import CloudForgeClient
    from cftui.monitor.push import PushFeed
    from cftui.monitor.push_events import PushedChange

log = logging.getLogger(__name__)
Listener = Callable[[MonitorUpdate], None]

MAX_RECENT_EVENTS = 500


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
        self._listeners: list[Listener] = []
        self._tracker = ChangeTracker(cost_thresholds)
        self._connection = ConnectionTracker(
            auth_retry_seconds=auth_retry_seconds, max_backoff=max_backoff, clock=clock
        )
        self._operations = OperationRegistry()
        for operation_id in watch_operations:
            self._operations.watch(operation_id, from_user=True)
        self._store = DataStore()
        self._jobs = Jobs(client, self._tracker, self._store, self._operations, clock)
        self._feed = HistoryFeed(history, self._on_history_news, recent_limit=MAX_RECENT_EVENTS)
        self._history_loaded = False
        self._planner = Planner(
            client,
            self._jobs,
            self._tracker,
            self._operations,
            push,
            clock,
            budget=budget,
            interval=interval,
            operations_only=operations_only,
        )
        self._queue = self._planner.queue
        self._wake = asyncio.Event()
        self._stopping = False
        self._done = asyncio.Event()
        self._done.set()
        self._tasks: set[asyncio.Task[bool]] = set()
        self._snapshot = Snapshot(requested_interval=self._planner.requested_interval)
        self._unsubscribe = client.add_listener(self._on_client_event)
        client.set_page_pacer(self._planner.pace_page)
        self._push = push  # the webhook receiver (cftui.monitor.push): its logic lives there
        if push is not None:
            push.connect(client, self.ingest_push, lambda: self._publish((), changed={Changed.PUSH}))

    # --- the public interface --------------------------------------------------------------------------------

    @property
    def snapshot(self) -> Snapshot:
        return self._snapshot

    @property
    def clock(self) -> Clock:
        """The monitor's one clock: the front end ages what it shows by the same time."""
        return self._clock

    @property
    def client(self) -> CloudForgeClient:
        return self._client

    def add_listener(self, callback: Listener) -> Callable[[], None]:
        """Call `callback(update)` on the event loop after every change of the snapshot; returns an unsubscriber."""
        self._listeners.append(callback)
        return lambda: self._listeners.remove(callback) if callback in self._listeners else None

    def focus_project(self, project_id: str | None) -> None:
        """Follow this project resource by resource (None: only the project list and the sweep)."""
        if project_id == self._planner.focused:
            return
        if self._planner.focused:
            self._queue.forget(ResourcesJob(self._planner.focused))
        self._planner.focused = project_id
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
            self._planner.urgent.add(OperationJob(operation_id))
            self._queue.due_now(OperationJob(operation_id))
            self._wake.set()

    def visit_promise(self, project_id: str) -> float | None:
        """The round (seconds) the last visit of this project promised it for the next: the bound the status line
        showed then (None: not visited by the round)."""
        return self._jobs.promised.get(project_id)

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
        if self._planner.focused:
            self._queue.due_now(ResourcesJob(self._planner.focused))
        self._wake.set()

    def set_paused(self, paused: bool) -> None:
        """Pause polling of projects and resources. Watched operations keep being followed to their end."""
        if paused != self._planner.paused:
            self._planner.paused = paused
            if not paused:
                self._planner.bring_forward(0.0)  # back from a pause: look at once
            self._publish((), changed={Changed.PAUSED})
            self._wake.set()

    def set_interval(self, seconds: float) -> None:
        self._planner.requested_interval = max(0.2, float(seconds))
        self._planner.replan()
        # a shorter interval applies now, not after the old one
        self._planner.bring_forward(self._planner.plan.effective_interval)
        self._publish((), changed={Changed.INTERVAL})
        self._wake.set()

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
        self._tracker.set_tracked(set(named) | ({self._planner.focused} if self._planner.focused else set()))
        self._store.pinned = set(named) | ({self._planner.focused} if self._planner.focused else set())
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
        for operation_id, project_id, resource_id, resource_name in follow:
            # Followed like one found on a fetched resource, in any project: looked at once, then at the pace of
            # its project (close in the focused one, calm elsewhere), all within the operations' share of the
            # budget. Its end, when pushed, is folded in from the push's confirmation GET (no extra request).
            self._jobs.follow_operation(operation_id, project_id, resource_id, resource_name)
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

    # --- the loop --------------------------------------------------------------------------------------------

    async def _loop(self) -> None:
        while not self._stopping:
            self._planner.replan()
            if self._push is not None and self._push.tick():
                self._publish((), changed={Changed.PUSH})
            wait = self._start_due_jobs()
            self._wake.clear()
            # asyncio.timeout, not wait_for: on Python 3.11 wait_for returns instead of raising when a cancellation
            # lands just after the event was set, and the loop went on with run() cancelled (tests/monitor/
            # test_cancel_run.py)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(max(0.02, min(wait, IDLE_WAIT))):
                    await self._wake.wait()

    def _start_due_jobs(self) -> float:
        """Start what is due and affordable; return how long to sleep before looking again."""
        limit, hold = self._planner.gate(self._connection)
        if not limit:
            return hold
        while True:
            key, wait = self._planner.next_job(limit)
            if key is None:
                return wait
            self._start(key)

    def _start(self, key: JobKey) -> None:
        task = asyncio.create_task(self._run_job(key), name=f"cftui-monitor {key}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

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
                self._planner.operation_polls.record()
            self._queue.finish(key)
            self._planner.reschedule(key)
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

    # --- client events ----------------------------------------------------------------------------------------

    def _on_client_event(self, event: ClientEvent) -> None:
        if isinstance(event, RequestFinished):
            self._planner.window.record()
        if self._connection.on_client_event(event):
            self._publish((), changed={Changed.CONNECTION})

    # --- publishing -------------------------------------------------------------------------------------------

    def _build_snapshot(self) -> Snapshot:
        return build_snapshot(
            self._snapshot,
            client=self._client,
            planner=self._planner,
            store=self._store,
            feed=self._feed,
            connection=self._connection,
            tracker=self._tracker,
            jobs=self._jobs,
            operations=self._operations,
            push=self._push,
        )

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
        if self._snapshot.org is not before and (has_news(before) or has_news(self._snapshot.org)):
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
