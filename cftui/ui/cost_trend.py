"""Cost trends as text: a sparkline whose scale cannot turn noise into a cliff, and the hour's and day's change.

The sparkline's rule: its scale spans the samples' own range, but never less than `MIN_RELATIVE_SPAN` (10 %) of
their mean, centred on them. A bill moving by 1.6 % climbs about one step of eight (`▄▄▄▅`), not the whole
height; a move of 10 % or more uses the whole height. The change is the number beside it: `↑1.6` over the last
hour and the last day (`1h %`, `1d %` in the project list), from the cost history (see `cftui.monitor.trend`);
`—` where cftui has not watched the project that long.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timedelta

from cftui.monitor.state import CostSample
from cftui.monitor.trend import CostChange, cost_change
from cftui.text import duration, money

SPARK_BARS = "▁▂▃▄▅▆▇█"
SPARK_POINTS = 6  # with the two changes beside it, the row fits the projects pane at 120x40 (70 cells)
MIN_RELATIVE_SPAN = 0.10  # a sparkline's scale spans at least 10 % of the mean cost (±5 %)
UNKNOWN = "—"


def sparkline(samples: Sequence[CostSample], points: int = SPARK_POINTS) -> str:
    """The last `points` costs as block glyphs, on a scale of at least `MIN_RELATIVE_SPAN` of their mean."""
    values = [float(s.monthly_cost) for s in samples[-points:]]
    if not values:
        return ""
    low, high = min(values), max(values)
    mean = sum(values) / len(values)
    span = max(high - low, abs(mean) * MIN_RELATIVE_SPAN)
    if span < 1e-9:
        return SPARK_BARS[3] * len(values)
    base = (low + high - span) / 2
    scale = (len(SPARK_BARS) - 1) / span
    top = len(SPARK_BARS) - 1
    # half-way rounds down, also through float noise: a flat line always sits at the fourth step
    return "".join(SPARK_BARS[min(top, max(0, math.floor((v - base) * scale + 0.5 - 1e-9)))] for v in values)


def percent_text(change: CostChange, sign: str = "%") -> str:
    """`↑1.6%`, `↓12%`, `0.0%`, `↑>999%`; `↑new` for a cost that was zero (no ratio). At most 5 cells and the
    sign (the list's header carries the sign instead)."""
    percent = change.percent
    if percent is None:
        return "↑new" if change.after > change.before else "↓new"
    size = abs(percent)
    if size < 0.05:
        return f"0.0{sign}"
    arrow = "↑" if percent > 0 else "↓"
    if size >= 999.5:
        return f"{arrow}>999{sign}"
    return f"{arrow}{size:.1f}{sign}" if size < 9.95 else f"{arrow}{size:.0f}{sign}"


def change_cell(samples: Sequence[CostSample], window: timedelta, now: datetime) -> str:
    """The list's cell, in per cent (its header says so): the change over the whole window, or `—` when the
    history does not reach back that far (the project's cost chart says what is known)."""
    change = cost_change(samples, window, now)
    if change is None or not change.complete:
        return UNKNOWN
    return percent_text(change, sign="")


def window_name(window: timedelta) -> str:
    return {3600: "hour", 86400: "day"}.get(int(window.total_seconds()), duration(window))


def change_sentence(samples: Sequence[CostSample], window: timedelta, now: datetime) -> str:
    """`last hour: ↑1.6% ($1,000.00 → $1,016.00)`, or over what is known: `last day: only 3h 10m known: ↑2.0%
    ($980.00 → $1,000.00)`, or `last day: not known yet`."""
    name = f"last {window_name(window)}"
    change = cost_change(samples, window, now)
    if change is None:
        return f"{name}: not known yet (fewer than two samples)"
    moved = f"{percent_text(change)} ({money(change.before)} → {money(change.after)})"
    if change.complete:
        return f"{name}: {moved}"
    return f"{name}: only {duration(change.span)} known: {moved}"
