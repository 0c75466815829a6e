"""What the monitor publishes: the `Snapshot` built from its parts after every change.

The engine (engine.py) calls `build_snapshot` each time it publishes a `MonitorUpdate`; this module only reads.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from cftui.monitor.state import OrgView, RateBudget, Snapshot

if TYPE_CHECKING:
    from cftui.api.client import CloudForgeClient
    from cftui.monitor.connection import ConnectionTracker
    from cftui.monitor.diff import ChangeTracker
    from cftui.monitor.history_feed import HistoryFeed
    from cftui.monitor.jobs import Jobs
    from cftui.monitor.operations import OperationRegistry
    from cftui.monitor.planning import Planner
    from cftui.monitor.push import PushFeed
    from cftui.monitor.store import DataStore


def has_news(view: OrgView) -> bool:
    """Whether an org view says anything (the first empty one is not worth an "org" change)."""
    return bool(view.resources or view.project_seen_at or view.operation_subjects) or view.round_seconds is not None


def build_snapshot(
    previous: Snapshot,
    *,
    client: CloudForgeClient,
    planner: Planner,
    store: DataStore,
    feed: HistoryFeed,
    connection: ConnectionTracker,
    tracker: ChangeTracker,
    jobs: Jobs,
    operations: OperationRegistry,
    push: PushFeed | None,
) -> Snapshot:
    info = client.rate_limit
    return replace(
        previous,
        **store.views(),  # type: ignore[arg-type]
        connection=connection.state,
        rate=RateBudget(
            limit=info.limit,
            remaining=info.remaining,
            reset_at=info.reset_at,
            budget_per_minute=round(planner.budget_rate(), 2),
            used_last_minute=planner.window.used_last_minute(),
        ),
        api_version=client.api_version,
        focused_project_id=planner.focused,
        requested_interval=planner.requested_interval,
        effective_interval=round(planner.plan.effective_interval, 2),
        paused=planner.paused,
        history_problem=feed.problem,
        push=push.state(planner.full_sweep_per_minute()) if push is not None else previous.push,
        org=_org_view(planner, store, tracker, jobs, operations, push),
    )


def _org_view(
    planner: Planner,
    store: DataStore,
    tracker: ChangeTracker,
    jobs: Jobs,
    operations: OperationRegistry,
    push: PushFeed | None,
) -> OrgView:
    """The whole organisation: every resource seen, the problems, each project's age and the round's length."""
    round_seconds: float | None = planner.round_bound()  # pushes slow the round down
    if round_seconds is None or round_seconds == float("inf"):
        # no other project to visit: the focused project (or nothing) is the whole round
        round_seconds = planner.plan.effective_interval if store.projects is not None else None
    watched = list(operations.watched)
    if round_seconds is None:
        return tracker.org.view(None, tracker.operation_changes.subjects(watched))
    full_round = round_seconds * jobs.largest_full_every(tracker.tracked)
    return tracker.org.view(round(round_seconds, 1), tracker.operation_changes.subjects(watched), round(full_round, 1))
