"""How a cost moved: the change over the last hour and the last day, from a series of cost samples.

A sample is the monthly cost seen at a moment; the monitor records one when the cost changes, and every
`store.SAMPLE_EVERY` when it does not, so the cost at a past moment is the latest sample at or before it.
The change over a window compares the latest sample with the cost at `now - window`. When the series does not
reach back that far (cftui has not watched the project that long), the comparison runs from the first sample
known and says so: `complete` is False and `span` is how far back it reaches. Never a guess beyond the data.

Also the series kept in memory: the latest samples in full, and older ones of the last `KEEP_FOR` thinned to
one per `THIN_BUCKET`, so a day's change and a day's chart are known without keeping every sample.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from cftui.monitor.state import CostSample

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
WINDOWS = (HOUR, DAY)
RECENT_SAMPLES = 120  # the latest samples are kept in full (the sparkline and the last hour's chart)
THIN_BUCKET = timedelta(minutes=10)  # older ones: the first of each 10 minutes
KEEP_FOR = DAY + HOUR  # ... for a day and an hour (the day's change needs the cost a day ago)
MAX_THINNED = RECENT_SAMPLES + int(KEEP_FOR / THIN_BUCKET) + 1  # the most a thinned series holds
# The cost in effect at a moment is the latest sample before it only if that sample is this recent: older history
# is thinned to one sample an hour, and a longer gap means cftui was not watching (the cost then is unknown).
MAX_GAP = timedelta(hours=2)


@dataclass(frozen=True, slots=True)
class CostChange:
    window: timedelta  # what was asked: the last hour, the last day
    span: timedelta  # how far back the comparison reaches (== window when complete)
    before: Decimal  # the cost `span` ago
    after: Decimal  # the latest cost

    @property
    def complete(self) -> bool:
        """The samples reach back the whole window."""
        return self.span >= self.window

    @property
    def percent(self) -> float | None:
        """The change in per cent of the earlier cost; None when that was zero and the cost is not (no ratio)."""
        if self.before == 0:
            return 0.0 if self.after == 0 else None
        before = float(self.before)  # floats: a display figure, computed for every row of the list
        return (float(self.after) - before) / abs(before) * 100


def _at(sample: CostSample) -> datetime:
    return sample.at


def cost_change(samples: Sequence[CostSample], window: timedelta, now: datetime) -> CostChange | None:
    """The change of the latest cost over `window` up to `now`, from `samples` (oldest first); None when the
    samples cannot tell (fewer than two in the window: nothing to compare)."""
    if not samples:
        return None
    latest = samples[-1]
    start = now - window
    # samples[index - 1] is the cost in effect at `start` (a binary search: the list redraws 2,000 rows at once)
    index = bisect_right(samples, start, key=_at)
    if index > 0 and samples[index - 1].at >= start - MAX_GAP:
        return CostChange(window, window, samples[index - 1].monthly_cost, latest.monthly_cost)
    if index >= len(samples):
        return None  # every sample is from before the window, long before: nothing known of it
    first = samples[index]
    span = now - first.at
    if first is latest or span <= timedelta(0):
        return None
    return CostChange(window, span, first.monthly_cost, latest.monthly_cost)


def thin_series(samples: Sequence[CostSample]) -> tuple[CostSample, ...]:
    """The latest `RECENT_SAMPLES` in full; before them, the first sample of each `THIN_BUCKET` of the `KEEP_FOR`
    up to the latest sample. The order is kept; at most `MAX_THINNED` samples come out."""
    if len(samples) <= RECENT_SAMPLES:
        return tuple(samples)
    older, recent = samples[:-RECENT_SAMPLES], samples[-RECENT_SAMPLES:]
    cutoff = samples[-1].at - KEEP_FOR
    bucket_seconds = THIN_BUCKET.total_seconds()
    kept: list[CostSample] = []
    last_bucket: int | None = None
    for sample in older:
        if sample.at < cutoff:
            continue
        bucket = int(sample.at.timestamp() // bucket_seconds)
        if bucket != last_bucket:
            kept.append(sample)
            last_bucket = bucket
    return (*kept, *recent)
