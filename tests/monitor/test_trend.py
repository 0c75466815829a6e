"""The hour's and day's change of a cost, and the thinned series that keeps a day in memory."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from cftui.monitor.history import History, SampleRow
from cftui.monitor.state import CostSample
from cftui.monitor.store import MAX_SERIES, DataStore
from cftui.monitor.trend import DAY, HOUR, MAX_THINNED, RECENT_SAMPLES, THIN_BUCKET, cost_change, thin_series
from tests.builders import project

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def series(*points: tuple[timedelta, str]) -> list[CostSample]:
    """Samples `ago` before NOW, oldest first."""
    return [CostSample(NOW - ago, Decimal(cost)) for ago, cost in points]


def test_the_change_compares_the_latest_cost_with_the_cost_in_effect_a_window_ago() -> None:
    samples = series(
        (timedelta(hours=25), "900.00"),
        (timedelta(hours=3), "1000.00"),  # in effect an hour ago
        (timedelta(minutes=30), "1010.00"),
        (timedelta(minutes=1), "1016.00"),
    )
    hour = cost_change(samples, HOUR, NOW)
    assert hour is not None and hour.complete and hour.span == HOUR
    assert (hour.before, hour.after) == (Decimal("1000.00"), Decimal("1016.00"))
    assert hour.percent is not None and abs(hour.percent - 1.6) < 1e-9
    day = cost_change(samples, DAY, NOW)
    assert day is not None and day.complete and day.before == Decimal("900.00")
    assert day.percent is not None and round(day.percent, 2) == 12.89


def test_a_series_that_does_not_reach_back_says_how_far_it_reaches() -> None:
    samples = series((timedelta(minutes=25), "100.00"), (timedelta(minutes=2), "99.00"))
    hour = cost_change(samples, HOUR, NOW)
    assert hour is not None and not hour.complete and hour.span == timedelta(minutes=25)
    assert hour.percent == -1.0
    assert cost_change(series((timedelta(minutes=5), "1.00")), HOUR, NOW) is None, "one sample: no change known"
    assert cost_change([], HOUR, NOW) is None
    seconds = cost_change(series((timedelta(seconds=40), "1.00"), (timedelta(seconds=10), "2.00")), HOUR, NOW)
    assert seconds is not None and seconds.span == timedelta(seconds=40) and seconds.percent == 100.0


def test_an_unchanged_cost_sampled_long_enough_ago_is_a_complete_zero_change() -> None:
    change = cost_change(series((timedelta(minutes=70), "5.00"), (timedelta(minutes=2), "5.00")), HOUR, NOW)
    assert change is not None and change.complete and change.percent == 0.0


def test_a_gap_in_the_history_is_not_taken_for_a_constant_cost() -> None:
    # cftui did not run for two days: the sample from then says nothing of the cost an hour ago
    samples = series((timedelta(days=3), "50.00"), (timedelta(minutes=20), "80.00"), (timedelta(minutes=1), "88.00"))
    hour = cost_change(samples, HOUR, NOW)
    assert hour is not None and not hour.complete and hour.span == timedelta(minutes=20)
    assert hour.before == Decimal("80.00")
    assert cost_change(series((timedelta(days=3), "5.00"), (timedelta(days=2), "6.00")), HOUR, NOW) is None


def test_from_zero_there_is_no_ratio() -> None:
    change = cost_change(series((timedelta(hours=2), "0"), (timedelta(minutes=1), "10.00")), HOUR, NOW)
    assert change is not None and change.percent is None
    flat = cost_change(series((timedelta(hours=2), "0"), (timedelta(minutes=1), "0")), HOUR, NOW)
    assert flat is not None and flat.percent == 0.0


def test_thinning_keeps_the_recent_samples_whole_and_one_per_bucket_of_the_last_day() -> None:
    samples = [CostSample(NOW - timedelta(minutes=m), Decimal(m)) for m in range(2 * 24 * 60, -1, -1)]  # 2 days
    thinned = thin_series(samples)
    assert list(thinned[-RECENT_SAMPLES:]) == samples[-RECENT_SAMPLES:]
    older = thinned[:-RECENT_SAMPLES]
    assert len(thinned) <= MAX_THINNED
    assert older[0].at >= NOW - DAY - HOUR and older[0].at <= NOW - DAY, "reaches back a day, not two"
    gaps = {b.at - a.at for a, b in itertools.pairwise(older)}
    assert gaps == {THIN_BUCKET}
    assert [s.at for s in thinned] == sorted(s.at for s in thinned)
    day = cost_change(thinned, DAY, NOW)
    assert day is not None and day.complete


def test_the_store_keeps_a_day_of_a_project_cost_in_bounded_memory() -> None:
    store = DataStore()
    start = NOW - timedelta(hours=30)
    for step in range(30 * 60):  # a changing cost every minute for 30 hours
        at = start + timedelta(minutes=step)
        store.set_projects((project("p1", "p", cost=f"{1000 + step}.00"),), at)
        assert len(store.project_costs["p1"]) <= MAX_SERIES
    kept = store.project_costs["p1"]
    assert kept[-1].monthly_cost == Decimal(1000 + 30 * 60 - 1)
    last = kept[-1].at
    day = cost_change(kept, DAY, last)
    assert day is not None and day.complete, "a day back is still known"
    hour = cost_change(kept, HOUR, last)
    assert hour is not None and hour.complete and hour.after - hour.before == 60


async def test_the_history_gives_back_a_day_thinned_and_the_recent_samples_whole(tmp_path: Path) -> None:
    history = History(tmp_path / "h.sqlite3")
    now = datetime.now(UTC).replace(microsecond=0)
    rows = [
        SampleRow("project", "proj_1", "proj_1", now - timedelta(minutes=m), Decimal(m))
        for m in range(26 * 60, -1, -1)  # one a minute for 26 hours
    ]
    assert await history.write(rows, [])
    kept = (await history.project_costs())["proj_1"]
    assert [s.monthly_cost for s in kept[-RECENT_SAMPLES:]] == [Decimal(m) for m in range(RECENT_SAMPLES - 1, -1, -1)]
    assert len(kept) <= MAX_THINNED + 1
    day = cost_change(kept, DAY, now)
    assert day is not None and day.complete and day.before >= 24 * 60
    await history.aclose()
