"""Ready-made dashboards for UI tests, snapshots and screenshots, built with tests/builders.py.

Everything here is made of the same classes the monitor produces (`Project`, `Resource`, `Snapshot`, ...), so a
test feeds the app exactly what the engine would post.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal

from cftui.api.models import Operation, Resource
from cftui.monitor.events import ChangeEvent, EventKind, Severity
from cftui.monitor.state import (
    ConnectionState,
    ConnectionStatus,
    CostSample,
    Fetched,
    MonitorUpdate,
    OperationChanged,
    OrgView,
    PushMode,
    PushState,
    RateBudget,
    Snapshot,
)
from cftui.ui.widgets.status_line import ConnectionInfo
from tests.builders import NOW, event, log_line, operation, project, resource, resource_ref, status_event, update
from tests.hostile import NASTY_NAMES

INFO = ConnectionInfo(host="127.0.0.1:8765", key_kind="read", key_masked="cf_read_…3f9a", profile="oncall")

TYPES = [
    ("compute_instance", "aws", "us-east-1", "web"),
    ("compute_instance", "aws", "us-east-1", "api"),
    ("container_cluster", "gcp", "europe-west1", "k8s"),
    ("vpc", "aws", "us-east-1", "vpc-main"),
    ("load_balancer", "aws", "us-east-1", "lb-public"),
    ("rds_instance", "azure", "westeurope", "orders-db"),
    ("object_storage", "gcp", "europe-west1", "assets"),
    ("cache_cluster", "aws", "eu-west-1", "sessions"),
]


def world_resources(pid: str, count: int = 16, errors: int = 1) -> tuple[Resource, ...]:
    items = []
    for index in range(count):
        rtype, provider, region, stem = TYPES[index % len(TYPES)]
        status = "error" if index < errors else ("stopped" if index % 7 == 6 else "running")
        cost = f"{40 + index * 13.5:.2f}"
        items.append(
            resource(f"res_{pid}_{index:03d}", f"{stem}-{index}", rtype=rtype, status=status, cost=cost,
                     provider=provider, region=region)
        )  # fmt: skip
    return tuple(items)


def _path(now: datetime, points: list[tuple[float, str]]) -> tuple[CostSample, ...]:
    """A sample every 10 minutes (the last at `now`), the cost moving in straight lines through (hours ago, cost)."""
    samples = []
    first = points[0][0]
    for step in range(int(first * 6), -1, -1):
        ago = step / 6
        for (old_ago, old_cost), (new_ago, new_cost) in itertools.pairwise(points):
            if new_ago <= ago <= old_ago:
                share = (old_ago - ago) / (old_ago - new_ago) if old_ago > new_ago else 1.0
                cost = Decimal(old_cost) + (Decimal(new_cost) - Decimal(old_cost)) * Decimal(str(round(share, 4)))
                samples.append(CostSample(now - timedelta(hours=ago), cost.quantize(Decimal("0.01"))))
                break
    return tuple(samples)


def healthy_costs(now: datetime = NOW) -> dict[str, tuple[CostSample, ...]]:
    """The projects' cost series: shop-production up 1.6 % in the hour (3.3 % in the day), data-platform flat,
    shop-staging down 4 % in the day and flat in the hour, ml-experiments watched for 25 minutes only."""
    return {
        "proj_shop": _path(
            now, [(26, "12080.00"), (24, "12100.00"), (1, "12303.15"), (0.5, "12310.00"), (0, "12500.00")]
        ),
        "proj_data": _path(now, [(26, "8420.50"), (0, "8420.50")]),
        "proj_stage": _path(now, [(26, "1365.00"), (24, "1364.84"), (2, "1310.25"), (0, "1310.25")]),
        "proj_ml": _path(now, [(25 / 60, "630.00"), (0, "640.00")]),
        "proj_old": _path(now, [(26, "0.00"), (0, "0.00")]),
    }


def healthy_snapshot(now: datetime = NOW) -> Snapshot:
    projects = (
        project("proj_shop", "shop-production", cost="12500.00", count=16),
        project("proj_data", "data-platform", cost="8420.50", count=12),
        project("proj_stage", "shop-staging", cost="1310.25", count=8),
        project("proj_ml", "ml-experiments", cost="640.00", count=5),
        project("proj_old", "legacy-billing", cost="0.00", count=0, status="archived"),
    )
    resources = {"proj_shop": Fetched(world_resources("proj_shop"), now - timedelta(seconds=2))}
    costs = healthy_costs(now)
    return Snapshot(
        projects=Fetched(projects, now - timedelta(seconds=3)),
        resources=resources,
        project_costs=costs,
        problem_counts={"proj_shop": 1, "proj_data": 0, "proj_stage": 2},
        connection=ConnectionState(
            status=ConnectionStatus.OK, since=now - timedelta(minutes=5), last_success_at=now - timedelta(seconds=3)
        ),
        rate=RateBudget(
            limit=1000, remaining=742, reset_at=now + timedelta(seconds=18), budget_per_minute=500, used_last_minute=61
        ),
        api_version="2.15.3",
        focused_project_id="proj_shop",
    )


def stale_offline_snapshot(now: datetime = NOW) -> Snapshot:
    base = healthy_snapshot(now - timedelta(minutes=4))
    return replace(
        base,
        connection=ConnectionState(
            status=ConnectionStatus.OFFLINE,
            since=now - timedelta(minutes=3),
            last_error="Cannot reach 127.0.0.1:8765: connection refused.",
            next_attempt_at=now + timedelta(seconds=12),
            last_success_at=now - timedelta(minutes=4),
        ),
    )


def auth_failed_snapshot(now: datetime = NOW) -> Snapshot:
    return Snapshot(
        connection=ConnectionState(
            status=ConnectionStatus.AUTH_FAILED,
            since=now,
            last_error="The API refused the key cf_read_…3f9a (401 authentication_failed). Check CLOUDFORGE_API_KEY.",
            request_id="req_8f2a01c9",
        ),
    )


def running_operation(now: datetime = NOW) -> Operation:
    logs = [log_line(-120, "Creating snapshot", now), log_line(-50, "Applying configuration", now)]
    return operation("op_789ghi", rid="res_proj_shop_001", started=now - timedelta(minutes=2, seconds=5),
                     eta=now + timedelta(minutes=2, seconds=30), logs=logs)  # fmt: skip


def operation_snapshot(now: datetime = NOW) -> tuple[Snapshot, MonitorUpdate]:
    base = healthy_snapshot(now)
    op = running_operation(now)
    snap = replace(base, operations={op.id: Fetched(op, now - timedelta(seconds=1))})
    logs = {op.id: tuple(op.logs)}
    return snap, MonitorUpdate(snapshot=snap, new_log_lines=logs, changed=frozenset({OperationChanged(op.id)}))


# --- hostile data, as the simulator's --nasty world serves it (sanitised by the same function as the client) ---


def nasty_world(now: datetime = NOW) -> tuple[Snapshot, tuple[ChangeEvent, ...]]:
    """What the simulator's --nasty world serves (markup, escapes, odd types), and an event about it."""
    shapes = [(NASTY_NAMES[0], "active", "1234.5"), (NASTY_NAMES[1], "active", 99.99), (NASTY_NAMES[4], "degraded", 5),
              (NASTY_NAMES[7], "active", "12"), ("normal-project", "active", 10)]  # fmt: skip
    projects = tuple(
        project(f"proj_n{i}", name, status=status, cost=cost, count="12", unknown={"nested": ["[red]x[/]"]})
        for i, (name, status, cost) in enumerate(shapes)
    )
    items = tuple(
        resource(
            f"res_n{index}",
            name,
            rtype=["compute_instance", "quantum_annealer", "vpc", "function"][index % 4],
            status=["running", "error", "hibernating", "degraded", "provisioning"][index % 5],
            region=["us-east-1", "[link=https://x]eu[/link]", "\x1b[31mred"][index % 3],
            configuration={"[b]key": "\x1b]2;t\x07", "size": "42"},
            tags={"env": "[dim]prod", "\u202eowner": "x"},
            cost=["12.5", 7, "n/a"][index % 3],
        )
        for index, name in enumerate(NASTY_NAMES)
    )
    event = status_event(items[1].name, "running", "error", rid="res_n1", pid="proj_n0", at=now)
    snapshot = replace(
        healthy_snapshot(now),
        projects=Fetched(projects, now - timedelta(seconds=1)),
        resources={"proj_n0": Fetched(items, now - timedelta(seconds=1))},
        project_costs={},
        problem_counts={"proj_n0": 4},
        focused_project_id="proj_n0",
    )
    return snapshot, (event,)


def state_updates(name: str, now: datetime = NOW) -> list[MonitorUpdate]:
    """The updates that put the dashboard in one of its main states (for snapshots and screenshots)."""
    if name == "healthy":
        return [update(healthy_snapshot(now))]
    if name == "stale_offline":
        return [update(stale_offline_snapshot(now))]
    if name == "auth_failed":
        return [update(auth_failed_snapshot(now))]
    if name == "operation_running":
        _snapshot, op_update = operation_snapshot(now)
        return [op_update]
    if name == "org":
        return [update(org_snapshot(now))]
    if name == "events":
        return [update(org_snapshot(now), events=feed_events(now))]
    if name == "push":
        return [update(push_snapshot(now), events=push_events(now))]
    if name == "nasty":
        snap, events = nasty_world(now)
        return [update(snap, events)]
    raise KeyError(name)


def org_snapshot(now: datetime = NOW) -> Snapshot:
    """The healthy world plus what the organisation sweep saw in projects the dashboard has not opened."""
    base = healthy_snapshot(now)

    def ref(pid: str, pname: str, rid: str, name: str, rtype: str, status: str, cost: str, minutes: float | None):
        since = now - timedelta(minutes=minutes) if minutes is not None else None
        seen = now - timedelta(seconds=40)
        return resource_ref(pid, pname, rid, name, rtype=rtype, status=status, cost=cost, seen_at=seen, since=since)

    swept = (
        ref("proj_data", "data-platform", "res_etl", "etl-nightly", "compute_instance", "error", "310.00", 47),
        ref("proj_data", "data-platform", "res_kafka", "kafka-broker-2", "container_cluster", "error", "980.40", 6),
        ref("proj_stage", "shop-staging", "res_cdn", "cdn-edge", "load_balancer", "error", "55.00", None),
        ref("proj_stage", "shop-staging", "res_cache", "sessions-cache", "cache_cluster", "hibernating", "20.00", 15),
        ref("proj_ml", "ml-experiments", "res_gpu", "gpu-trainer", "compute_instance", "degraded", "1210.00", 2),
    )
    org = OrgView(
        resources={r.resource_id: r for r in swept},
        problems=swept,
        project_seen_at={
            "proj_data": now - timedelta(minutes=2),
            "proj_stage": now - timedelta(minutes=5),
            "proj_ml": now - timedelta(seconds=40),
        },
        round_seconds=330.0,
    )
    return replace(base, org=org)


def feed_events(now: datetime = NOW) -> tuple[ChangeEvent, ...]:
    """A morning's worth of changes across projects, an operation's progress among them (for the events pane)."""
    long_name = "etl-nightly-aggregation-of-every-order-line-and-invoice-for-the-finance-warehouse"
    events = [
        status_event("vpc-main-3", "running", "stopped", rid="res_proj_shop_003", at=now - timedelta(minutes=9)),
        status_event("cdn-edge", "pending", "running", rid="res_cdn", pid="proj_stage", at=now - timedelta(minutes=7)),
        status_event(long_name, "running", "error", rid="res_etl", pid="proj_data", at=now - timedelta(minutes=6)),
        event(EventKind.OPERATION_PROGRESS, at=now - timedelta(minutes=1), subject_id="op_789ghi",
              subject_name="update_resource on api-1", old="in_progress 40%", new="in_progress 45%",
              severity=Severity.INFO, summary="update_resource on api-1: in progress, 45%",
              data={"resource_id": "res_proj_shop_001", "progress": 45}),
        event(EventKind.COST_CHANGED, at=now - timedelta(seconds=40), subject_id="res_gpu", subject_name="gpu-trainer",
              project_id="proj_ml", old="1180.00", new="1210.00", severity=Severity.INFO,
              summary="gpu-trainer: $1,180.00 -> $1,210.00 a month"),
        status_event("web-0", "running", "error", rid="res_proj_shop_000", at=now - timedelta(seconds=5)),
    ]  # fmt: skip
    return tuple(events)


def push_snapshot(now: datetime = NOW) -> Snapshot:
    """The organisation with the webhook receiver healthy: pushes arrive and confirm, the sweep runs slower."""
    push = PushState(
        mode=PushMode.PUSH, listen="127.0.0.1:8787", last_delivery_at=now - timedelta(seconds=12), accepted=42,
        refused={"bad_signature": 3}, listening_since=now - timedelta(minutes=20), confirmed=40, merged=17,
        sweep_factor=4.0, saved_per_minute=19.5,
    )  # fmt: skip
    return replace(org_snapshot(now), push=push)


def push_events(now: datetime = NOW) -> tuple[ChangeEvent, ...]:
    """Polled and pushed events side by side, and a push the API contradicted (for the push screenshot)."""
    pushed = [
        replace(status_event("etl-nightly", "running", "error", rid="res_etl", pid="proj_data",
                             at=now - timedelta(seconds=50)), source="push"),
        replace(status_event("cdn-edge", "pending", "running", rid="res_cdn", pid="proj_stage",
                             at=now - timedelta(seconds=30)), source="push"),
        replace(status_event("web-0", "running", "error", rid="res_proj_shop_000", at=now - timedelta(seconds=12)),
                source="push"),
    ]  # fmt: skip
    contradicted = ChangeEvent(
        kind=EventKind.PUSH_CONTRADICTED,
        at=now - timedelta(seconds=10),
        subject_id="res_cdn",
        subject_name="cdn-edge",
        project_id="proj_stage",
        severity=Severity.WARNING,
        summary="push not confirmed: cdn-edge is pending, not running",
    )
    return (*feed_events(now)[:2], *pushed, contradicted)


STATES = ("healthy", "stale_offline", "auth_failed", "operation_running", "nasty")


async def cost_history(resource_id: str) -> list[CostSample]:
    """A day of a resource's monthly cost, as the monitor's history would return it (for the detail chart)."""
    known = {r.id: r.monthly_cost for fetched in healthy_snapshot().resources.values() for r in fetched.value}
    now_cost = known.get(resource_id) or Decimal(100)
    samples = [
        CostSample(
            NOW - timedelta(hours=24 - hour), now_cost - Decimal(12) + Decimal((hour * 7) % 11) + Decimal(hour) / 4
        )
        for hour in range(24)
    ]
    return [*samples, CostSample(NOW, now_cost)]
