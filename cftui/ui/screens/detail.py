"""Resource detail: every field, its configuration and tags, the operation running on it, and a cost chart.

The screen follows the live data: each `MonitorUpdate` refreshes the fields if the resource changed (or says
that it is gone). The cost history comes from the monitor's history store, drawn with plotext.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable
from datetime import datetime
from typing import Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from cftui.api.models import Operation, Resource
from cftui.monitor.state import CostSample, Fetched, MonitorUpdate, Snapshot
from cftui.monitor.trend import WINDOWS
from cftui.ui.cost_trend import change_sentence
from cftui.ui.format import (
    age,
    cost_text,
    countdown,
    one_line,
    operation_badge,
    progress_bar,
    status_badge,
)
from cftui.ui.screens.cost_screen import CostScreen
from cftui.ui.widgets.cost_chart import CostChart
from cftui.ui.widgets.cost_chart import clock_ticks as clock_ticks  # re-exported: its tests import it from here
from cftui.ui.widgets.key_bar import KeyBar

LABEL_WIDTH = 16


def _line(label: str, value: str) -> str:
    return f"{label:<{LABEL_WIDTH}}{one_line(value)}"


def _when(moment: datetime | None, now: datetime) -> str:
    if moment is None:
        return "—"
    return f"{moment.strftime('%Y-%m-%d %H:%M:%S UTC')} ({age(moment, now)})"


def resource_fields(resource: Resource, now: datetime, project: tuple[str, str] | None = None) -> list[str]:
    """Every known field, then every field the API sent that this version does not know. `project`: its id and
    the line that shows it (`shop-production (proj_…)`); the payload's own `project_id` then goes unrepeated."""
    lines = [
        _line("id", resource.id),
        _line("name", resource.name),
        *([_line("project", project[1])] if project is not None else []),
        _line("type", f"{resource.type} ({resource.category})"),
        _line("status", status_badge(resource.status)),
        _line("provider", resource.provider or "—"),
        _line("region", resource.region or "—"),
        _line("monthly cost", cost_text(resource)),
        _line("created", _when(resource.created_at, now)),
        _line("updated", _when(resource.updated_at, now)),
        _line("operation", resource.operation_id or "none running"),
    ]
    for key, value in sorted(resource.extra_fields.items()):
        if project is not None and key == "project_id" and value == project[0]:
            continue  # the project line says it, with the project's name
        lines.append(_line(key, value if isinstance(value, str) else json.dumps(value, default=str)))
    return lines


def mapping_lines(values: dict[str, Any]) -> list[str]:
    if not values:
        return ["(none)"]
    width = min(28, max(len(one_line(str(k))) for k in values) + 2)
    lines = []
    for key, value in sorted(values.items(), key=lambda item: str(item[0])):
        shown = value if isinstance(value, str) else json.dumps(value, default=str, ensure_ascii=False)
        lines.append(f"{one_line(str(key)):<{width}}{one_line(shown)}")
    return lines


def operation_lines(operation: Operation | None, operation_id: str | None, now: datetime) -> list[str]:
    if operation_id is None:
        return ["No operation is running on this resource."]
    if operation is None:
        return [f"{one_line(operation_id)} is running. Press w to watch it and follow its progress and log."]
    lines = [
        _line("operation", f"{operation.id} ({operation.type})"),
        _line("status", operation_badge(operation.status)),
        _line("progress", progress_bar(operation.clamped_progress, 30)),
        _line("started", _when(operation.started_at, now)),
    ]
    if operation.estimated_completion and not operation.is_finished:
        lines.append(_line("expected end", countdown(operation.estimated_completion, now)))
    lines += [f"  {one_line(log.message)}" for log in operation.logs[-5:]]
    return lines


MAX_LOOKS = 500  # looks at the cost kept while the detail is open (one a refresh: 40 minutes at 5 s)


class ResourceDetailScreen(CostScreen):
    """Full screen; Escape goes back to the dashboard."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("w", "watch_running_operation", "Watch its operation"),
        Binding("j", "scroll_down", "Scroll down", show=False),
        Binding("k", "scroll_up", "Scroll up", show=False),
        Binding("g", "scroll_top", "Scroll to the top", show=False),
        Binding("G", "scroll_bottom", "Scroll to the bottom", show=False),
    ]
    NOTE_ID = "detail-chart-note"
    SUBJECT = "resource"

    def __init__(self, project_id: str, resource: Resource, *, now: Callable[[], datetime]) -> None:
        super().__init__(project_id, now=now)
        self.resource = resource
        self._operation: Operation | None = None
        self._gone = False
        # the looks at the resource's cost while this screen is open (its list's fetch times): the chart runs up to
        # the latest, so a cost that has not moved is a flat line after one refresh, not "one sample so far"
        self._looks: deque[CostSample] = deque(maxlen=MAX_LOOKS)
        self._history: list[CostSample] | None = None  # read once when the screen opens; the looks extend it

    def compose(self) -> ComposeResult:
        yield self.status_line()
        with VerticalScroll(id="detail-body"):
            yield Static(id="detail-fields", classes="detail-section")
            yield Static(id="detail-operation", classes="detail-section")
            with Vertical(id="detail-columns"):
                yield Static(id="detail-configuration", classes="detail-section")
                yield Static(id="detail-tags", classes="detail-section")
            yield Static(id="detail-cost-change")
            yield CostChart(id="detail-chart")
            yield Static(id="detail-chart-note")
        yield KeyBar()

    def opened(self, snapshot: Snapshot | None) -> None:
        if snapshot is not None:
            self._apply_status(MonitorUpdate(snapshot=snapshot))
            self._observe(snapshot.resources.get(self.project_id))
        self._show_fields()
        self._load_history()

    def _observe(self, fetched: Fetched[tuple[Resource, ...]] | None) -> bool:
        """Note the resource's cost as of this fetch; True when it is a newer look than the last one."""
        if fetched is None or self.resource.monthly_cost is None:
            return False
        if self._looks and fetched.fetched_at <= self._looks[-1].at:
            return False
        self._looks.append(CostSample(at=fetched.fetched_at, monthly_cost=self.resource.monthly_cost))
        return True

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`w` is offered only while an operation runs on the resource."""
        if action == "watch_running_operation":
            return self.resource.operation_id is not None
        return True

    def selected_id(self) -> tuple[str | None, str]:
        return self.resource.id, "resource id"

    def apply(self, update: MonitorUpdate) -> None:
        snapshot = update.snapshot
        self._apply_status(update)
        fetched = snapshot.resources.get(self.project_id)
        if fetched is not None:
            fresh = next((r for r in fetched.value if r.id == self.resource.id), None)
            gone = fresh is None
            if fresh is not None and fresh != self.resource:
                self.resource = fresh
                self._show_fields()
            elif gone != self._gone:
                self._gone = gone
                self._show_fields()
            if not gone and self._ready and self._observe(fetched):
                self._draw_chart()  # the chart follows each refresh (no new read: the look is the news)
        op_id = self.resource.operation_id
        watched = snapshot.operations.get(op_id) if op_id else None
        operation = watched.value if watched is not None else None
        if operation != self._operation:
            self._operation = operation
            self._show_fields()

    def _project_label(self) -> str:
        """`shop-production (proj_…)`: the project's name from the latest list, its id always."""
        name = self._project_name(getattr(self.app, "latest_snapshot", None))
        return f"{one_line(name)} ({self.project_id})" if name else self.project_id

    def _show_fields(self) -> None:
        if not self._ready:
            return  # on_mount renders whatever arrived before it
        now = self._now()
        resource = self.resource
        self.refresh_bindings()  # `w` comes and goes with the operation on the resource
        title = f"{one_line(resource.name or resource.id)} · {one_line(resource.type)}"
        self.query_one("#detail-fields").border_title = Content(title + (" · GONE" if self._gone else ""))
        fields = resource_fields(resource, now, (self.project_id, self._project_label()))
        if self._gone:
            fields.insert(0, "This resource is no longer in the project (deleted); showing its last known state.")
        self.query_one("#detail-fields", Static).update(Content("\n".join(fields)))
        operation = self.query_one("#detail-operation", Static)
        operation.border_title = Content("Operation")
        operation.update(Content("\n".join(operation_lines(self._operation, resource.operation_id, now))))
        config = self.query_one("#detail-configuration", Static)
        config.border_title = Content("Configuration")
        config.update(Content("\n".join(mapping_lines(resource.configuration))))
        tags = self.query_one("#detail-tags", Static)
        tags.border_title = Content("Tags")
        tags.update(Content("\n".join(mapping_lines(dict(resource.tags)))))

    @work(exclusive=True, group="cost-history", exit_on_error=False)
    async def _load_history(self) -> None:
        source = getattr(self.app, "cost_history", None)
        self._history = list(await source(self.resource.id)) if callable(source) else []
        self._draw_chart()

    def _draw_chart(self) -> None:
        if self._history is None:
            return  # the history is still being read; it draws when it arrives
        samples = list(self._history)
        looks = list(self._looks)
        if not looks and self.resource.monthly_cost is not None:
            looks = [CostSample(at=self._now(), monthly_cost=self.resource.monthly_cost)]
        samples += [look for look in looks if not samples or look.at > samples[-1].at]
        # the change over the last hour and day, up to the latest look (the data's time, not the clock's)
        until = samples[-1].at if samples else self._now()
        change = "\n".join(change_sentence(samples, window, until) for window in WINDOWS)
        self.query_one("#detail-cost-change", Static).update(Content(change))
        self._show_cost(samples)

    def action_watch_running_operation(self) -> None:
        op_id = self.resource.operation_id
        if op_id is None:
            self.notify("No operation is running on this resource.", severity="warning", markup=False)
            return
        watch = getattr(self.app, "action_watch_operation", None)
        if callable(watch):
            watch(op_id)

    def action_scroll_down(self) -> None:
        self.query_one("#detail-body", VerticalScroll).scroll_down()

    def action_scroll_up(self) -> None:
        self.query_one("#detail-body", VerticalScroll).scroll_up()

    def action_scroll_top(self) -> None:
        self.query_one("#detail-body", VerticalScroll).scroll_home(animate=False)

    def action_scroll_bottom(self) -> None:
        self.query_one("#detail-body", VerticalScroll).scroll_end(animate=False)
