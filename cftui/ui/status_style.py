"""How a status badge (`✖ error`) is styled, so the worst thing on screen is the easiest to read.

The word keeps the pane's own text colour (the theme's foreground, readable on its background in every theme);
only the glyph carries the severity colour, and a problem's word is bold. Without colour (`NO_COLOR`, where every
colour becomes a grey) a problem is shown in reverse video, an unknown status underlined: they stand out by weight
and reverse, never by a grey that may be darker than a healthy row. `tests/ui/test_contrast.py` measures the
rendered colours of every theme against WCAG's 4.5:1.
"""

from __future__ import annotations

from rich.text import Span

GLYPH_COLOURS = {"error": "red", "busy": "yellow", "muted": "dim", "unknown": "magenta"}
WORD_WEIGHT = {"error": "bold", "unknown": "bold"}
MONOCHROME = {"error": "bold reverse", "unknown": "bold underline"}


def badge_spans(severity: str, glyph_cells: int, badge_cells: int, *, monochrome: bool) -> list[Span]:
    """Spans for a badge of `badge_cells` cells whose glyph takes the first `glyph_cells`."""
    if monochrome:
        style = MONOCHROME.get(severity)
        return [Span(0, badge_cells, style)] if style else []
    spans = []
    if colour := GLYPH_COLOURS.get(severity):
        spans.append(Span(0, glyph_cells, colour))
    if weight := WORD_WEIGHT.get(severity):
        spans.append(Span(glyph_cells, badge_cells, weight))
    return spans


def problem_count_style(*, monochrome: bool) -> str:
    """The Errs count of a project with problems: bold in the text colour, reverse without colour."""
    return "bold reverse" if monochrome else "bold"
