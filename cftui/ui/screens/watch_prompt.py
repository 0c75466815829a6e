"""`w`: ask for an operation id, check its shape, and hand it back (the app then watches it).

The API has no endpoint that lists operations, so an id comes from a person: pasted from a 202 response, a
webhook, a chat message or a URL. The prompt accepts any of those shapes and keeps only the id.
"""

from __future__ import annotations

import re
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from cftui.api.sanitize import one_line
from cftui.ui.widgets.prompt_input import PromptInput

# The reference's ids look like `op_789ghi`; allow the characters ids are commonly made of, and a sane length.
DIALOG_TITLE = "Watch an operation"
OPERATION_ID = re.compile(r"op_[A-Za-z0-9_-]{1,100}")


class InvalidOperationId(ValueError):
    """The text typed is not an operation id; the message says what one looks like."""


def parse_operation_id(text: str) -> str:
    """Return the operation id in `text`: a bare id, or the last segment of a pasted `.../operations/<id>` URL."""
    candidate = text.strip().rstrip("/")
    if "/" in candidate:
        candidate = candidate.rsplit("/", 1)[1]
    candidate = candidate.split("?", 1)[0]
    if not candidate:
        raise InvalidOperationId("Type an operation id, for example op_789ghi.")
    if not OPERATION_ID.fullmatch(candidate):
        shown = one_line(candidate)[:60]
        raise InvalidOperationId(
            f"{shown!r} is not an operation id: ids start with 'op_' followed by letters, digits, '_' or '-'."
        )
    return candidate


class WatchOperationScreen(ModalScreen[str | None]):
    """A small dialog; dismisses with the id to watch, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", tooltip="Close without watching anything")
    ]

    DEFAULT_CSS = """
    WatchOperationScreen {
        align: center middle;
    }
    WatchOperationScreen > #watch-dialog {
        width: 64;
        max-width: 100%;
        height: auto;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    WatchOperationScreen #watch-error {
        color: $error;
        height: auto;
    }
    WatchOperationScreen #watch-hint {
        color: $text-muted;
    }
    """

    def __init__(self, initial: str = "") -> None:
        super().__init__()
        self._initial = initial

    def compose(self) -> ComposeResult:
        with Vertical(id="watch-dialog"):
            yield Static(Content("Paste an operation id, or a URL that ends with one."), id="watch-title")
            # Ctrl+U and the letters typed right after it act in that order (see PromptInput)
            yield PromptInput(value=self._initial, placeholder="op_…", id="watch-input")
            yield Static(Content(""), id="watch-error")
            yield Static(Content("Enter: watch   Escape: cancel"), id="watch-hint")

    def on_mount(self) -> None:
        self.query_one("#watch-dialog").border_title = DIALOG_TITLE
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            operation_id = parse_operation_id(event.value)
        except InvalidOperationId as error:
            self.query_one("#watch-error", Static).update(Content(str(error)))
            return
        self.dismiss(operation_id)

    def on_input_changed(self, event: Input.Changed) -> None:
        # a stale complaint about the previous text would only confuse
        self.query_one("#watch-error", Static).update(Content(""))

    def action_cancel(self) -> None:
        self.dismiss(None)
