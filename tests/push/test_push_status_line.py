"""The status line's push part for each mode, as the dashboard renders it (built from real snapshots)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from cftui.monitor.state import PushMode, PushState
from cftui.ui.widgets.status_line import state_content
from tests.builders import NOW
from tests.worlds import INFO, healthy_snapshot


def _line(push: PushState, later: float = 0.0) -> str:
    return state_content(replace(healthy_snapshot(), push=push), INFO, NOW + timedelta(seconds=later)).plain


def test_each_mode_reads_as_documented() -> None:
    assert "push" not in _line(PushState())  # no receiver configured: nothing said
    assert _line(PushState(mode=PushMode.LISTENING)).endswith("push listening")
    pushing = PushState(mode=PushMode.PUSH, last_delivery_at=NOW - timedelta(seconds=12))
    assert _line(pushing).endswith("push ✓ 10s ago")  # 5-second steps: repaints at most every 5 s
    assert _line(pushing, later=2).endswith("push ✓ 10s ago")
    assert _line(replace(pushing, last_delivery_at=NOW)).endswith("push ✓ just now")
    silent = PushState(mode=PushMode.SILENT, last_delivery_at=NOW - timedelta(minutes=5, seconds=3))
    assert _line(silent).endswith("push silent 5m, polling")
    never = PushState(mode=PushMode.SILENT, listening_since=NOW - timedelta(minutes=2))
    assert _line(never).endswith("push silent 2m, polling")
    assert _line(PushState(mode=PushMode.UNTRUSTED)).endswith("push contradicted, polling")
    assert _line(PushState(mode=PushMode.FAILED, problem="x")).endswith("push off (cannot listen), polling")
