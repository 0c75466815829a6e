"""Webhook registrations and their delivery: signed JSON events, to loopback receivers only.

Events come from the world's journal as changes are recorded; each webhook has its own bounded queue and
delivery task, so a slow or dead receiver never blocks the API or another webhook.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import ipaddress
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from cftui.sim.journal import Change
from cftui.sim.serialize import iso, operation_payload, resource_payload
from cftui.sim.world import World, dollars

EVENT_TYPES = (
    "resource.created",
    "resource.updated",
    "resource.deleted",
    "resource.status_changed",
    "operation.completed",
    "operation.failed",
    "cost.threshold_exceeded",
)
# journal kind -> webhook event type
EVENT_FOR_CHANGE = {
    "resource.created": "resource.created",
    "resource.updated": "resource.updated",
    "cost.changed": "resource.updated",
    "resource.deleted": "resource.deleted",
    "resource.status_changed": "resource.status_changed",
    "operation.completed": "operation.completed",
    "operation.failed": "operation.failed",
}
DEFAULT_COST_THRESHOLD = 10_000.0
QUEUE_SIZE = 10_000
RETRY_DELAYS = (0.5, 1.0, 2.0)  # then give up: four attempts in all
DELIVERY_TIMEOUT = 5.0
VERSION = "2.15.3"


def loopback_problem(url: str) -> str | None:
    """Why `url` may not receive webhooks here (None when it may): only http(s) to loopback hosts."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "field 'url' must be an absolute http:// or https:// URL"
    host = parts.hostname
    if host == "localhost":
        return None
    try:
        if ipaddress.ip_address(host).is_loopback:
            return None
    except ValueError:
        pass
    return (
        f"field 'url' must point to a loopback host (127.0.0.0/8, ::1 or localhost): this simulator may not "
        f"send traffic to {host!r}"
    )


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@dataclass
class Webhook:
    id: str
    url: str
    events: list[str]
    secret: str
    created_at: float
    cost_threshold: float
    delivered: int = 0
    failed: int = 0
    dropped: int = 0
    queue: asyncio.Queue[dict[str, Any]] = field(default_factory=lambda: asyncio.Queue(QUEUE_SIZE))
    task: asyncio.Task[None] | None = None

    def payload(self) -> dict[str, Any]:
        """The webhook as the API shows it; the secret is never echoed."""
        return {
            "id": self.id,
            "url": self.url,
            "events": list(self.events),
            "active": True,
            "created_at": iso(self.created_at),
            "cost_threshold": self.cost_threshold,
            "deliveries": {"delivered": self.delivered, "failed": self.failed, "dropped": self.dropped},
        }


class Webhooks:
    def __init__(self, world: World) -> None:
        self.world = world
        self.hooks: dict[str, Webhook] = {}
        self._client: Any = None
        self._last_cost: dict[str, int] = {}
        world.journal.listeners.append(self._on_change)

    # --- registry ---------------------------------------------------------------------------------------------
    def register(self, url: str, events: list[str], secret: str, cost_threshold: float) -> Webhook:
        hook = Webhook(
            id="wh_" + secrets.token_hex(5),
            url=url,
            events=events,
            secret=secret,
            created_at=time.time(),
            cost_threshold=cost_threshold,
        )
        if "cost.threshold_exceeded" in events:
            self._last_cost.update({pid: project.cost_cents for pid, project in self.world.projects.items()})
        hook.task = asyncio.get_running_loop().create_task(self._deliver_all(hook))
        self.hooks[hook.id] = hook
        return hook

    def remove(self, hook: Webhook) -> None:
        del self.hooks[hook.id]
        if hook.task is not None:
            hook.task.cancel()

    async def close(self) -> None:
        for hook in list(self.hooks.values()):
            if hook.task is not None:
                hook.task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await hook.task
        if self._client is not None:
            await self._client.aclose()

    # --- events -----------------------------------------------------------------------------------------------
    def _on_change(self, change: Change) -> None:
        if not self.hooks:
            return
        event_type = EVENT_FOR_CHANGE.get(change.kind)
        if event_type is not None:
            self._enqueue(event_type, change.at, self._event_data(change))
        self._check_threshold(change)

    def _event_data(self, change: Change) -> dict[str, Any]:
        data: dict[str, Any] = {
            "project_id": change.project_id,
            "resource_id": change.resource_id,
            "operation_id": change.operation_id,
            "old": change.old,
            "new": change.new,
        }
        resource = self.world.resources.get(change.resource_id or "")
        if resource is not None:
            data["resource"] = resource_payload(resource)
        operation = self.world.operations.get(change.operation_id or "")
        if change.kind.startswith("operation.") and operation is not None:
            data["operation"] = operation_payload(operation, self.world.clock)
        return data

    def _check_threshold(self, change: Change) -> None:
        project = self.world.projects.get(change.project_id or "")
        if project is None:
            return
        before = self._last_cost.get(project.id, project.cost_cents)
        self._last_cost[project.id] = project.cost_cents
        for hook in self.hooks.values():
            if "cost.threshold_exceeded" not in hook.events:
                continue
            threshold_cents = round(hook.cost_threshold * 100)
            if before <= threshold_cents < project.cost_cents:
                data = {
                    "project_id": project.id,
                    "project_name": project.name,
                    "monthly_cost": dollars(project.cost_cents),
                    "previous_monthly_cost": dollars(before),
                    "threshold": hook.cost_threshold,
                }
                self._put(hook, "cost.threshold_exceeded", change.at, data)

    def _enqueue(self, event_type: str, at: float, data: dict[str, Any]) -> None:
        for hook in self.hooks.values():
            if event_type in hook.events:
                self._put(hook, event_type, at, data)

    def _put(self, hook: Webhook, event_type: str, at: float, data: dict[str, Any]) -> None:
        event = {"id": "evt_" + secrets.token_hex(8), "type": event_type, "created_at": iso(at), "data": data}
        try:
            hook.queue.put_nowait(event)
        except asyncio.QueueFull:
            hook.dropped += 1

    # --- delivery ---------------------------------------------------------------------------------------------
    async def _deliver_all(self, hook: Webhook) -> None:
        while True:
            event = await hook.queue.get()
            if await self._deliver(hook, event):
                hook.delivered += 1
            else:
                hook.failed += 1

    async def _deliver(self, hook: Webhook, event: dict[str, Any]) -> bool:
        import httpx  # only a simulator with webhooks pays for the import

        if self._client is None:
            self._client = httpx.AsyncClient(timeout=DELIVERY_TIMEOUT, trust_env=False)
        body = json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": f"CloudForge-Webhooks/{VERSION}",
            "X-CloudForge-Event": event["type"],
            "X-CloudForge-Delivery": event["id"],
            "X-CloudForge-Signature": sign(hook.secret, body),
        }
        for delay in (*RETRY_DELAYS, None):
            try:
                response = await self._client.post(hook.url, content=body, headers=headers)
                if response.is_success:
                    return True
            except httpx.HTTPError:
                pass
            if delay is None:
                return False
            await asyncio.sleep(delay)
        return False
