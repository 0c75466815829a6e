"""The cost chart both cost screens draw: monthly cost over clock time, as cftui observed it (plotext).

A chart needs two samples; until then `single_sample_note` is what stands in its place.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from textual_plotext import PlotextPlot

from cftui.monitor.state import CostSample
from cftui.ui.format import clock_time, money

Y_TICKS = 5
X_TICKS = 4  # clock times along the chart's time axis
DEFAULT_TITLE = "monthly cost over time (as observed)"


def dollar_ticks(values: Sequence[float]) -> tuple[list[float], list[str]]:
    """Y-axis ticks labelled in dollars (`$1,204.50`), spread evenly over the samples' range."""
    low, high = min(values), max(values)
    if high - low < 0.01:
        return [low], [money(low)]
    step = (high - low) / (Y_TICKS - 1)
    ticks = [low + step * i for i in range(Y_TICKS)]
    return ticks, [money(tick) for tick in ticks]


def clock_ticks(samples: Sequence[CostSample]) -> tuple[list[float], list[str]]:
    """X-axis ticks (seconds since the first sample) labelled with clock times: `14:03`, or `14:03:27` when the
    samples span under ten minutes; a date leads when they span more than a day."""
    start, end = samples[0].at, samples[-1].at
    span = (end - start).total_seconds()
    fmt = "%H:%M:%S" if span < 600 else ("%H:%M" if span < 86400 else "%m-%d %H:%M")
    count = X_TICKS if span > 0 else 1
    ticks = [span * i / max(1, count - 1) for i in range(count)]
    return ticks, [(start + timedelta(seconds=tick)).strftime(fmt) for tick in ticks]


def single_sample_note(samples: Sequence[CostSample], subject: str = "resource") -> str:
    """What stands instead of a chart while there is nothing to draw a line through."""
    if not samples:
        return f"no cost samples yet: the chart starts when cftui has seen this {subject}'s cost"
    sample = samples[-1]
    return f"one sample so far: {money(sample.monthly_cost)} at {clock_time(sample.at)} (the chart starts at two)"


class CostChart(PlotextPlot):
    """A monthly cost over time, as observed by cftui (drawn from two samples on)."""

    samples: tuple[CostSample, ...] = ()

    def show(self, samples: Sequence[CostSample], title: str = DEFAULT_TITLE) -> None:
        self.samples = tuple(samples)
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        plt.title(title)
        if len(samples) >= 2:
            start = samples[0].at
            xs = [(s.at - start).total_seconds() for s in samples]
            ys = [float(s.monthly_cost) for s in samples]
            plt.plot(xs, ys, marker="braille")
            plt.xticks(*clock_ticks(samples))
            plt.xlabel("time of day (UTC)" if start.utcoffset() == timedelta(0) else "time of day")
            plt.ylabel("monthly cost ($)")
            plt.yticks(*dollar_ticks(ys))
        self.refresh()
