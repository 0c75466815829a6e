"""A dashboard pane's frame, and the tab line that names the panes: each keeps its own state.

Which pane is active is `PaneGrid.active` (cftui/ui/pane_grid.py); the grid tells each `Pane`, and its
`PaneGrid.Switched` message reaches `PaneTabs` through the App. A pane's title is its number, its name and what
`summary()` says of its content (counts, sort, filter), marked `▶ ` while active (in words too, for terminals
without colour). Titles are `Content` (text, never markup) and are set only when they change.
"""

from __future__ import annotations

from typing import Any

from textual.containers import Vertical
from textual.content import Content
from textual.reactive import var
from textual.widget import Widget
from textual.widgets import Static

from cftui.ui.widgets.pane_filter import PaneFilter

PANES = ("projects", "resources", "operations", "events")
PANE_TITLES = {"projects": "Projects", "resources": "Resources", "operations": "Operations", "events": "Events"}


class Pane(Vertical):
    """The frame of pane `pane` (id `<pane>-pane`); its content is the widget with id `pane`."""

    DEFAULT_CLASSES = "pane"
    active: var[bool] = var(False, init=False, toggle_class="-active")

    def __init__(self, pane: str, *, active: bool = False, **kwargs: Any) -> None:
        super().__init__(id=f"{pane}-pane", **kwargs)
        self.pane = pane
        self.set_reactive(Pane.active, active)
        self.set_class(active, "-active")

    @property
    def body(self) -> Widget:
        """The widget that gets the keyboard when the pane becomes active."""
        return self.query_one(f"#{self.pane}")

    def summary(self) -> str:
        """What follows the pane's name in its title (panes with counts, a sort or a filter say so)."""
        return ""

    def start_filter(self) -> bool:
        """`/` in this pane: open its filter. False when it has none (the App filters the project list instead)."""
        return False

    def escape_filter(self) -> None:
        """Escape in this pane, unless a `PaneFilter` took it: one step back out of its filter (nothing without one)."""

    def on_mount(self) -> None:
        self.refresh_title()

    def watch_active(self) -> None:
        self.refresh_title()

    def refresh_title(self) -> None:
        title = f"{PANES.index(self.pane) + 1} {PANE_TITLES[self.pane]}"
        summary = self.summary()
        if summary:
            title += f" · {summary}"
        if self.active:
            title = f"▶ {title}"
        if self.border_title != title:
            self.border_title = Content(title)


class FilteredPane(Pane):
    """A pane with a filter box under its body: `/` opens it, Escape closes it."""

    def start_filter(self) -> bool:
        box = self.query_one(PaneFilter)
        box.display = True
        self.app.set_focus(box)  # at once: the letters typed right after `/` must reach the box
        return True

    def escape_filter(self) -> None:
        self.query_one(PaneFilter).close()


class PaneTabs(Static):
    """The tab line of the narrow layout (one pane at a time): the active pane in reverse video."""

    active: var[str] = var(PANES[0])

    def watch_active(self, active: str) -> None:
        parts: list[str | tuple[str, str]] = []
        for number, pane in enumerate(PANES, start=1):
            label = f" {number} {PANE_TITLES[pane]} "
            parts.append((label, "reverse bold") if pane == active else label)
            parts.append(" ")
        parts.append(" 0 All problems ")  # a screen, not a pane: offered here where the footer has no room
        self.update(Content.assemble(*parts))
