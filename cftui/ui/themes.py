"""cftui's own colour themes, and the choice of theme at start-up (flag, then NO_COLOR, then the default).

Textual brings its themes (`textual-dark`, `nord`, ...); cftui adds a high-contrast one for bright rooms,
projectors and tired eyes. `NO_COLOR` (https://no-color.org) is honoured by Textual itself: when the variable is
present at start-up the App adds a monochrome filter, so every colour becomes a grey. cftui then also picks the
high-contrast theme (unless a theme was asked for), so the greys it is left with are far apart. Nothing the
dashboard says depends on colour anyway: every status is a glyph and a word.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from textual.app import App
from textual.theme import Theme

HIGH_CONTRAST_THEME_NAME = "cftui-high-contrast"
DEFAULT_THEME_NAME = "textual-dark"

HIGH_CONTRAST = Theme(
    name=HIGH_CONTRAST_THEME_NAME,
    primary="#FFFF00",
    secondary="#00FFFF",
    accent="#FF66FF",
    warning="#FFB000",
    error="#FF4040",
    success="#00FF66",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#1C1C1C",
    boost="#333333",
    dark=True,
    luminosity_spread=0.25,
    text_alpha=1.0,
    variables={
        "border": "#FFFFFF",
        "border-blurred": "#9A9A9A",
        "footer-key-foreground": "#FFFF00",
        "block-cursor-background": "#FFFF00",
        "block-cursor-foreground": "#000000",
        "block-cursor-text-style": "bold",
        "input-selection-background": "#FFFF00 50%",
        "scrollbar": "#9A9A9A",
        "scrollbar-hover": "#FFFFFF",
    },
)

CFTUI_THEMES: tuple[Theme, ...] = (HIGH_CONTRAST,)


class UnknownThemeError(ValueError):
    """A theme name that is not registered; the message lists the ones that are."""


def register_themes(app: App[Any]) -> None:
    """Make cftui's themes selectable on `app` (call it in `App.__init__` or `on_mount`)."""
    for theme in CFTUI_THEMES:
        app.register_theme(theme)


def no_color_requested(environ: Mapping[str, str] | None = None) -> bool:
    """True when NO_COLOR is present, with Textual's reading of it: presence counts, whatever its value."""
    return "NO_COLOR" in (os.environ if environ is None else environ)


def theme_names(app: App[object]) -> list[str]:
    """Every theme a user can pick on `app`, sorted, cftui's included once registered."""
    return sorted(app.available_themes)


def choose_theme(app: App[Any], requested: str | None, environ: Mapping[str, str] | None = None) -> str:
    """The theme to start with: the one asked for (flag or profile), else high contrast under NO_COLOR.

    Raises `UnknownThemeError` with a sentence naming the available themes when `requested` is not one of them.
    """
    available = app.available_themes
    if requested:
        name = requested.strip()
        if name not in available:
            names = ", ".join(sorted(available))
            raise UnknownThemeError(f"Unknown theme {name!r}. Available themes: {names}.")
        return name
    if no_color_requested(environ) and HIGH_CONTRAST_THEME_NAME in available:
        return HIGH_CONTRAST_THEME_NAME
    return app.theme or DEFAULT_THEME_NAME
