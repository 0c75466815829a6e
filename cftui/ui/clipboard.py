"""Copy an id to the user's clipboard with OSC 52, which travels over SSH to the terminal on their desk.

`App.copy_to_clipboard` writes `ESC ] 52 ; c ; <base64> BEL`; many terminals honour it (tmux needs
`set -g set-clipboard on`), some ignore it silently, so the notification shows the id too: it can be read off the
screen when the terminal refused the copy.
"""

from __future__ import annotations

from typing import Any

from textual.app import App

from cftui.api.sanitize import one_line


def copy_id(app: App[Any], value: str | None, *, what: str = "id") -> bool:
    """Copy `value` and say so; without one, say that instead. Returns whether something was copied."""
    if not value:
        # said of the row, not of the selection: a category or type row in the tree is selected yet has no id
        app.notify(
            f"No {what} to copy: the cursor is not on a row that has one.",
            title="Copy",
            severity="warning",
            markup=False,
        )
        return False
    app.copy_to_clipboard(value)
    app.notify(f"Copied {what} {one_line(value)} to the clipboard (OSC 52).", title="Copy", markup=False)
    return True
