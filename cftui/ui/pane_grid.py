"""The container of the four panes: it owns which pane is active, and puts the panes in the order the current
layout's grid fills its cells.

It rearranges on its own `Resize`: the App does not see every terminal resize (the screen gets them), so a
resize across a breakpoint used to keep the old order in the new grid (styles/app.tcss has the layouts).
"""

from __future__ import annotations

from textual import events
from textual.containers import Container
from textual.message import Message
from textual.reactive import var
from textual.widget import Widget

from cftui.ui.widgets.pane import PANES, Pane

# grid fill order: medium is 2 columns (projects over resources | operations over events); wide is 3 columns
MEDIUM_ORDER = ("projects", "operations", "resources", "events")
WIDE_ORDER = ("projects", "resources", "operations", "events")
MEDIUM_FROM = 110  # below this the project table (about 66 columns) and a side column do not both fit
WIDE_FROM = 170


def pane_order(width: int) -> tuple[str, ...]:
    return WIDE_ORDER if width >= WIDE_FROM else MEDIUM_ORDER


class PaneGrid(Container):
    """`#main`: the panes, in grid order for the terminal's width. Posts `Switched` when another pane is active."""

    active: var[str] = var(PANES[0], init=False, always_update=True)

    class Switched(Message):
        """Another pane is the active one."""

        def __init__(self, pane: str) -> None:
            super().__init__()
            self.pane = pane

    def show(self, pane: str) -> None:
        """Make `pane` the active one and give its content the keyboard at once (keys already queued reach it)."""
        self.active = pane
        self.app.set_focus(self.body(pane))

    def step(self, step: int) -> None:
        """The next pane (`step` 1) or the one before (-1), round the four."""
        self.show(PANES[(PANES.index(self.active) + step) % len(PANES)])

    def frame(self, pane: str) -> Pane:
        return self.query_one(f"#{pane}-pane", Pane)

    def body(self, pane: str) -> Widget:
        return self.frame(pane).body

    def watch_active(self, pane: str) -> None:
        for child in self.query_children(Pane):
            child.active = child.pane == pane
            child.refresh_title()  # every pane: what a pane shows may have changed since its title was set
        self.post_message(self.Switched(pane))

    def on_mount(self) -> None:
        self.put_panes_in_grid_order(self.app.size.width)

    def on_resize(self, event: events.Resize) -> None:
        self.put_panes_in_grid_order(self.app.size.width)

    def put_panes_in_grid_order(self, width: int) -> None:
        wanted = [f"{pane}-pane" for pane in pane_order(width)]
        children = {child.id: child for child in self.children}
        if list(children) == wanted:
            return
        if not set(wanted) <= set(children):
            # a pane is already gone: the app is being torn down (a resize can arrive while a signal ends it, and
            # an error here would turn SIGTERM's exit code 143 into 1, with a traceback on the terminal)
            return
        for pane_id in wanted[1:]:
            self.move_child(children[pane_id], after=self.children[-1])
