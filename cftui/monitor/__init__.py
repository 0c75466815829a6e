"""The live monitor engine: budgeted polling, change events, operations and cost history.

Shared by the dashboard and the headless commands; it never imports textual.

    monitor = build_monitor(settings)
    monitor.add_listener(on_update)          # MonitorUpdate: snapshot, events, new log lines
    monitor.focus_project("proj_abc123")
    await monitor.run()                      # until stop() or cancellation; API trouble -> snapshot.connection
"""

from __future__ import annotations

from cftui.monitor.build import build_monitor
from cftui.monitor.engine import Monitor
from cftui.monitor.operations import time_left

__all__ = ["Monitor", "build_monitor", "time_left"]
