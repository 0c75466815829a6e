"""What the monitor knows, as immutable values: the snapshot every front end renders.

The engine builds a new `Snapshot` whenever something arrives and hands it, with the events it caused, to its
listeners as a `MonitorUpdate`. Front ends never mutate these; tests build them directly to drive the UI.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Generic, TypeVar

from cftui.api.errors import AUTH_EXPIRED as AUTH_EXPIRED  # a failed OAuth refresh starts so (front ends look)
from cftui.api.models import RESOURCE_STATUSES, Operation, OperationLog, Project, Resource
from cftui.monitor.events import ChangeEvent

T = TypeVar("T")


def _empty() -> Mapping:
    return {}


class ConnectionStatus(StrEnum):
    CONNECTING = "connecting"  # nothing answered yet
    OK = "ok"
    DEGRADED = "degraded"  # retrying after errors; data may be stale
    OFFLINE = "offline"  # the API cannot be reached
    AUTH_FAILED = "auth_failed"  # the key was refused: no retry until the user acts
    RATE_LIMITED = "rate_limited"  # waiting for the rate limit to reset


@dataclass(frozen=True, slots=True)
class ConnectionState:
    status: ConnectionStatus = ConnectionStatus.CONNECTING
    since: datetime | None = None  # when this status began
    last_error: str | None = None  # a sentence a person can act on (already key-masked)
    request_id: str | None = None  # the server's request id of the last failure
    next_attempt_at: datetime | None = None  # when the engine will try again
    rate_limited_until: datetime | None = None
    last_success_at: datetime | None = None
    # the last failure outlasted the client's own retries: the engine itself waits until `next_attempt_at`
    gave_up: bool = False


@dataclass(frozen=True, slots=True)
class RateBudget:
    """The rate limit as the API reports it, and what the engine allows itself of it."""

    limit: int | None = None  # X-RateLimit-Limit (requests per minute; tells the plan)
    remaining: int | None = None  # X-RateLimit-Remaining
    reset_at: datetime | None = None  # X-RateLimit-Reset
    budget_per_minute: float | None = None  # the share cftui may spend (limit x budget fraction)
    used_last_minute: int = 0  # requests cftui sent in the last 60 s


@dataclass(frozen=True, slots=True)
class Fetched(Generic[T]):
    value: T
    fetched_at: datetime


@dataclass(frozen=True, slots=True)
class CostSample:
    at: datetime
    monthly_cost: Decimal


@dataclass(frozen=True, slots=True)
class ResourceRef:
    """One resource as last seen anywhere in the organisation (the whole-organisation view and the palette)."""

    project_id: str
    project_name: str
    resource_id: str
    name: str
    type: str
    status: str
    monthly_cost: Decimal | None
    seen_at: datetime  # when a list last showed it
    status_since: datetime | None = None  # when its current status was first seen (None: it had it at first sight)
    operation_id: str | None = None

    @classmethod
    def seen(
        cls,
        project_id: str,
        project_name: str,
        resource: Resource,
        seen_at: datetime,
        status_since: datetime | None = None,
    ) -> ResourceRef:
        """The resource as a list showed it at `seen_at`."""
        return cls(
            project_id,
            project_name,
            resource.id,
            resource.name,
            resource.type,
            resource.status,
            resource.monthly_cost,
            seen_at,
            status_since,
            resource.operation_id,
        )

    @property
    def is_problem(self) -> bool:
        """In `error`, or in a status the reference does not know (same rule as `Resource.is_problem`)."""
        return self.status == "error" or self.status not in RESOURCE_STATUSES


@dataclass(frozen=True, slots=True)
class OrgView:
    """What the monitor knows of every project, not only the focused one."""

    resources: Mapping[str, ResourceRef] = field(default_factory=_empty)  # by resource id, every project seen
    problems: tuple[ResourceRef, ...] = ()  # error first, then unknown statuses; oldest problem first within each
    project_seen_at: Mapping[str, datetime] = field(default_factory=_empty)  # project id -> last full look
    # the longest one round over every project takes at the current budget: each visit of a project promises the
    # next within it (budget.Plan.sweep_bound)
    round_seconds: float | None = None
    operation_subjects: Mapping[str, ResourceRef] = field(default_factory=_empty)  # operation id -> its resource
    # how long until every project has had a complete look (a project of several pages is listed whole every k-th
    # visit, so this is round_seconds x the largest k); None like round_seconds
    full_round_seconds: float | None = None


class PushMode(StrEnum):
    OFF = "off"  # no receiver configured
    LISTENING = "listening"  # bound, nothing verified arrived yet: polling at full speed
    PUSH = "push"  # verified deliveries arrive: the sweep of other projects slows down
    SILENT = "silent"  # no delivery for a while: polling at full speed again
    FAILED = "failed"  # the receiver could not bind: polling at full speed
    UNTRUSTED = "untrusted"  # the API contradicted a push lately: polling at full speed


@dataclass(frozen=True, slots=True)
class PushState:
    mode: PushMode = PushMode.OFF
    listen: str | None = None  # host:port it listens on
    last_delivery_at: datetime | None = None  # last verified delivery
    accepted: int = 0
    refused: Mapping[str, int] = field(default_factory=_empty)  # reason -> count (bad_signature, replay, ...)
    problem: str | None = None  # why it is not listening, a sentence
    # Added by the receiver (issue 15):
    listening_since: datetime | None = None  # when it bound (a silence is counted from here until a delivery)
    confirmed: int = 0  # pushes a targeted GET agreed with
    contradicted: int = 0  # pushes the API contradicted (each also reported as a `push.contradicted` event)
    unconfirmed: int = 0  # pushes left to polling: more than the confirmation share of the budget allows
    merged: int = 0  # changes seen by both push and poll, shown once
    sweep_factor: float = 1.0  # how much slower the sweep of other projects runs (1: full speed)
    saved_per_minute: float = 0.0  # requests a minute the slower sweep saves at the current plan


@dataclass(frozen=True, slots=True)
class Snapshot:
    projects: Fetched[tuple[Project, ...]] | None = None
    # by project id: the resources fetched, their cost history (for sparklines) and how many are in trouble
    resources: Mapping[str, Fetched[tuple[Resource, ...]]] = field(default_factory=_empty)
    project_costs: Mapping[str, tuple[CostSample, ...]] = field(default_factory=_empty)
    problem_counts: Mapping[str, int] = field(default_factory=_empty)
    operations: Mapping[str, Fetched[Operation]] = field(default_factory=_empty)  # watched operations, by id
    connection: ConnectionState = field(default_factory=ConnectionState)
    rate: RateBudget = field(default_factory=RateBudget)
    api_version: str | None = None  # X-CloudForge-Version
    focused_project_id: str | None = None
    requested_interval: float = 5.0  # what the user asked for
    effective_interval: float = 5.0  # what the budget allows (>= requested when stretched)
    paused: bool = False
    # Added by the monitor engine (issue 4):
    operation_errors: Mapping[str, str] = field(default_factory=_empty)  # op id -> why it is no longer watched
    history_problem: str | None = None  # the history file cannot be written right now (monitoring goes on)
    notes: tuple[str, ...] = ()  # recent one-off notices worth showing (newest last), e.g. a corrupt file moved
    org: OrgView = field(default_factory=OrgView)  # the whole organisation (issue 11)
    push: PushState = field(default_factory=PushState)  # the webhook receiver (issue 15)

    @property
    def interval_stretched(self) -> bool:
        return self.effective_interval > self.requested_interval + 1e-9


class Changed(StrEnum):
    """What an update changed in the snapshot, beyond its events (a front end repaints only what changed)."""

    PROJECTS = "projects"  # the project list
    PROBLEMS = "problems"  # a project's count of resources in trouble
    NOTES = "notes"  # a one-off notice was added
    CONNECTION = "connection"  # the connection state
    PUSH = "push"  # the webhook receiver's state
    FOCUS = "focus"  # the focused project
    PAUSED = "paused"
    INTERVAL = "interval"  # the requested (and so the effective) interval
    ORG = "org"  # the whole-organisation view
    HISTORY = "history"  # the history was loaded, or its state changed


@dataclass(frozen=True, slots=True)
class ResourcesChanged:
    """A project's resources were fetched (or one of them was read again)."""

    project_id: str


@dataclass(frozen=True, slots=True)
class OperationChanged:
    """A watched operation was polled, or stopped being watched (see `Snapshot.operation_errors`)."""

    operation_id: str


Change = Changed | ResourcesChanged | OperationChanged


@dataclass(frozen=True, slots=True)
class MonitorUpdate:
    """Sent to listeners after every change of the snapshot."""

    snapshot: Snapshot
    events: tuple[ChangeEvent, ...] = ()
    # by operation id: log lines not delivered before, each once, in order
    new_log_lines: Mapping[str, tuple[OperationLog, ...]] = field(default_factory=_empty)
    changed: frozenset[Change] = frozenset()  # `Changed` members, and which projects' resources and operations
