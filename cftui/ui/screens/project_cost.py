"""A project's cost over time: its monthly total as cftui observed it, and its change over the last hour and day.

Opened with `c` on the dashboard for the selected project (the projects or the resources pane). The samples are
the monitor's (`snapshot.project_costs`: the latest ones whole and the last day thinned to one per 10 minutes, read
back from the history at start), so the chart follows every update; the chart is the one the resource detail draws too
(`widgets/cost_chart.py`: clock-time axis, dollars on the y-axis). Escape (or `q`) goes back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Static

from cftui.monitor.state import CostSample, MonitorUpdate, Snapshot
from cftui.monitor.trend import WINDOWS
from cftui.ui.cost_trend import change_sentence
from cftui.ui.format import duration, money, one_line
from cftui.ui.screens.cost_screen import CostScreen
from cftui.ui.widgets.cost_chart import CostChart
from cftui.ui.widgets.key_bar import KeyBar


def summary_lines(name: str, project_id: str, samples: Sequence[CostSample], now: datetime) -> list[str]:
    """The lines above the chart: whose cost, the latest value, the hour's and day's change, what is known."""
    head = f"{one_line(name)} ({project_id})" if name else project_id
    lines = [f"{head} · now {money(samples[-1].monthly_cost)} a month" if samples else f"{head} · no cost seen yet"]
    lines += [change_sentence(samples, window, now) for window in WINDOWS]
    if samples:
        known = duration(now - samples[0].at)
        count = f"{len(samples)} samples over {known}" if len(samples) > 1 else "1 sample"
        lines.append(f"{count}, as cftui saw it (the API keeps no cost history)")
    return lines


class ProjectCostScreen(CostScreen):
    """Full screen; Escape goes back to the dashboard."""

    NOTE_ID = "project-cost-note"
    SUBJECT = "project"

    def __init__(self, project_id: str, *, now: Callable[[], datetime]) -> None:
        super().__init__(project_id, now=now)
        self._samples: tuple[CostSample, ...] | None = None
        self._shown_name = ""

    def compose(self) -> ComposeResult:
        yield self.status_line()
        yield Static(id="project-cost-summary")
        yield CostChart(id="project-cost-chart")
        yield Static(id="project-cost-note")
        yield KeyBar()

    def opened(self, snapshot: Snapshot | None) -> None:
        if snapshot is not None:
            self.apply(MonitorUpdate(snapshot=snapshot))
        else:
            self._draw(())

    def selected_id(self) -> tuple[str | None, str]:
        return self.project_id, "project id"

    def apply(self, update: MonitorUpdate) -> None:
        if not self._ready:
            return  # on_mount draws whatever the app holds then
        self._apply_status(update)
        snapshot = update.snapshot
        samples = snapshot.project_costs.get(self.project_id, ())
        name = self._project_name(snapshot)
        if samples is not self._samples or name != self._shown_name:
            self._shown_name = name
            self._draw(samples, self._data_time(snapshot))

    def _data_time(self, snapshot: Snapshot) -> datetime:
        """The changes run up to the data's time (the project list's fetch), never the clock's."""
        return snapshot.projects.fetched_at if snapshot.projects is not None else self._now()

    def _draw(self, samples: Sequence[CostSample], now: datetime | None = None) -> None:
        self._samples = tuple(samples)
        moment = now if now is not None else self._now()
        summary = self.query_one("#project-cost-summary", Static)
        summary.update(Content("\n".join(summary_lines(self._shown_name, self.project_id, samples, moment))))
        name = one_line(self._shown_name or self.project_id)
        note = self._show_cost(samples, title=f"{name}: monthly cost over time (as observed)")
        note.display = len(samples) < 2
