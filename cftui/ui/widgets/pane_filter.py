"""The filter boxes of the projects and resources panes, and the note an empty pane shows: each keeps its own
state, so the App keeps none of theirs.

A box knows the pane it filters (`pane`); its `Input.Changed` and `Input.Submitted` messages carry it (as
`event.input`) to the App, which routes them. The resources box also keeps the problems-only switch (`e`) beside
what was typed: its `filter` is the two together.
"""

from __future__ import annotations

from typing import Any

from textual.content import Content
from textual.widgets import Input, Static

from cftui.ui.filters import ResourceFilter, parse_filter
from cftui.ui.widgets.prompt_input import PromptInput


class PaneFilter(PromptInput):
    """The filter box of one pane (`pane`): hidden until `/`, and hidden again when submitted empty."""

    def __init__(self, pane: str, *, placeholder: str) -> None:
        super().__init__(placeholder=placeholder, id=f"{pane}-filter")
        self.pane = pane

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if not event.value:
            self.display = False  # an empty filter needs no box (the App then gives the pane the keyboard)

    def close(self) -> bool:
        """Empty the box and hide it; False when there was nothing to close."""
        if not (self.value or self.display):
            return False
        self.value = ""
        self.display = False
        return True


class ResourceFilterBox(PaneFilter):
    """The resources pane's filter: the words typed (`type:vpc tag:env:prod …`) and the problems-only switch."""

    def __init__(self, *, placeholder: str) -> None:
        super().__init__("resources", placeholder=placeholder)
        self.problems_only = False

    @property
    def filter(self) -> ResourceFilter:
        return parse_filter(self.value, problems_only=self.problems_only)

    def toggle_problems_only(self) -> bool:
        self.problems_only = not self.problems_only
        return self.problems_only


class EmptyNote(Static):
    """Why a pane is empty, in place of a blank table; shown only while there is something to say. It touches the
    layout only when the sentence changes."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._said: str | None = None

    def say(self, text: str) -> None:
        if text != self._said:
            self._said = text
            self.display = bool(text)
            self.update(Content(text))
