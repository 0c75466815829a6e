"""Status words reach WCAG's 4.5:1 contrast in every bundled theme, and without colour problems stand out by weight
and reverse video (issue 13 item 4).

Measured from what the panes render (`Widget.render_lines`: the strips after Textual's theme, CSS and line filters,
the NO_COLOR monochrome filter included), never from the style sheet. The `ansi-*` themes are left out: their
colours are the terminal's own palette, which the program cannot know.
"""

from __future__ import annotations

import pytest
from rich.segment import Segment
from textual.color import Color
from textual.geometry import Region
from textual.widget import Widget

from cftui.ui.app import CloudForgeApp
from cftui.ui.widgets.project_list import ProjectList
from cftui.ui.widgets.resource_tree import ResourceTree
from tests.builders import clock, update
from tests.ui.dashboard import fed_dashboard
from tests.worlds import INFO, healthy_snapshot

STATUS_WORDS = ("running", "error", "stopped", "active", "archived")
WCAG_AA = 4.5


def luminance(colour: Color) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(colour.r) + 0.7152 * channel(colour.g) + 0.0722 * channel(colour.b)


def contrast(a: Color, b: Color) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def segment_contrast(segment: Segment) -> float:
    """Text against its background as a terminal shows it: reverse swaps them, dim blends the text halfway."""
    style = segment.style
    assert style is not None and style.color is not None and style.bgcolor is not None, segment
    fg, bg = Color.from_rich_color(style.color), Color.from_rich_color(style.bgcolor)
    if style.reverse:
        fg, bg = bg, fg
    if style.dim:
        fg = bg.blend(fg, 0.5)
    return contrast(fg, bg)


def status_segments(widget: Widget) -> list[tuple[str, Segment]]:
    found = []
    for strip in widget.render_lines(Region(0, 0, widget.size.width, widget.size.height)):
        for segment in strip:
            found += [(word, segment) for word in STATUS_WORDS if word in segment.text]
    return found


async def rendered_status_words(app: CloudForgeApp, pilot: object) -> list[tuple[str, Segment]]:
    words = status_segments(app.query_one(ProjectList)) + status_segments(app.query_one(ResourceTree))
    assert {word for word, _ in words} >= {"running", "error", "stopped", "active"}
    return words


async def test_status_words_reach_4_5_to_1_in_every_bundled_theme() -> None:
    async with fed_dashboard(update(healthy_snapshot()), size=(200, 60)) as (app, pilot):
        await pilot.pause()
        themes = [name for name in sorted(app.available_themes) if not name.startswith("ansi-")]
        assert "cftui-high-contrast" in themes and "solarized-dark" in themes and len(themes) > 10
        worst: dict[str, float] = {}
        for theme in themes:
            app.theme = theme
            await pilot.pause()
            for _word, segment in await rendered_status_words(app, pilot):
                worst[theme] = min(worst.get(theme, 99.0), segment_contrast(segment))
        low = {theme: round(ratio, 2) for theme, ratio in worst.items() if ratio < WCAG_AA}
        assert low == {}, f"status words under 4.5:1: {low}"


async def test_without_colour_problems_stand_out_by_weight_and_reverse(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = CloudForgeApp(INFO, now=clock)
    async with app.run_test(size=(200, 60)) as pilot:
        assert app.no_color
        app.feed(update(healthy_snapshot()))
        await pilot.pause()
        words = await rendered_status_words(app, pilot)
        for word, segment in words:
            assert segment_contrast(segment) >= WCAG_AA, (word, segment)
        errors = [segment for word, segment in words if word == "error"]
        assert errors and all(s.style and s.style.bold and s.style.reverse for s in errors)
        tree_running = [s for word, s in status_segments(app.query_one(ResourceTree)) if word == "running"]
        assert tree_running and not any(s.style and s.style.reverse for s in tree_running)
        errs = [
            segment
            for strip in app.query_one(ProjectList).render_lines(Region(0, 0, 200, 10))
            for segment in strip
            if "✖" in segment.text
        ]
        assert errs and all(s.style and s.style.bold and s.style.reverse for s in errs)
