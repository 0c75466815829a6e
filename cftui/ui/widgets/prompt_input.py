"""An `Input` whose editing keys (Ctrl+U, Ctrl+W, Ctrl+K, …) act in the order they were typed.

Textual runs an `Input`'s own key bindings only after the key has bubbled up to the App, while printable keys
are inserted by the `Input` at once. On a busy dashboard the letters typed just after Ctrl+U were therefore
inserted *before* Ctrl+U ran, and Ctrl+U (delete everything left of the cursor) then erased them too. This
`Input` runs its editing bindings itself, in its own queue, in key order.
"""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.widgets import Input

# Input's own editing keys (not Enter, which submits, nor anything bound above the Input), key -> action.
EDITING_ACTIONS: dict[str, str] = {
    key.strip(): binding.action
    for binding in Input.BINDINGS
    if isinstance(binding, Binding) and binding.action != "submit"
    for key in binding.key.split(",")
}


class PromptInput(Input):
    async def on_key(self, event: events.Key) -> None:
        action = EDITING_ACTIONS.get(event.key)
        if action is None:
            return
        event.stop()
        event.prevent_default()
        await self.run_action(action)
