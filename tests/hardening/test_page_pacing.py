"""A list whose `meta` claims thousands of pages is read at the budget's pace, never in a burst (issue 12 item 5).

A hostile server answers every page of a project's resources with 100 new resources and `meta.total` of a million.
The monitor (Starter plan assumed: 50 requests a minute at the default budget) must stop sending within the
minute once the budget is spent, instead of firing the listing's 200 pages at once.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from cftui.api.client import CloudForgeClient
from cftui.api.keys import ApiKey
from cftui.monitor import Monitor
from tests.hostile_api import KEY, Answer, Seen, hostile_api, listing, project

BUDGET_CAP = 49  # half of Starter's 100 a minute, less the request of headroom the monitor keeps


def new_full_page(seen: Seen) -> Answer:
    page = int(seen.query.get("page", "1"))
    resources = [{"id": f"res_{page}_{i}", "name": f"r{page}-{i}", "status": "running"} for i in range(100)]
    return Answer(body=listing(resources, total=1_000_000, per_page=100))


async def settle(count: Callable[[], int], quiet_s: float, timeout_s: float) -> int:
    """Wait until `count()` has not moved for `quiet_s` seconds (fail after `timeout_s`), and return it."""
    deadline = time.monotonic() + timeout_s
    last, since = count(), time.monotonic()
    while time.monotonic() - since < quiet_s:
        assert time.monotonic() < deadline, f"still sending after {timeout_s}s: {count()} requests"
        await asyncio.sleep(0.1)
        if (now := count()) != last:
            last, since = now, time.monotonic()
    return last


async def test_the_pages_of_a_lying_list_stay_inside_the_minutes_budget() -> None:
    with hostile_api() as api:
        api.answer("/projects", Answer(body=listing([project("proj_p", "p")], total=1)))
        api.answer("/projects/proj_p/resources", new_full_page)
        client = CloudForgeClient(api.base_url, ApiKey.parse(KEY))
        async with Monitor(client, interval=5.0, budget=0.5, owns_client=True) as monitor:
            monitor.focus_project("proj_p")
            runner = asyncio.create_task(monitor.run())
            try:
                deadline = time.monotonic() + 30
                while len(api.requests_to("/projects/proj_p/resources")) < 20:
                    assert time.monotonic() < deadline, "the listing never got going"
                    await asyncio.sleep(0.1)
                sent = await settle(lambda: len(api.seen), quiet_s=3.0, timeout_s=40)
                first = api.seen[0].at
                assert time.monotonic() - first < 60, "the check must end inside the first minute"
                assert sent <= BUDGET_CAP, f"{sent} requests in the first minute; the budget allows {BUDGET_CAP}"
            finally:
                await monitor.stop()
                runner.cancel()
                await asyncio.gather(runner, return_exceptions=True)
