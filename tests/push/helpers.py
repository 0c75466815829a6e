"""A real monitor with its webhook receiver on loopback, a real simulator, and deliveries signed (or not) here."""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx

from cftui.monitor import Monitor
from cftui.monitor.push import PushFeed
from cftui.monitor.push_listen import parse_listen
from cftui.monitor.push_verify import sign
from tests.monitor.helpers import Recorder, eventually, make_client
from tests.simproc import TEST_KEY, SimServer

SECRET = "push-secret-for-tests-0123456789"
ALL_EVENTS = [
    "resource.created",
    "resource.updated",
    "resource.deleted",
    "resource.status_changed",
    "operation.completed",
    "operation.failed",
    "cost.threshold_exceeded",
]


@contextlib.asynccontextmanager
async def push_monitor(
    sim: SimServer, *, feed_options: dict[str, Any] | None = None, **options: Any
) -> AsyncIterator[tuple[Monitor, Recorder, str]]:
    """A running monitor with a receiver on a free loopback port; yields it, its recorder and the receiver URL."""
    options.setdefault("max_backoff", 1.0)
    feed = PushFeed(parse_listen("127.0.0.1:0"), SECRET, **(feed_options or {}))
    monitor = Monitor(make_client(sim), owns_client=True, push=feed, **options)
    recorder = Recorder()
    monitor.add_listener(recorder)
    task = asyncio.create_task(monitor.run())
    try:
        await eventually(lambda: monitor.snapshot.push.listening_since, message="receiver listening")
        yield monitor, recorder, f"http://{monitor.snapshot.push.listen}/webhook"
    finally:
        await monitor.aclose()
        await asyncio.wait_for(task, 10)


async def register(sim: SimServer, url: str, events: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    """Register a webhook on the simulator with its test key (a write)."""
    body = {"url": url, "events": events or ALL_EVENTS, "secret": SECRET, **extra}
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.post(
            f"{sim.base_url}/webhooks", json=body, headers={"Authorization": f"Bearer {TEST_KEY}"}
        )
    assert response.status_code == 201, response.text
    return response.json()["data"]


def iso_now(offset_s: float = 0.0) -> str:
    moment = datetime.fromtimestamp(datetime.now(UTC).timestamp() + offset_s, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def delivery(event_type: str, data: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    return {"id": "evt_" + secrets.token_hex(8), "type": event_type, "created_at": iso_now(), "data": data, **overrides}


def signed_headers(body: bytes, event: dict[str, Any] | None = None, secret: str = SECRET) -> dict[str, str]:
    headers = {"Content-Type": "application/json", "X-CloudForge-Signature": sign(secret, body)}
    if event is not None:
        headers["X-CloudForge-Event"] = str(event.get("type"))
        headers["X-CloudForge-Delivery"] = str(event.get("id"))
    return headers


def encode(event: dict[str, Any]) -> bytes:
    return json.dumps(event, separators=(",", ":")).encode()


async def post(
    url: str, body: bytes, headers: dict[str, Any], client: httpx.AsyncClient | None = None
) -> httpx.Response:
    if client is not None:
        return await client.post(url, content=body, headers=headers)
    async with httpx.AsyncClient(timeout=10) as own:
        return await own.post(url, content=body, headers=headers)
