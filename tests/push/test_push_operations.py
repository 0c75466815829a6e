"""Operations learnt from pushes in projects nobody looks at are followed within the operations' share of the budget:
however many a push tells of, their polls never take the turn of the sweep."""

from __future__ import annotations

import time
from typing import Any

from cftui.api.client_events import ClientEvent, RequestFinished
from cftui.monitor.budget import OPERATION_SHARE
from cftui.monitor.push import SWEEP_SLOWDOWN
from cftui.monitor.state import PushMode
from tests.monitor.helpers import api_get, eventually, mutate
from tests.push.helpers import push_monitor, register


async def test_operations_pushed_from_other_projects_are_followed_within_their_share(sim_factory: Any) -> None:
    sim = sim_factory("--static", "--plan", "starter", "--projects", "6", "--resources", "5", "--seed", "38")
    projects = api_get(sim, "projects")
    focused = projects[0]["id"]
    elsewhere = [r for p in projects[1:] for r in api_get(sim, f"projects/{p['id']}/resources")]
    requests: list[str] = []
    op_times: list[float] = []

    def on_request(event: ClientEvent) -> None:
        if isinstance(event, RequestFinished):
            parts = event.path.strip("/").split("/")
            if parts[0] == "operations":
                requests.append("op")
                op_times.append(time.monotonic())
            elif len(parts) == 3 and parts[2] == "resources" and parts[1] != focused:
                requests.append("sweep")
            else:
                requests.append("other")

    async with push_monitor(sim) as (monitor, _, url):
        monitor.client.add_listener(on_request)
        monitor.focus_project(focused)
        await eventually(lambda: monitor.snapshot.projects, message="first look")
        await register(sim, url, ["resource.status_changed"])
        started = []
        for resource in elsewhere[:12]:  # twelve long operations in other projects, each told of by a push
            made = await mutate(
                sim, action="start_operation", resource_id=resource["id"], type="restart_resource",
                outcome="completed", duration_s=3600,
            )  # fmt: skip
            started.append(made["operation_id"])
        await eventually(lambda: monitor.snapshot.push.mode is PushMode.PUSH, message="push mode")
        await eventually(lambda: monitor.snapshot.push.accepted >= 12, message="every operation pushed")
        mark = len(requests)
        # the sweep goes on (twice more after every operation was told of), and the operations were looked at
        await eventually(lambda: requests[mark:].count("sweep") >= 2, within=60.0, message="two more sweeps")
        await eventually(lambda: "op" in requests, message="operations followed")

    # Starter: 50 requests a minute of budget, the operations' share of it slowed like the sweep while push is
    # healthy: at most this many background operation polls in any minute
    share = OPERATION_SHARE * 50 / SWEEP_SLOWDOWN
    busiest = max(sum(1 for t in op_times if start <= t < start + 60.0) for start in op_times)
    assert busiest <= int(share) + 1, (busiest, share)
    assert requests.count("op") < len(started)  # not all twelve at once, ahead of the sweep
