"""Messages the dashboard posts between its parts.

The monitor calls the app's listener on the event loop; the app turns each `MonitorUpdate` into one
`MonitorUpdated` message so updates are handled in order, after whatever the user is doing.
"""

from __future__ import annotations

from textual.message import Message

from cftui.monitor.state import MonitorUpdate


class MonitorUpdated(Message):
    """A new snapshot from the monitor (or from a test feeding the same updates)."""

    def __init__(self, update: MonitorUpdate) -> None:
        super().__init__()
        self.update = update


class ProjectSelected(Message):
    """The cursor in the project list moved to a project (or to none)."""

    def __init__(self, project_id: str | None) -> None:
        super().__init__()
        self.project_id = project_id


class ProjectOpened(Message):
    """Enter on a project: the user wants its resources."""

    def __init__(self, project_id: str | None) -> None:
        super().__init__()
        self.project_id = project_id


class ResourceOpened(Message):
    """The user asked for a resource's detail (Enter on a resource row)."""

    def __init__(self, project_id: str, resource_id: str) -> None:
        super().__init__()
        self.project_id = project_id
        self.resource_id = resource_id
