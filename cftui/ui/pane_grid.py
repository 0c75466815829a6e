"""The container of the four panes, which puts them in the order the current layout's grid fills its cells.

It rearranges on its own `Resize`: the App does not see every terminal resize (the screen gets them), so a
resize across a breakpoint used to keep the old order in the new grid (styles/app.tcss has the layouts).
"""

from __future__ import annotations

from textual import events
from textual.containers import Container

# grid fill order: medium is 2 columns (projects over resources | operations over events); wide is 3 columns
MEDIUM_ORDER = ("projects", "operations", "resources", "events")
WIDE_ORDER = ("projects", "resources", "operations", "events")
MEDIUM_FROM = 110  # below this the project table (about 66 columns) and a side column do not both fit
WIDE_FROM = 170


def pane_order(width: int) -> tuple[str, ...]:
    return WIDE_ORDER if width >= WIDE_FROM else MEDIUM_ORDER


class PaneGrid(Container):
    """`#main`: the panes, in grid order for the terminal's width."""

    def on_mount(self) -> None:
        self.put_panes_in_grid_order(self.app.size.width)

    def on_resize(self, event: events.Resize) -> None:
        self.put_panes_in_grid_order(self.app.size.width)

    def put_panes_in_grid_order(self, width: int) -> None:
        wanted = [f"{pane}-pane" for pane in pane_order(width)]
        if [child.id for child in self.children] == wanted:
            return
        for pane_id in wanted[1:]:
            self.move_child(self.query_one(f"#{pane_id}"), after=self.children[-1])
