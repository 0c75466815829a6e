"""`?`: every key the dashboard answers to, read from the live bindings so the list can never drift.

Groups, in order: the app's own bindings (work everywhere), the screen's, then one group per kind of widget on
that screen, the focused one first. A key listed in an earlier group with the same meaning is not repeated.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Input, Static

KEY_COLUMN = 16
# the dialog's text is 74 cells wide at 80 columns (border, padding, scroll bar): keys, a space, this
DESCRIPTION_WIDTH = 56


@dataclass
class KeyEntry:
    """One action with every key bound to it in a group, e.g. `↓ / j` -> `Cursor down`."""

    keys: list[str]
    description: str
    action: str


@dataclass
class KeyGroup:
    title: str
    entries: list[KeyEntry] = field(default_factory=list)


def _humanise(name: str) -> str:
    """`ResourceTree` -> `Resource tree`, `toggle_problems_only` -> `Toggle problems only`."""
    words: list[str] = []
    current = ""
    for char in name.replace("_", " "):
        if char.isupper() and current and not current[-1].isupper() and current[-1] != " ":
            words.append(current)
            current = char.lower()
        else:
            current += char
    words.append(current)
    text = " ".join(w.strip() for w in words if w.strip())
    return text[:1].upper() + text[1:]


# Textual's own bindings that do nothing useful in cftui: its text-selection copy (cftui copies ids with `y`; in a
# text box ctrl+c is the app's quit, which leaves only super+c, which terminals rarely send) and sideways scrolling
# in panes that never scroll sideways.
HIDDEN_ACTIONS = frozenset(
    {"screen.copy_text", "copy_text", "copy", "scroll_left", "scroll_right", "page_left", "page_right"}
)
# sideways cursor moves: hidden in the panes, kept in a text box where they move the text cursor
SIDEWAYS_CURSOR = frozenset({"cursor_left", "cursor_right"})
TEXT_BOX_TYPES = ("Input",)
# What a key does in a given widget, where Textual's word for it says nothing about cftui ("Select").
DESCRIPTIONS = {
    ("ProjectList", "select_cursor"): "Open the project's resources",
    ("ResourceTree", "select_cursor"): "Open the resource's detail (on a group: fold or unfold it)",
    ("ResourceTree", "toggle_node"): "Fold or unfold a group",
    ("*", "command_palette"): "Command palette: find a project, resource, operation or action",
    ("*", "quit"): "Quit cftui",
}
GROUP_TITLES = {"Input": "Filter box (while typing)"}


def _sentence_case(text: str) -> str:
    """`Scroll Up` -> `Scroll up`: Textual's descriptions are in title case, cftui's are sentences."""
    words = text.split(" ")
    rest = [w.lower() if w[:1].isupper() and w[1:].islower() else w for w in words[1:]]
    first = words[0][:1].upper() + words[0][1:]
    return " ".join([first, *rest])


def help_description(binding: Binding, node: DOMNode | None = None) -> str:
    """The help text for a binding: a cftui override, the binding's tooltip (the long form of its footer
    label), its description, or its action's name."""
    kind = type(node).__name__ if node is not None else ""
    override = DESCRIPTIONS.get((kind, binding.action)) or DESCRIPTIONS.get(("*", binding.action))
    if override:
        return override
    if binding.tooltip:
        return _sentence_case(binding.tooltip)
    if binding.description:
        return _sentence_case(binding.description)
    action = binding.action.split("(", 1)[0].rsplit(".", 1)[-1]
    return _humanise(action)


def is_hidden(binding: Binding, node: DOMNode) -> bool:
    """Textual internals that make no sense here (see HIDDEN_ACTIONS); a text box keeps all its keys."""
    if binding.action in HIDDEN_ACTIONS:
        return True
    return binding.action in SIDEWAYS_CURSOR and type(node).__name__ not in TEXT_BOX_TYPES


def group_title(node: DOMNode) -> str:
    """A widget may name its help group with a `HELP_GROUP` class attribute; otherwise its class name, humanised."""
    custom = getattr(type(node), "HELP_GROUP", None) or GROUP_TITLES.get(type(node).__name__)
    return str(custom) if custom else _humanise(type(node).__name__)


def _declared_bindings(node: DOMNode) -> list[Binding]:
    """The bindings `node`'s classes declare in their public `BINDINGS` (a subclass's binding of a key replaces
    its bases' bindings of that key, as Textual merges them; `Static`'s `inherit_bindings=False` changes nothing
    here, since `Widget` and `DOMNode` declare no bindings)."""
    keys: dict[str, list[Binding]] = {}
    for base in reversed(type(node).__mro__):
        if issubclass(base, DOMNode):
            keys.update(BindingsMap(base.__dict__.get("BINDINGS", [])).key_to_bindings)
    return [binding for bindings in keys.values() for binding in bindings]


def _live_bindings(screen: Screen[Any]) -> dict[DOMNode, list[Binding]]:
    """What the screen's public `active_bindings` adds for the app, the screen and the focused chain: bindings
    made at run time (`bind`) and keys a keymap changed."""
    live: dict[DOMNode, list[Binding]] = {}
    for active in screen.active_bindings.values():
        live.setdefault(active.node, []).append(active.binding)
    return live


def _bindings_of(node: DOMNode, live: dict[DOMNode, list[Binding]] | None = None) -> Iterable[Binding]:
    declared = _declared_bindings(node)
    yield from declared
    seen = {(binding.key, binding.action) for binding in declared}
    for binding in (live or {}).get(node, []):
        if (binding.key, binding.action) not in seen:
            seen.add((binding.key, binding.action))
            yield binding


def _shadowing_keys(app: DOMNode, live: dict[DOMNode, list[Binding]]) -> set[str]:
    """Keys the app binds with priority: they win over any widget's binding of the same key."""
    return {binding.key for binding in _bindings_of(app, live) if binding.priority}


def _widget_sources(screen: Screen[object]) -> list[tuple[str, DOMNode]]:
    """One source per kind of widget: the focused one and its containers first, Textual's own widgets last."""
    focused = screen.focused
    ordered: list[Widget] = []
    if focused is not None:
        ordered.extend(node for node in focused.ancestors_with_self if isinstance(node, Widget))
    others = list(screen.walk_children(Widget))
    ordered.extend(w for w in others if not type(w).__module__.startswith("textual."))
    ordered.extend(w for w in others if type(w).__module__.startswith("textual."))
    seen_types: set[type] = set()
    sources: list[tuple[str, DOMNode]] = []
    for widget in ordered:
        if isinstance(widget, Screen) or type(widget) in seen_types or not any(_bindings_of(widget)):
            continue
        if isinstance(widget, Input) and widget is not focused:
            continue  # a text box's ~20 editing keys only while typing in it: the app's keys come first
        seen_types.add(type(widget))
        suffix = " (focused)" if widget is focused else ""
        sources.append((group_title(widget) + suffix, widget))
    return sources


def collect_key_groups(screen: Screen[object]) -> list[KeyGroup]:
    """The bindings in force on `screen`: app, focused widget, screen, other widgets; deduplicated.

    A key the app binds with priority is listed only with the app: nothing else receives it.
    """
    app = screen.app
    widget_sources = _widget_sources(screen)
    focus_chain = screen.focused.ancestors_with_self if screen.focused is not None else []
    chain = [source for source in widget_sources if source[1] in focus_chain]
    rest = [source for source in widget_sources if source not in chain]
    sources: list[tuple[str, DOMNode]] = [
        ("Everywhere", app),
        *chain,
        ("This screen" if type(screen) is Screen else group_title(screen), screen),
        *rest,
    ]
    live = _live_bindings(screen)
    shadowed = _shadowing_keys(app, live)
    shown: set[tuple[str, str]] = set()
    groups: list[KeyGroup] = []
    for title, node in sources:
        group = KeyGroup(title)
        by_meaning: dict[str, KeyEntry] = {}
        by_key: dict[str, KeyEntry] = {}
        for binding in _bindings_of(node, live):
            if (node is not app and binding.key in shadowed) or is_hidden(binding, node):
                continue
            description = help_description(binding, node)
            key = app.get_key_display(binding)
            if (key, description) in shown:
                continue
            shown.add((key, description))
            taking_turns = by_key.get(key)
            if taking_turns is not None and taking_turns.action != binding.action:
                # one key, two actions that take turns (`p` pauses, then resumes): one line says both
                taking_turns.description += f" / {description}"
                continue
            # one line per action in a group: `↓ / j  Scroll down` (the first description wins)
            entry = by_meaning.get(binding.action)
            if entry is None:
                entry = by_meaning[binding.action] = KeyEntry([], description, binding.action)
                group.entries.append(entry)
            if key not in entry.keys:
                entry.keys.append(key)
            by_key[key] = entry
        if group.entries:
            groups.append(group)
    return groups


def render_group(group: KeyGroup) -> Content:
    """Keys in their column, descriptions wrapped beside them (never back under the keys), readable at 80x24."""
    lines = []
    indent = " " * (KEY_COLUMN + 1)
    for entry in group.entries:
        keys = " / ".join(entry.keys)
        wrapped = textwrap.wrap(entry.description, DESCRIPTION_WIDTH) or [""]
        if len(keys) > KEY_COLUMN:  # a long list of keys gets its own line
            lines.append(Content.styled(keys, "bold"))
            lines += [Content(indent + line) for line in wrapped]
            continue
        lines.append(Content.assemble((keys.ljust(KEY_COLUMN), "bold"), " ", wrapped[0]))
        lines += [Content(indent + line) for line in wrapped[1:]]
    return Content("\n").join(lines)


class HelpScreen(ModalScreen[None]):
    """A scrollable list of every key and what it does, grouped; Escape, q or ? closes it."""

    HOLDS_NOTIFICATIONS: ClassVar[bool] = True  # error toasts wait until the help closes (never cover it)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close help"),
        Binding("j,down", "scroll_down", "Scroll down", show=False),
        Binding("k,up", "scroll_up", "Scroll up", show=False),
        Binding("g,home", "scroll_top", "Top", show=False),
        Binding("G,end", "scroll_bottom", "End", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
    ]

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
    }
    HelpScreen > #help-dialog {
        width: 84;
        max-width: 100%;
        height: 90%;
        border: thick $primary;
        background: $surface;
    }
    HelpScreen #help-body {
        padding: 0 1;
    }
    HelpScreen .help-group-title {
        text-style: bold;
        color: $accent;
        margin-top: 1;
    }
    HelpScreen #help-hint {
        dock: bottom;
        color: $text-muted;
        padding: 0 1;
    }
    """

    def __init__(self, groups: list[KeyGroup] | None = None) -> None:
        super().__init__()
        self._groups = groups

    @property
    def groups(self) -> list[KeyGroup]:
        return list(self._groups or [])

    def compose(self) -> ComposeResult:
        if self._groups is None:
            self._groups = collect_key_groups(self._screen_below())
        with Vertical(id="help-dialog"):
            with VerticalScroll(id="help-body"):
                for group in self._groups:
                    yield Static(Content(group.title), classes="help-group-title")
                    yield Static(render_group(group), classes="help-group")
            yield Static(Content("j/k, g/G, PgUp/PgDn: scroll   Escape, q or ?: close"), id="help-hint")

    def _screen_below(self) -> Screen[Any]:
        """The screen the user asked for help on: the one under this dialog on the stack."""
        stack = self.app.screen_stack
        if self in stack:
            index = stack.index(self)
            return stack[index - 1] if index > 0 else self
        return stack[-1] if stack else self

    def on_mount(self) -> None:
        self.query_one("#help-dialog").border_title = "Keys"
        self.query_one("#help-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_scroll_down(self) -> None:
        self.query_one("#help-body", VerticalScroll).scroll_down(animate=False)

    def action_scroll_up(self) -> None:
        self.query_one("#help-body", VerticalScroll).scroll_up(animate=False)

    def action_scroll_top(self) -> None:
        self.query_one("#help-body", VerticalScroll).scroll_home(animate=False)

    def action_scroll_bottom(self) -> None:
        self.query_one("#help-body", VerticalScroll).scroll_end(animate=False, immediate=True)

    def action_page_up(self) -> None:
        self.query_one("#help-body", VerticalScroll).scroll_page_up(animate=False)

    def action_page_down(self) -> None:
        self.query_one("#help-body", VerticalScroll).scroll_page_down(animate=False)
