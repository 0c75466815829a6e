"""The push part of the status line: `push ✓ 10s ago` / `push silent 5m, polling` (issue 15).

Ages are given in 5-second steps below a minute and in whole minutes after, so the state row repaints at most
every 5 s while pushes flow and once a minute while push is silent (an idle dashboard should write ~nothing).
"""

from __future__ import annotations

from datetime import datetime

from cftui.monitor.state import PushMode, PushState

STEP_S = 5


def _ago(seconds: float) -> str:
    if seconds < STEP_S:
        return "just now"
    if seconds < 60:
        return f"{int(seconds // STEP_S) * STEP_S}s ago"
    return f"{int(seconds // 60)}m ago" if seconds < 3600 else f"{int(seconds // 3600)}h ago"


def _span(seconds: float) -> str:
    if seconds < 3600:
        return f"{max(1, int(seconds // 60))}m"
    return f"{int(seconds // 3600)}h"


def push_part(push: PushState, now: datetime) -> str | tuple[str, str] | None:
    """The words and their style, or None when no receiver is configured."""
    mode = push.mode
    if mode is PushMode.OFF:
        return None
    if mode is PushMode.FAILED:
        return ("push off (cannot listen), polling", "$warning")
    if mode is PushMode.UNTRUSTED:
        return ("push contradicted, polling", "$warning")
    if mode is PushMode.LISTENING:
        return "push listening"
    if mode is PushMode.PUSH and push.last_delivery_at is not None:
        return (f"push ✓ {_ago((now - push.last_delivery_at).total_seconds())}", "$success")
    since = push.last_delivery_at or push.listening_since
    quiet = _span((now - since).total_seconds()) if since is not None else "?"
    return (f"push silent {quiet}, polling", "$text-muted")
