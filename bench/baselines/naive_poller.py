"""The baseline a team writes first: every interval, list every project and every project's resources.

No budget, no priorities, no backoff: a 429 or an error just costs that cycle. It reports each change it
notices (a resource's status or cost differing from the previous cycle, a resource appearing or going), with
the time it noticed it, so the benchmark can compare its freshness and its load on the API with cftui's.

Run alone: `python -m bench.baselines.naive_poller --api-url URL --key KEY --interval 5` prints one line per
change it sees.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

# (project id, resource id) -> (status, monthly cost)
Observed = dict[tuple[str, str], tuple[str, Any]]


@dataclass(frozen=True, slots=True)
class SeenChange:
    project_id: str
    resource_id: str
    what: str  # "status", "cost", "created", "deleted"
    seen_at: float  # time.time() when the poller noticed


@dataclass
class PollerStats:
    requests: int = 0
    rate_limited: int = 0  # 429 answers
    failed: int = 0  # other non-200 answers and transport errors
    cycles: int = 0
    changes: list[SeenChange] = field(default_factory=list)


class NaivePoller:
    def __init__(self, base_url: str, api_key: str, *, interval: float = 5.0, per_page: int = 100) -> None:
        self.base_url = base_url.rstrip("/")
        self.interval = interval
        self.per_page = per_page
        self.stats = PollerStats()
        self._headers = {"Authorization": f"Bearer {api_key}"}
        self._previous: Observed | None = None
        self._on_change: list[Callable[[SeenChange], None]] = []

    def add_listener(self, callback: Callable[[SeenChange], None]) -> None:
        self._on_change.append(callback)

    async def run(self, duration: float) -> PollerStats:
        """Poll for `duration` seconds, one full cycle every `interval` seconds (at least one cycle: the time
        counts from when the client is ready, which a busy machine may take a while to build)."""
        async with httpx.AsyncClient(headers=self._headers, timeout=10.0) as client:
            deadline = time.monotonic() + duration
            while True:
                started = time.monotonic()
                await self.poll_once(client)
                now = time.monotonic()
                await asyncio.sleep(max(0.0, min(self.interval - (now - started), deadline - now)))
                if time.monotonic() >= deadline:
                    break
        return self.stats

    async def poll_once(self, client: httpx.AsyncClient) -> None:
        self.stats.cycles += 1
        projects = await self._list_all(client, "/projects")
        if projects is None:
            return  # this cycle is lost, as it would be for a script
        observed: Observed = {}
        for project in projects:
            resources = await self._list_all(client, f"/projects/{project['id']}/resources")
            if resources is None:
                return
            for resource in resources:
                observed[(project["id"], resource["id"])] = (resource.get("status"), resource.get("monthly_cost"))
        self._compare(observed)

    async def _list_all(self, client: httpx.AsyncClient, path: str) -> list[dict[str, Any]] | None:
        items: list[dict[str, Any]] = []
        page = 1
        while True:
            body = await self._get(client, path, {"page": page, "per_page": self.per_page})
            if body is None:
                return None
            items += body.get("data", [])
            total = (body.get("meta") or {}).get("total")
            if total is None or len(items) >= int(total) or not body.get("data"):
                return items
            page += 1

    async def _get(self, client: httpx.AsyncClient, path: str, params: dict[str, Any]) -> dict[str, Any] | None:
        self.stats.requests += 1
        try:
            response = await client.get(self.base_url + path, params=params)
        except httpx.HTTPError:
            self.stats.failed += 1
            return None
        if response.status_code == 429:
            self.stats.rate_limited += 1
            return None
        if response.status_code != 200:
            self.stats.failed += 1
            return None
        try:
            return response.json()
        except ValueError:
            self.stats.failed += 1
            return None

    def _compare(self, observed: Observed) -> None:
        previous, self._previous = self._previous, observed
        if previous is None:
            return
        now = time.time()
        changes: list[SeenChange] = []
        for key, (status, cost) in observed.items():
            before = previous.get(key)
            if before is None:
                changes.append(SeenChange(*key, "created", now))
                continue
            if before[0] != status:
                changes.append(SeenChange(*key, "status", now))
            if before[1] != cost:
                changes.append(SeenChange(*key, "cost", now))
        changes += [SeenChange(*key, "deleted", now) for key in previous.keys() - observed.keys()]
        for change in changes:
            self.stats.changes.append(change)
            for callback in self._on_change:
                callback(change)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api-url", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--interval", type=float, default=5.0)
    parser.add_argument("--duration", type=float, default=60.0)
    args = parser.parse_args()
    poller = NaivePoller(args.api_url, args.key, interval=args.interval)
    poller.add_listener(lambda c: print(f"{c.seen_at:.3f} {c.project_id} {c.resource_id} {c.what}", flush=True))
    stats = asyncio.run(poller.run(args.duration))
    print(f"requests={stats.requests} rate_limited={stats.rate_limited} failed={stats.failed} cycles={stats.cycles}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
