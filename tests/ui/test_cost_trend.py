"""Cost trends on screen: the noise-proof sparkline, the hour's and day's change, at 80x24 and 120x40."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from cftui.monitor.state import CostSample
from cftui.monitor.trend import DAY, HOUR, CostChange
from cftui.ui.app import CloudForgeApp
from cftui.ui.cost_trend import change_cell, change_sentence, percent_text, sparkline
from cftui.ui.widgets.project_list import ProjectList
from tests.builders import clock
from tests.polling import until
from tests.ui.panes_app import rendered_text
from tests.worlds import INFO, state_updates

AT = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def samples(*costs: str, every: timedelta = timedelta(minutes=10)) -> list[CostSample]:
    return [CostSample(AT - every * (len(costs) - 1 - i), Decimal(c)) for i, c in enumerate(costs)]


def test_a_rise_of_1_6_percent_draws_an_almost_flat_line_not_a_cliff() -> None:
    line = sparkline(samples("1000", "1000", "1000", "1016"))
    assert line[:3] == "▄▄▄" and line[3] in "▄▅", line  # one step of eight at most
    assert sparkline(samples("1000", "1000", "1000", "1000")) == "▄▄▄▄", "flat sits in the middle"


def test_a_move_of_a_tenth_or_more_uses_the_whole_height() -> None:
    assert sparkline(samples("1000", "1100")) == "▁█"
    assert sparkline(samples("1000", "1050", "1000", "1050")) == "▃▆▃▆", "±2.5 %: part of the height"


def test_the_change_reads_as_an_arrow_and_a_percentage() -> None:
    def text(before: str, after: str) -> str:
        return percent_text(CostChange(HOUR, HOUR, Decimal(before), Decimal(after)))

    assert text("1000", "1016") == "↑1.6%"
    assert text("1000", "984") == "↓1.6%"
    assert text("100", "112.4") == "↑12%"
    assert text("1000", "1000.1") == "0.0%"
    assert text("1", "50") == "↑>999%"
    assert text("0", "5") == "↑new"
    assert all(len(text(a, b)) <= 6 for a, b in (("1", "50"), ("100", "1"), ("3", "3.2")))
    assert percent_text(CostChange(HOUR, HOUR, Decimal(1), Decimal(50)), sign="") == "↑>999", "5 cells in the list"


def test_a_window_the_history_does_not_reach_is_a_dash_in_the_list_and_said_in_words() -> None:
    short = samples("100", "101", "102")  # 20 minutes known
    assert change_cell(short, HOUR, AT) == "—"
    assert change_sentence(short, HOUR, AT) == "last hour: only 20m 00s known: ↑2.0% ($100.00 → $102.00)"
    assert change_sentence(short[-1:], DAY, AT).startswith("last day: not known yet")
    whole = samples("100", "104", every=timedelta(hours=2))
    assert change_cell(whole, HOUR, AT) == "↑4.0" and change_sentence(whole, HOUR, AT).startswith("last hour: ↑4.0%")


NAMES = ("shop-production", "shop-staging", "ml-experiments")  # each row keyed by its name, however it is cut


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_project_list_shows_the_hour_and_day_change_beside_the_sparkline(size: tuple[int, int]) -> None:
    app = CloudForgeApp(INFO, now=clock)
    async with app.run_test(size=size) as pilot:
        app.feed(state_updates("healthy")[0])
        projects = app.query_one(ProjectList)
        await pilot.pause()  # the table measures its new rows when idle
        # names are cut to the room the other columns leave (at 120x40 'shop-producti…')
        await until(pilot, lambda: "shop-produc" in rendered_text(projects), what="the rows, measured")
        lines = rendered_text(projects).splitlines()
        header = next(line for line in lines if "Cost/month" in line)
        assert header.split()[-5:] == ["Trend", "1h", "%", "1d", "%"], header
        rows = {
            next(n for n in NAMES if n.startswith(line.split()[0].rstrip("…"))): line
            for line in lines
            if line.split() and line.split()[0][:4] in ("shop", "ml-e")
        }
        assert rows["shop-production"].split()[-2:] == ["↑1.6", "↑3.3"], rows
        assert rows["shop-staging"].split()[-2:] == ["0.0", "↓4.0"], rows
        assert rows["ml-experiments"].split()[-2:] == ["—", "—"], "watched 20 minutes: no hour's change yet"
        assert "▄▄▄▄▅▅" in rows["shop-production"], "+1.6 % in the hour is one step, not a cliff"


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_resource_detail_says_the_hour_and_day_change_above_its_chart(size: tuple[int, int]) -> None:
    from cftui.ui.screens.detail import ResourceDetailScreen
    from tests.worlds import cost_history

    app = CloudForgeApp(INFO, now=clock, cost_history=cost_history)
    async with app.run_test(size=size) as pilot:
        app.feed(state_updates("healthy")[0])
        await pilot.pause()
        await pilot.press("2", "j", "j", "j", "enter")
        await until(pilot, lambda: isinstance(app.screen, ResourceDetailScreen))
        change = app.screen.query_one("#detail-cost-change")
        await until(pilot, lambda: str(change.render()).startswith("last hour: "), what="the change, once read")
        hour, day = str(change.render()).splitlines()
        assert hour == "last hour: ↓0.5% ($162.25 → $161.50)", hour  # api-9's history (builders.cost_history)
        assert day == "last day: ↑8.0% ($149.50 → $161.50)", day
