"""How the project list sorts: one mode per column (issue 13 item 13, "sort by any column" as in k9s).

`s` cycles the modes in `SORT_MODES` order; the sorted column's header carries `SORT_MARK`. Each mode puts what
needs a look first: the most expensive, the most problems, the biggest rise; names A-Z; a status other than
`active` before `active`. Ties (and projects a mode knows nothing of, such as no history yet) fall back to the
cost, then the id, so the order is stable.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal

from cftui.api.models import Project
from cftui.monitor.state import CostSample
from cftui.monitor.trend import DAY, HOUR, cost_change

# mode -> the column it sorts by (the list's column keys); the cycle starts with cost, then the older modes
SORT_COLUMNS: dict[str, str] = {
    "cost": "cost",
    "name": "name",
    "problems": "problems",
    "status": "status",
    "resources": "count",
    "trend": "trend",
    "1h change": "hour",
    "1d change": "day",
}
SORT_MODES = tuple(SORT_COLUMNS)
SORT_MARK = "▼"  # right after the sorted column's header: the column the rows are ordered by, in its order


def _rise(samples: Sequence[CostSample], window: timedelta | None, now: datetime | None) -> float | None:
    """The cost's change in per cent over `window` (None: the whole series); None when it is not known."""
    if not samples:
        return None
    if window is None or now is None:
        first, last = samples[0].monthly_cost, samples[-1].monthly_cost
        return float((last - first) / first * 100) if first else None
    change = cost_change(samples, window, now)
    return change.percent if change is not None and change.complete else None


def sort_projects(
    projects: list[Project],
    mode: str,
    problems: Mapping[str, int],
    costs: Mapping[str, Sequence[CostSample]],
    now: datetime | None,
) -> None:
    """Sort `projects` in place for `mode` (an unknown mode sorts by cost)."""

    def cost(p: Project) -> Decimal:
        return -(p.monthly_cost or Decimal(0))

    if mode == "name":
        projects.sort(key=lambda p: (p.name.casefold(), p.id))
    elif mode == "problems":
        projects.sort(key=lambda p: (-problems.get(p.id, 0), cost(p), p.id))
    elif mode == "status":
        projects.sort(key=lambda p: (p.status == "active", p.status.casefold(), cost(p), p.id))
    elif mode == "resources":
        projects.sort(key=lambda p: (-(p.resource_count or 0), cost(p), p.id))
    elif mode in ("trend", "1h change", "1d change"):
        window = {"trend": None, "1h change": HOUR, "1d change": DAY}[mode]
        rises = {p.id: _rise(costs.get(p.id, ()), window, now) for p in projects}
        projects.sort(key=lambda p: (rises[p.id] is None, -(rises[p.id] or 0.0), cost(p), p.id))
    else:
        projects.sort(key=lambda p: (cost(p), p.id))
