"""What the App's mixin `DashboardActions` uses of the App, declared for the type checker.

Only imported under `TYPE_CHECKING`: at run time the mixin is a plain class mixed into `CloudForgeApp`.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import TYPE_CHECKING

from textual.app import App

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from cftui.monitor import Monitor
    from cftui.monitor.state import Snapshot


class DashboardHost(App[int]):
    """The attributes and methods `CloudForgeApp` provides to its mixin."""

    now: Callable[[], datetime]
    monitor: Monitor | None
    latest_snapshot: Snapshot | None
    paused: bool
    note_paused: Callable[[bool], None]

    @property
    @abstractmethod
    def active_pane(self) -> str:
        """The pane `PaneGrid` has active (the App reads it there)."""
