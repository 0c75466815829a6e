"""The footer: the keys that matter most, as many as fit the width whole, never a label cut mid-word.

Textual's Footer lays every shown binding out in a row and the terminal's edge cuts the last one (at 80 columns
`w Watch o▏`). This bar picks by importance instead: each binding's rank comes from `KEY_RANK` (by action; the
rest keep their order after the ranked ones), the hints that fit are kept, then shown in binding order. It redraws
when the screen's bindings change (a key that takes turns, such as p Pause / Resume) and when the width changes.
"""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Static

# Most important first: what an on-call engineer needs to find without opening the help.
KEY_RANK = (
    "show_help",
    "quit",
    "app.pop_screen",
    "command_palette",
    "show_problems",
    "toggle_problems_only",
    "start_filter",
    "refresh_now",
    "pause",
    "resume",
    "toggle_zoom",
    "copy_selected_id",
    "ask_watch_operation",
    "cycle_sort",
)
GAP = 2  # columns between two hints


def hint_width(key: str, description: str) -> int:
    return len(key) + 1 + len(description)


def choose_hints(hints: list[tuple[str, str, str]], width: int) -> list[tuple[str, str, str]]:
    """The (key, description, action) hints that fit `width` whole: the most important first, shown in the order
    given. Pure, so the choice at each width is tested without a terminal."""
    order = {action: rank for rank, action in enumerate(KEY_RANK)}
    ranked = sorted(range(len(hints)), key=lambda i: (order.get(hints[i][2], len(KEY_RANK)), i))
    kept: set[int] = set()
    used = 0
    for index in ranked:
        key, description, _ = hints[index]
        cost = hint_width(key, description) + (GAP if kept else 0)
        if used + cost <= width:
            kept.add(index)
            used += cost
    return [hint for i, hint in enumerate(hints) if i in kept]


class KeyBar(Static):
    """The last row of every screen: key hints that fit, most important first."""

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-description-foreground;
        padding: 0 1;
    }
    """

    shown_text = ""  # the hints on screen, as plain text

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.redraw()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def on_resize(self, event: events.Resize) -> None:
        self.redraw()

    def _bindings_changed(self, _screen: object) -> None:
        self.redraw()

    def hints(self) -> list[tuple[str, str, str]]:
        """(key as shown, description, action) of every enabled binding the screen offers in the footer."""
        seen: set[str] = set()
        found: list[tuple[str, str, str]] = []
        for active in self.screen.active_bindings.values():
            binding: Binding = active.binding
            if not active.enabled or not binding.description or binding.action in seen:
                continue
            if not binding.show and binding.action != "command_palette":
                continue
            seen.add(binding.action)
            found.append((self.app.get_key_display(binding), binding.description, binding.action))
        return found

    def redraw(self) -> None:
        width = max(0, self.content_size.width or self.app.size.width - 2)
        chosen = choose_hints(self.hints(), width)
        parts: list[str | tuple[str, str]] = []
        for index, (key, description, _) in enumerate(chosen):
            if index:
                parts.append(" " * GAP)
            parts += [(key, "bold $footer-key-foreground"), f" {description}"]
        content = Content.assemble(*parts)
        if content.plain != self.shown_text:
            self.shown_text = content.plain
            self.update(content)
