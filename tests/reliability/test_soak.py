"""Soak: an hour of a busy world's time, compressed, through the real monitor and the real app (headless).

The simulator's clock runs `SPEED` times faster than real time, so `WORLD_SECONDS` of happenings (status flips,
cost drift, operations starting and ending, resources created and deleted) arrive in a few minutes. The app
runs with `App.run_test` on the live monitor, with history on disk, exactly as `cftui` builds it. After a
warm-up, memory, asyncio tasks and open sockets must stay flat, and the event feed and the operation logs
must stay within their bounds however much happens. Widgets may come and go (operation cards, up to their
cap), so tasks are counted apart from the one message pump each live widget runs.
"""

from __future__ import annotations

import asyncio
import gc
import os
import time
from pathlib import Path

import pytest

from cftui.config import Settings
from cftui.ui.launch import build_app
from cftui.ui.widgets.event_feed import EventFeed
from cftui.ui.widgets.operation_card import LOG_LINES_PER_OPERATION
from cftui.ui.widgets.operations import MAX_BACKGROUND_CARDS, MAX_FINISHED_CARDS, OperationsPane
from tests.simproc import running_sim

SPEED = 60  # world seconds per real second
WORLD_SECONDS = 3600  # one hour of the world's life
WARM_UP_SECONDS = 20.0  # real seconds before the baseline is taken (caches, history, first full lists)
SAMPLE_EVERY = 5.0
MAX_RSS_GROWTH = 0.10
TASK_SLACK = 6  # workers and timers come and go; a leak grows without bound
PUMP_SLACK = 4  # scrollbars appear when a pane overflows
SOCKET_SLACK = 4  # the client's connection pool may open a few more under load


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS in /proc/self/status")


def task_census(app: object) -> tuple[int, int, int]:
    """(message-pump tasks, other tasks, live widgets): every widget runs one pump (so do scrollbars and a few
    system nodes, a constant few); anything else is a worker, a timer, the monitor's jobs or the client's.
    Pumps outgrowing the live widgets would be orphans of removed widgets (a leak)."""
    pumps = other = 0
    for task in asyncio.all_tasks():
        coro = task.get_coro()
        if coro is not None and coro.__qualname__ == "MessagePump._process_messages":
            pumps += 1
        else:
            other += 1
    widgets = 0
    for screen in app.screen_stack:  # type: ignore[attr-defined]
        for node in (screen, *screen.walk_children()):
            # scrollbars are widgets too (with their own pump), made when a pane first overflows
            parts = (node._vertical_scrollbar, node._horizontal_scrollbar, node._scrollbar_corner)
            widgets += 1 + sum(part is not None for part in parts)
    return pumps, other, widgets


def open_sockets() -> int:
    count = 0
    for fd in Path("/proc/self/fd").iterdir():
        try:
            if os.readlink(fd).startswith("socket:"):
                count += 1
        except OSError:
            continue  # closed while we looked
    return count


@pytest.mark.slow
async def test_an_hour_of_a_busy_world(tmp_path: Path) -> None:
    world = ["--seed", "11", "--plan", "enterprise", "--speed", str(SPEED), "--projects", "12"]
    # a process of its own: this test counts this process's memory and sockets, and the busy world's must not
    # count as the dashboard's (nor its work slow the app down)
    with running_sim(*world, process=True) as sim:
        environ = {
            "CLOUDFORGE_API_URL": sim.base_url,
            "CLOUDFORGE_API_KEY": sim.read_key,
            "XDG_STATE_HOME": str(tmp_path / "state"),
            "XDG_CONFIG_HOME": str(tmp_path / "config"),
        }
        settings = Settings.load(None, environ=environ)
        app = build_app(settings)
        real_seconds = WORLD_SECONDS / SPEED
        # (elapsed, RSS KiB, non-widget tasks, sockets, pumps without a live widget)
        samples: list[tuple[float, int, int, int, int]] = []
        async with app.run_test(size=(120, 40)) as pilot:
            started = time.monotonic()
            baseline: tuple[int, int, int, int] | None = None
            while (elapsed := time.monotonic() - started) < real_seconds:
                await pilot.pause(SAMPLE_EVERY)
                assert app.is_running
                gc.collect()
                pumps, other_tasks, widgets = task_census(app)
                sample = (elapsed, rss_kib(), other_tasks, open_sockets(), pumps - widgets)
                samples.append(sample)
                if baseline is None and elapsed >= WARM_UP_SECONDS:
                    baseline = sample[1:]
                feed = app.query_one(EventFeed)
                assert len(feed.events) <= feed.max_lines
                pane = app.query_one(OperationsPane)
                cards = [pane.card(op_id) for op_id in pane.watched_ids]
                assert len(cards) <= MAX_FINISHED_CARDS + MAX_BACKGROUND_CARDS + len(settings.watch_operations)
                for card in cards:
                    assert card is not None and card.log_view.line_count <= LOG_LINES_PER_OPERATION
            feed_events = len(app.query_one(EventFeed).events)
            print("soak samples (s, RSS KiB, tasks, sockets, orphan pumps):", samples)
            state = sim.control("GET", "state")

    assert baseline is not None, samples
    assert state["last_seq"] > 500, state  # the world really was busy
    assert feed_events > 0  # and the app saw it
    after_warm_up = [s for s in samples if s[0] >= WARM_UP_SECONDS]
    final_rss = after_warm_up[-1][1]
    assert final_rss <= baseline[0] * (1 + MAX_RSS_GROWTH), (baseline, after_warm_up)
    # A leak never gives back what it took: the fewest tasks and sockets seen in the last samples must be near the
    # baseline. (A single sample may catch a burst of refresh workers in flight; that is load, not a leak.)
    assert min(s[2] for s in after_warm_up[-4:]) <= baseline[1] + TASK_SLACK, after_warm_up
    assert min(s[3] for s in after_warm_up[-4:]) <= baseline[2] + SOCKET_SLACK, after_warm_up
    assert max(s[4] for s in after_warm_up) <= baseline[3] + PUMP_SLACK, after_warm_up
