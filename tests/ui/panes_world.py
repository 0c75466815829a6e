"""Shared by the panes' tests: real model objects (hostile ones too), updates built from them, a small host App.

Payloads go through `sanitize_tree` and the pydantic models exactly as the client does, so the widgets see what
they would see from the API, including the simulator's `--nasty` kind of text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any, ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widget import Widget

from cftui.api.models import Operation, OperationLog, Project, Resource
from cftui.api.sanitize import sanitize_tree
from cftui.monitor.events import ChangeEvent, EventKind, Severity
from cftui.monitor.state import Fetched, MonitorUpdate, OperationChanged, Snapshot
from cftui.ui.commands import DASHBOARD_PROVIDERS
from cftui.ui.screens.help import HelpScreen
from cftui.ui.screens.watch_prompt import WatchOperationScreen
from cftui.ui.themes import register_themes
from cftui.ui.widgets.event_feed import EventFeed
from cftui.ui.widgets.operations import OperationsPane
from tests.polling import until

__all__ = ["until"]  # re-exported from tests/polling.py

PANES_CSS = Path(__file__).resolve().parents[2] / "styles" / "panes.tcss"
T0 = datetime(2026, 11, 28, 14, 0, 0, tzinfo=UTC)


def sanitized(value: Any) -> Any:
    return sanitize_tree(value)


def project(pid: str, name: str, *, status: str = "active", count: int = 3, cost: str = "1250.50") -> Project:
    raw = {"id": pid, "name": name, "status": status, "resource_count": count, "monthly_cost": cost}
    return Project.model_validate(sanitized(raw))


def resource(
    rid: str,
    name: str,
    *,
    status: str = "running",
    rtype: str = "compute_instance",
    operation_id: str | None = None,
    cost: str = "120.00",
) -> Resource:
    raw: dict[str, Any] = {
        "id": rid,
        "name": name,
        "type": rtype,
        "status": status,
        "provider": "aws",
        "region": "us-east-1",
        "monthly_cost": cost,
        "tags": {"team": "platform"},
    }
    if operation_id:
        raw["operation_id"] = operation_id
    return Resource.model_validate(sanitized(raw))


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def log_line(seconds: int, message: str) -> OperationLog:
    at = (T0 + timedelta(seconds=seconds)).isoformat().replace("+00:00", "Z")
    return OperationLog.model_validate(sanitized({"timestamp": at, "message": message}))


def operation(
    oid: str,
    *,
    status: str = "in_progress",
    progress: int = 45,
    rid: str = "res_web1",
    otype: str = "update_resource",
    started: datetime | None = T0,
    eta: datetime | None = T0 + timedelta(minutes=5),
    logs: Iterable[OperationLog] = (),
    **extra: Any,
) -> Operation:
    raw: dict[str, Any] = {
        "id": oid,
        "type": otype,
        "status": status,
        "progress": progress,
        "resource_id": rid,
        "started_at": _iso(started),
        "estimated_completion": _iso(eta),
        "logs": [
            {"timestamp": log.timestamp.isoformat() if log.timestamp else None, "message": log.message} for log in logs
        ],
        **extra,
    }
    return Operation.model_validate(sanitized(raw))


def snapshot(
    *,
    projects: Iterable[Project] = (),
    resources: Mapping[str, Iterable[Resource]] | None = None,
    operations: Iterable[Operation] = (),
    at: datetime = T0,
) -> Snapshot:
    res = {pid: Fetched(tuple(items), at) for pid, items in (resources or {}).items()}
    problems = {pid: sum(1 for r in fetched.value if r.is_problem) for pid, fetched in res.items()}
    return Snapshot(
        projects=Fetched(tuple(projects), at),
        resources=res,
        problem_counts=problems,
        operations={op.id: Fetched(op, at) for op in operations},
    )


def update(
    snap: Snapshot,
    *,
    events: Iterable[ChangeEvent] = (),
    new_log_lines: Mapping[str, Iterable[OperationLog]] | None = None,
) -> MonitorUpdate:
    lines = {oid: tuple(items) for oid, items in (new_log_lines or {}).items()}
    changed = frozenset({OperationChanged(oid) for oid in snap.operations})
    return MonitorUpdate(snapshot=snap, events=tuple(events), new_log_lines=lines, changed=changed)


def status_event(
    name: str,
    old: str,
    new: str,
    *,
    rid: str = "res_web1",
    at: datetime = T0,
    severity: Severity | None = None,
) -> ChangeEvent:
    clean_name = sanitized(name)
    return ChangeEvent(
        kind=EventKind.RESOURCE_STATUS_CHANGED,
        at=at,
        subject_id=rid,
        subject_name=clean_name,
        project_id="proj_a",
        old=old,
        new=new,
        severity=severity or (Severity.ERROR if new == "error" else Severity.INFO),
        summary=f"{clean_name}: {old} -> {new}",
    )


def rendered_text(widget: Widget) -> str:
    """What the widget's screen area shows, as plain text (markup, if any had been parsed, would be gone)."""
    strips = widget.screen._compositor.render_strips()
    region = widget.region
    rows = range(region.y, min(region.bottom, len(strips)))
    return "\n".join(strips[y].crop(region.x, region.right).text.rstrip() for y in rows)


class FrozenClock:
    """The injectable clock: tests move it by hand."""

    def __init__(self, start: datetime = T0) -> None:
        self.moment = start

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, seconds: float) -> None:
        self.moment += timedelta(seconds=seconds)


class PanesApp(App[None]):
    """A host for the panes with the app actions they call, recording each call."""

    CSS_PATH: ClassVar[list[Any]] = [PANES_CSS]
    COMMANDS: ClassVar[Any] = App.COMMANDS | DASHBOARD_PROVIDERS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "show_help", "Show every key"),
        Binding("w", "ask_watch_operation", "Watch an operation"),
        Binding("e", "toggle_problems_only", "Problems only"),
    ]

    def __init__(self, *, clock: FrozenClock | None = None, bell: bool = False, max_events: int = 500) -> None:
        super().__init__()
        register_themes(self)
        self.now = clock or FrozenClock()
        self.settings = SimpleNamespace(bell=bell)
        self.latest_snapshot: Snapshot | None = None
        self.calls: list[tuple[Any, ...]] = []
        self.rings = 0
        self._max_events = max_events

    def compose(self) -> ComposeResult:
        yield OperationsPane()
        yield EventFeed(max_lines=self._max_events)

    def feed(self, message: MonitorUpdate) -> None:
        self.latest_snapshot = message.snapshot
        self.query_one(OperationsPane).apply(message)
        self.query_one(EventFeed).apply(message)

    def bell(self) -> None:
        self.rings += 1

    # the app actions the panes engineer may call (names fixed by the contract)
    def action_jump_to_project(self, project_id: str) -> None:
        self.calls.append(("jump_to_project", project_id))

    def action_jump_to_resource(self, project_id: str, resource_id: str) -> None:
        self.calls.append(("jump_to_resource", project_id, resource_id))

    def action_watch_operation(self, op_id: str) -> None:
        self.calls.append(("watch_operation", op_id))
        self.query_one(OperationsPane).expect(op_id)

    def action_toggle_problems_only(self) -> None:
        self.calls.append(("toggle_problems_only",))

    def action_set_theme(self, name: str) -> None:
        self.calls.append(("set_theme", name))
        self.theme = name

    def action_copy_selected_id(self) -> None:
        self.calls.append(("copy_selected_id",))

    def action_show_help(self) -> None:
        self.calls.append(("show_help",))
        self.push_screen(HelpScreen())

    def action_ask_watch_operation(self) -> None:
        self.calls.append(("ask_watch_operation",))

        def watch(op_id: str | None) -> None:
            if op_id:
                self.action_watch_operation(op_id)

        self.push_screen(WatchOperationScreen(), watch)
