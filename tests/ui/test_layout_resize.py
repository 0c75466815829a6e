"""A resize across a layout breakpoint gives exactly the layout a fresh start at that size gives."""

from __future__ import annotations

import pytest

from cftui.ui.app import CloudForgeApp
from tests.builders import update
from tests.ui.dashboard import fed_dashboard
from tests.worlds import healthy_snapshot

SIZES = [(80, 24), (120, 40), (200, 60)]
PANES = ("projects-pane", "resources-pane", "operations-pane", "events-pane")


async def pane_regions(app: CloudForgeApp, pilot) -> dict[str, tuple[int, int, int, int]]:
    await pilot.pause()
    await pilot.pause()
    regions = {}
    for pane_id in PANES:
        pane = app.query_one(f"#{pane_id}")
        region = pane.region
        regions[pane_id] = (region.x, region.y, region.width, region.height) if pane.display else None
    return regions


async def fresh_regions(size: tuple[int, int]) -> dict[str, tuple[int, int, int, int]]:
    async with fed_dashboard(update(healthy_snapshot()), size=size) as (app, pilot):
        return await pane_regions(app, pilot)


@pytest.mark.parametrize(("start", "target"), [(a, b) for a in SIZES for b in SIZES if a != b])
async def test_resize_gives_the_fresh_layout(start: tuple[int, int], target: tuple[int, int]) -> None:
    expected = await fresh_regions(target)
    async with fed_dashboard(update(healthy_snapshot()), size=start) as (app, pilot):
        await pilot.pause()
        await pilot.resize_terminal(*target)
        assert await pane_regions(app, pilot) == expected
