"""Push going silent mid-run: the sweep of the other projects is back at once, ahead of any backlog of confirmations.

The feed's clock is injected (the real monotonic clock plus an offset the test moves): jumping it a minute ahead
makes push silent and frees the confirmations' share of the budget at the same moment, which is when a backlog of
confirmations used to take every request the budget allowed while the sweep waited behind them.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from cftui.api.client_events import ClientEvent, RequestFinished
from cftui.monitor.state import PushMode
from tests.monitor.helpers import api_get, eventually
from tests.push.helpers import delivery, encode, post, push_monitor, signed_headers


class Clock:
    """Real time plus an offset the test can move forward (both faces of `cftui.monitor.clock.Clock`)."""

    def __init__(self) -> None:
        self.offset = 0.0

    def monotonic(self) -> float:
        return time.monotonic() + self.offset

    def now(self) -> datetime:
        return datetime.now(UTC) + timedelta(seconds=self.offset)


def _kind(path: str, focused: str) -> str:
    parts = path.strip("/").split("/")
    if len(parts) == 3 and parts[0] == "projects" and parts[2] == "resources" and parts[1] != focused:
        return "sweep"
    if len(parts) == 4 and parts[2] == "resources":
        return "confirm"
    return "other"


async def test_when_push_goes_silent_the_sweep_comes_before_a_backlog_of_confirmations(sim_factory: Any) -> None:
    sim = sim_factory("--static", "--plan", "starter", "--projects", "12", "--resources", "5", "--seed", "35")
    projects = api_get(sim, "projects")
    focused = projects[0]["id"]
    others = [(p["id"], r) for p in projects[1:] for r in api_get(sim, f"projects/{p['id']}/resources")]
    clock = Clock()
    requests: list[str] = []

    def on_request(event: ClientEvent) -> None:
        if isinstance(event, RequestFinished):
            requests.append(_kind(event.path, focused))

    async with push_monitor(sim, feed_options={"silence_s": 30.0, "clock": clock}) as (monitor, _, url):
        monitor.client.add_listener(on_request)
        monitor.focus_project(focused)
        await eventually(lambda: "sweep" in requests, message="the sweep runs")
        # 40 pushes about resources of other projects (the API agrees with each): push is healthy, and 40
        # confirmations wait, more than a minute's share of the budget allows
        for project_id, resource in others[:40]:
            pushed = delivery(
                "resource.updated",
                {"project_id": project_id, "resource_id": resource["id"], "old": {"tags": {}},
                 "new": {"tags": {"team": "a"}}, "resource": resource},
            )  # fmt: skip
            body = encode(pushed)
            assert (await post(url, body, signed_headers(body, pushed))).status_code == 202
        await eventually(lambda: monitor.snapshot.push.mode is PushMode.PUSH, message="push mode")
        await eventually(lambda: monitor.snapshot.push.confirmed >= 1, message="confirmations under way")
        assert monitor.snapshot.push.sweep_factor > 1.0

        # a minute passes for the feed: no delivery since (silent), and the confirmations' share is free again
        clock.offset += 61.0
        mark = len(requests)
        await eventually(lambda: monitor.snapshot.push.mode is PushMode.SILENT, message="silent")
        assert monitor.snapshot.push.sweep_factor == 1.0
        # the slowed pace is over at once: the next sweep request is due at the full pace, and the confirmations
        # that still wait go after it (paced, one at a time), never in a burst ahead of it
        await eventually(lambda: "sweep" in requests[mark:], within=30.0, message="a sweep request after silence")
        after = requests[mark:]
        before_sweep = after[: after.index("sweep")]
        assert before_sweep.count("confirm") <= 1, after
        # and the backlog is still confirmed, behind polling
        confirmed = monitor.snapshot.push.confirmed
        await eventually(lambda: monitor.snapshot.push.confirmed > confirmed, within=30.0, message="backlog goes on")
