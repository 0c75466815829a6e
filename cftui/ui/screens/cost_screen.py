"""What the two cost screens (a resource's detail, a project's cost) share.

Each shows the dashboard's status line on top (the connection state and the data's age are never hidden), a
`CostChart` with the note that stands in for it below two samples, and goes back with Escape (or `q`). Each draws
what the app holds when it opens (`opened`), then follows the monitor's updates (`apply`).
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from cftui.monitor.state import CostSample, MonitorUpdate, Snapshot
from cftui.ui.widgets.cost_chart import DEFAULT_TITLE, CostChart, single_sample_note
from cftui.ui.widgets.status_line import StatusLine


class CostScreen(Screen[None]):
    """Full screen about one subject of a project; Escape goes back to the dashboard."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("q", "app.pop_screen", "Back", show=False),
    ]
    NOTE_ID: ClassVar[str]  # the id of the Static that stands in for the chart
    SUBJECT: ClassVar[str]  # what the note says there is no cost of yet ("resource", "project")

    def __init__(self, project_id: str, *, now: Callable[[], datetime]) -> None:
        super().__init__()
        self.project_id = project_id
        self._now = now
        self._ready = False  # mounted: the widgets can be queried

    def status_line(self) -> Widget:
        """The dashboard's status line (an empty row where the app has none to give, as in a bare test app)."""
        info, now = getattr(self.app, "info", None), getattr(self.app, "now", None)
        if info is not None and now is not None:
            return StatusLine(info, now, id="detail-status")
        return Static(id="detail-status")

    def on_mount(self) -> None:
        self._ready = True
        self.opened(getattr(self.app, "latest_snapshot", None))

    @abstractmethod
    def opened(self, snapshot: Snapshot | None) -> None:
        """Draw what the app holds as the screen opens (None: nothing has arrived yet); each screen has its own."""

    def _project_name(self, snapshot: Snapshot | None) -> str:
        """The project's name in the latest project list ("" while it is not known)."""
        projects = snapshot.projects.value if snapshot is not None and snapshot.projects is not None else ()
        return next((p.name for p in projects if p.id == self.project_id and p.name), "")

    def _apply_status(self, update: MonitorUpdate) -> None:
        if not self._ready:
            return
        status = self.query_one("#detail-status")
        if isinstance(status, StatusLine):
            status.apply(update)

    def _show_cost(self, samples: Sequence[CostSample], title: str = DEFAULT_TITLE) -> Static:
        """Draw the chart (from two samples on) or the note in its place; returns the note."""
        chart = self.query_one(CostChart)
        chart.show(samples, title=title)
        chart.display = len(samples) >= 2
        note = self.query_one(f"#{self.NOTE_ID}", Static)
        note.update(Content(single_sample_note(samples, self.SUBJECT) if len(samples) < 2 else ""))
        return note
