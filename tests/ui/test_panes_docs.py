"""docs/dashboard-keys.md names every key the dashboard binds and every palette command the panes offer."""

from __future__ import annotations

import re
from pathlib import Path

from textual.binding import Binding

from cftui.ui.app import CloudForgeApp
from cftui.ui.commands import DASHBOARD_ACTIONS
from cftui.ui.screens.detail import ResourceDetailScreen
from cftui.ui.screens.help import HelpScreen
from cftui.ui.screens.project_cost import ProjectCostScreen
from cftui.ui.screens.watch_prompt import WatchOperationScreen
from cftui.ui.widgets.event_feed import KIND_GLYPHS, EventFeed
from cftui.ui.widgets.operations import OperationsPane
from cftui.ui.widgets.project_list import ProjectList
from cftui.ui.widgets.resource_tree import ResourceTree

DOC = Path(__file__).resolve().parents[2] / "docs" / "dashboard-keys.md"
KEY_NAMES = {
    "question_mark": "?",
    "slash": "/",
    "colon": ":",
    "plus": "+",
    "minus": "-",
    "escape": "Escape",
    "tab": "Tab",
    "shift+tab": "Shift+Tab",
    "ctrl+c": "Ctrl+C",
    "ctrl+p": "Ctrl+P",
    "enter": "Enter",
    "down": "↓",
    "up": "↑",
    "home": "Home",
    "end": "End",
    "pageup": "PgUp",
    "pagedown": "PgDn",
}


def documented_keys() -> set[str]:
    return set(re.findall(r"`([^`]+)`", DOC.read_text(encoding="utf-8")))


def test_every_bound_key_is_documented() -> None:
    keys = documented_keys()
    owners = (
        CloudForgeApp,
        ProjectList,
        ResourceTree,
        OperationsPane,
        EventFeed,
        ResourceDetailScreen,
        ProjectCostScreen,
        HelpScreen,
        WatchOperationScreen,
    )
    missing = []
    for owner in owners:
        for binding in Binding.make_bindings(owner.BINDINGS):
            shown = KEY_NAMES.get(binding.key, binding.key)
            if shown not in keys:
                missing.append(f"{owner.__name__}: {binding.key} ({binding.description})")
    assert not missing, missing


def test_every_palette_action_and_event_glyph_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    for label, _action, _help in DASHBOARD_ACTIONS:
        assert f"`{label}`" in text
    for prefix in ("Project: <name>", "Resource: <name>", "Watch operation <id>", "Theme: <name>"):
        assert f"`{prefix}`" in text
    for glyph in KIND_GLYPHS.values():
        assert f"`{glyph}`" in text or f"`{glyph} " in text or f" `{glyph}`" in text
