"""What the soak found, pinned down: render caches must hold what the screen shows, not every past frame.

`ProjectList._set_cell` bumps the DataTable's `_update_count` for every changed cell, and the table's render
caches (cells, rows, lines) are keyed on it: each cost change makes every cached render of the table stale, yet
the stale entries stay until the least-recently-used eviction reaches them (10,000 cells and 1,000 rows/lines
in Textual 8.2.8). A dashboard whose costs drift keeps filling those caches for hours: memory grows long after
warm-up (see test_soak.py). The live entries a screen needs are a few per visible cell.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from textual.app import App, ComposeResult

from cftui.api.models import Project
from cftui.monitor.state import Changed, Fetched, MonitorUpdate, Snapshot
from cftui.ui.widgets.project_list import COLUMNS, ProjectList

PROJECTS = 8
UPDATES = 8  # with the caches left to grow, 6 updates already hold 400 cell renders against a bound of 144
PAINT_PAUSE = 0.3  # longer than any coalescing of updates the list may do, as between two polls
START = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


class ListOnly(App[None]):
    def compose(self) -> ComposeResult:
        yield ProjectList(id="projects")


def snapshot_at(step: int) -> Snapshot:
    projects = tuple(
        Project(
            id=f"proj_{index}",
            name=f"project-{index}",
            status="active",
            resource_count=10,
            monthly_cost=Decimal(1000 + index * 100 + step) / 100,  # every cost drifts on every update
        )
        for index in range(PROJECTS)
    )
    return Snapshot(projects=Fetched(projects, START + timedelta(seconds=step)))


async def test_project_list_render_caches_do_not_keep_stale_frames() -> None:
    app = ListOnly()
    async with app.run_test(size=(120, 30)) as pilot:
        table = app.query_one(ProjectList)
        for step in range(UPDATES):
            table.apply(MonitorUpdate(snapshot=snapshot_at(step), changed=frozenset({Changed.PROJECTS})))
            await pilot.pause(PAINT_PAUSE)  # let it paint, as it would between polls
        visible_cells = (PROJECTS + 1) * len(COLUMNS)  # the rows and the header
        # generous: twice what one screen needs (cursor and zebra variants) — stale frames blow far past it
        assert len(table._cell_render_cache) <= 2 * visible_cells, len(table._cell_render_cache)
        assert len(table._row_render_cache) <= 2 * (PROJECTS + 1), len(table._row_render_cache)
        assert len(table._line_cache) <= 2 * (PROJECTS + 1), len(table._line_cache)
