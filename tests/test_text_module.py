"""One neutral text module (`cftui.text`): the dashboard and the headless commands format through it, and the
headless commands and the monitor never import the dashboard's package for it."""

from __future__ import annotations

import re
from pathlib import Path

from cftui.headless.output import fit_cell, format_seconds
from cftui.monitor import summaries
from cftui.text import compact_duration, duration, money, truncate
from cftui.ui import format as dashboard_format

ROOT = Path(__file__).resolve().parent.parent / "cftui"


def test_headless_and_monitor_do_not_import_the_dashboard() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("headless", "monitor", "api")
        for path in (ROOT / folder).rglob("*.py")
        if re.search(r"^\s*(from|import) cftui\.ui\b", path.read_text(encoding="utf-8"), re.MULTILINE)
    ]
    assert offenders == []


def test_both_front_ends_format_through_the_one_module() -> None:
    assert dashboard_format.duration is duration and dashboard_format.truncate is truncate
    assert format_seconds is compact_duration
    assert (duration(245), compact_duration(245)) == ("4m 05s", "4m05s")
    name = "数据库服务器 \x1b[2J " + "x" * 60
    assert fit_cell(name) == truncate(name, 48) and fit_cell(name).endswith("…")
    assert (money(None), summaries.money(None), money(-3.105)) == ("—", "?", "-$3.11")
