"""Regenerate `screenshots/*.svg` and `*.png`: `python -m screenshots` (PNG needs `rsvg-convert`, librsvg2-bin).

Each state is the real app fed the same `MonitorUpdate`s the snapshot tests use, on a frozen clock, so the
pictures only change when the dashboard does.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # `tests.worlds` holds the states, shared with the snapshot tests


@dataclass(frozen=True)
class Shot:
    name: str
    state: str
    size: tuple[int, int]
    keys: Sequence[str] = ()
    title: str = ""


SHOTS = (
    Shot("healthy-120x40", "healthy", (120, 40), title="cftui: healthy"),
    Shot("healthy-80x24", "healthy", (80, 24), title="cftui at 80x24: one pane at a time"),
    Shot("resources-80x24", "healthy", (80, 24), ("2",), title="cftui at 80x24: the resource tree"),
    Shot("wide-200x60", "operation_running", (200, 60), title="cftui at 200x60"),
    Shot("stale-offline-120x40", "stale_offline", (120, 40), title="cftui: offline, last data kept"),
    Shot("auth-failed-120x40", "auth_failed", (120, 40), title="cftui: authentication failed"),
    Shot("operation-running-120x40", "operation_running", (120, 40), title="cftui: an operation running"),
    Shot("problems-only-120x40", "healthy", (120, 40), ("2", "e"), title="cftui: problems only"),
    Shot("detail-120x40", "healthy", (120, 40), ("2", "j", "j", "j", "enter"), title="cftui: resource detail"),
    Shot("project-cost-80x24", "healthy", (80, 24), ("c",), title="cftui at 80x24: a project's cost over time (c)"),
    Shot("resources-by-cost-120x40", "healthy", (120, 40), ("2", "s"), title="cftui: resources sorted by cost (s)"),
    Shot("org-problems-120x40", "org", (120, 40), ("0",), title="cftui: problems across the organisation (0)"),
    Shot("org-problems-80x24", "org", (80, 24), ("0",), title="cftui at 80x24: problems across the organisation"),
    Shot(
        "events-120x40", "events", (120, 40), ("4", "k", "k", "k", "k"), title="cftui: the events feed, a line in full"
    ),
    Shot("events-80x24", "events", (80, 24), ("4", "k", "k", "k", "k"), title="cftui at 80x24: the events feed"),
    Shot("push-120x40", "push", (120, 40), ("4",), title="cftui: webhooks pushed, confirmed, polling relaxed"),
    Shot("nasty-120x40", "nasty", (120, 40), ("2",), title="cftui: hostile names shown as text"),
)


async def take(shot: Shot, folder: Path) -> Path:
    from cftui.ui.app import CloudForgeApp
    from tests.builders import clock
    from tests.worlds import INFO, cost_history, state_updates

    app = CloudForgeApp(INFO, now=clock, cost_history=cost_history)
    async with app.run_test(size=shot.size) as pilot:
        for update in state_updates(shot.state):
            app.feed(update)
        await pilot.pause()
        for key in shot.keys:
            await pilot.press(key)
            await pilot.pause()
        await pilot.pause(0.3)
        svg = app.export_screenshot(title=shot.title or shot.name)
    path = folder / f"{shot.name}.svg"
    path.write_text(svg, encoding="utf-8")
    return path


def to_png(svg: Path) -> Path | None:
    """PNG beside the SVG. librsvg squeezes `&#160;` runs, so it is given a copy with plain, preserved spaces."""
    converter = shutil.which("rsvg-convert")
    if converter is None:
        return None
    text = svg.read_text(encoding="utf-8").replace("&#160;", " ")
    text = re.sub(r"<svg ", '<svg xml:space="preserve" ', text, count=1)
    png = svg.with_suffix(".png")
    subprocess.run([converter, "-o", str(png)], input=text.encode(), check=True)
    return png


def main(argv: Sequence[str] = ()) -> int:
    folder = HERE
    for shot in SHOTS:
        svg = asyncio.run(take(shot, folder))
        png = to_png(svg)
        print(f"{svg.relative_to(HERE.parent)}" + (f"  {png.relative_to(HERE.parent)}" if png else "  (no PNG)"))
    if shutil.which("rsvg-convert") is None:
        print("rsvg-convert not found: install librsvg2-bin for the PNGs", file=sys.stderr)
    return 0
