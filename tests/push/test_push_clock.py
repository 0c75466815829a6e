"""The webhook feed keeps the time of the clock it is given (issue 14 item 2): the Monitor's, in `build_monitor`."""

from __future__ import annotations

from cftui.config import Settings
from cftui.monitor import build_monitor
from cftui.monitor.push import PushFeed
from cftui.monitor.push_listen import parse_listen
from cftui.monitor.state import PushMode
from tests.clock import FakeClock
from tests.push.helpers import SECRET


async def test_listening_since_and_silence_follow_the_injected_clock() -> None:
    clock = FakeClock()
    feed = PushFeed(parse_listen("127.0.0.1:0"), SECRET, silence_s=30.0, clock=clock)
    await feed.start()
    try:
        state = feed.state(0.0)
        assert state.mode is PushMode.LISTENING
        assert state.listening_since == clock.now()  # simulated wall time, not the machine's
        clock.advance(31.0)  # no delivery for longer than the silence allows, in simulated time only
        assert feed.state(0.0).mode is PushMode.SILENT
    finally:
        await feed.stop()


async def test_build_monitor_gives_the_monitor_the_clock_it_is_given() -> None:
    clock = FakeClock()
    environ = {"CLOUDFORGE_API_URL": "http://127.0.0.1:9/v2", "CLOUDFORGE_API_KEY": "cf_read_" + "a" * 24}
    monitor = build_monitor(Settings.load(None, environ=environ), clock=clock)
    try:
        assert monitor.clock is clock  # the App's data age (ui/launch.py) reads the same clock
    finally:
        await monitor.aclose()
