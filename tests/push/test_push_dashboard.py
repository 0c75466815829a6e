"""The dashboard with a receiver: a flood of 1,000 bad deliveries is refused and counted while the app keeps
answering keys and shows no event; the status line says push's mode."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

from cftui.config import Settings
from cftui.ui.launch import build_app
from cftui.ui.widgets.event_feed import EventFeed
from tests.push.helpers import SECRET
from tests.ui.live import until


def _app(sim: Any) -> Any:
    args = argparse.Namespace(api_url=sim.base_url, interval=5.0, no_history=True, webhook_listen="127.0.0.1:0")
    settings = Settings.load(args, environ={"CLOUDFORGE_API_KEY": sim.read_key, "CFTUI_WEBHOOK_SECRET": SECRET})
    return build_app(settings)


async def test_a_flood_leaves_the_dashboard_responsive_and_shows_nothing(static_sim: Any) -> None:
    app = _app(static_sim)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: "push listening" in app.status_text(), timeout=20, what="receiver listening")
        listen = app.latest_snapshot.push.listen
        flood = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.push.flooder", f"http://{listen}/webhook", "1000", "50",
            stdout=asyncio.subprocess.PIPE,
        )  # fmt: skip
        # keys keep working while the flood is refused: move between panes and back
        for pane, key in (("events", "4"), ("resources", "2"), ("projects", "1")):
            await pilot.press(key)
            await until(pilot, lambda p=pane: app.active_pane == p, timeout=20, what=f"pane {pane}")
        out, _ = await asyncio.wait_for(flood.communicate(), 120)
        refused = int(json.loads(out).get("401", 0))
        await until(pilot, lambda: app.latest_snapshot.push.refused.get("bad_signature", 0) == refused, timeout=20)
        assert refused > 0
        assert app.query_one(EventFeed).events == ()  # nothing unverified is shown
        assert "push listening" in app.status_text()  # refused deliveries do not count as push working
