"""What the App's mixins (`DashboardActions`, `PaneChrome`) use of the App, declared for the type checker.

Only imported under `TYPE_CHECKING`: at run time the mixins are plain classes mixed into `CloudForgeApp`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import App

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from textual.widget import Widget

    from cftui.monitor import Monitor
    from cftui.monitor.state import Snapshot
    from cftui.ui.widgets.status_line import ConnectionInfo


class DashboardHost(App[int]):
    """The attributes and methods `CloudForgeApp` provides to its mixins."""

    info: ConnectionInfo
    now: Callable[[], datetime]
    monitor: Monitor | None
    latest_snapshot: Snapshot | None
    active_pane: str
    paused: bool

    # methods, declared as callables: the App and the mixins define them
    pane_widget: Callable[[str], Widget]
    note_paused: Callable[[bool], None]
    apply_resource_filter: Callable[[], None]
    set_active_pane: Callable[[str], None]
    _retitle: Callable[[], None]
