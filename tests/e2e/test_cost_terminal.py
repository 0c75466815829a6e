"""Cost trends in a real terminal (tmux) on `cftui --demo`: the change columns whole, `c` for a project's cost
chart and back, `s` in the resources pane sorting by cost, at 80x24 and 120x40."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from tests.e2e.demo import running_demo

pytestmark = pytest.mark.tmux

MONEY = re.compile(r"\$([\d,]+\.\d\d)")


RESOURCE_ROW = re.compile(r"[●■◐◌✖?]\s+(running|stopped|pending|provisioning|error)\b")


def row_costs(screen: str) -> list[Decimal]:
    """The cost at the end of each resource row on screen (a status word leads such a row). Only the resources
    pane's cell of a line counts: the events pane beside it prints costs too ("pushed $2.69 -> $2.83")."""
    costs = []
    for line in screen.splitlines():
        for cell in line.split("│"):
            if RESOURCE_ROW.search(cell) and (m := MONEY.findall(cell)):
                costs.append(Decimal(m[-1].replace(",", "")))
    return costs


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_change_columns_cost_chart_and_sorting_by_cost(size: tuple[int, int]) -> None:
    width, height = size
    with running_demo(width, height) as term:
        if width == 80:  # the list has the whole width (at 120x40 the demo's long names need the name fitting)
            # both change columns whole on screen, once the names are fitted to the table's width
            term.wait_for_text(re.compile(r"Trend\s+1h %\s+1d %\s*│"), timeout=15)

        term.send_keys("c")
        # a fresh demo has no history: the screen says what it knows, honestly, and charts from the second sample
        summary = term.wait_for_text(re.compile(r"\(proj_\w+\) · now \$"), timeout=15)
        assert "last hour: " in summary and "last day: " in summary
        assert "esc Back" in summary
        term.send_keys("Escape")
        term.wait_for_text("1 Projects", timeout=10)
        term.wait_for_no_text("last hour: ", timeout=10)

        term.send_keys("2")
        term.wait_for_text(re.compile(r"▶ 2 Resources · \S+ · \d+ · by name"), timeout=20)
        term.send_keys("s")
        by_cost = re.compile(r"▶ 2 Resources · \S+ · \d+ · by cost")
        shown = term.wait_for_screen(lambda s: by_cost.search(s) and len(row_costs(s)) >= 3, timeout=15)
        costs = row_costs(shown)
        assert costs == sorted(costs, reverse=True), shown
        term.send_keys("q")
