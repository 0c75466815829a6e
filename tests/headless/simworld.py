"""Helpers over the simulator's control endpoint: find resources, start operations, heal the world."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

import httpx

from tests.simproc import SimServer


def projects(sim: SimServer) -> list[dict[str, Any]]:
    return sim.get("projects", per_page=100).json()["data"]


def resources(sim: SimServer, project_id: str, **filters: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    page = 1
    while True:
        body = sim.get(f"projects/{project_id}/resources", per_page=100, page=page, **filters).json()
        found += body["data"]
        if len(body["data"]) < 100:
            return found
        page += 1


def first_resource(sim: SimServer, status: str = "running") -> dict[str, Any]:
    for project in projects(sim):
        if project["status"] != "active":
            continue
        candidates = resources(sim, project["id"], status=status)
        if candidates:
            return {**candidates[0], "project_id": project["id"], "project_name": project["name"]}
    raise AssertionError(f"no {status} resource in the world")


def running_resource_ids(sim: SimServer, count: int) -> list[str]:
    """Ids of `count` running resources (an operation needs a resource with none running on it)."""
    found: list[str] = []
    for project in projects(sim):
        if project["status"] == "active":
            found += [r["id"] for r in resources(sim, project["id"], status="running") if not r.get("operation_id")]
        if len(found) >= count:
            return found[:count]
    raise AssertionError(f"fewer than {count} running resources in the world")


def start_operation(sim: SimServer, resource_id: str, outcome: str, duration_s: float) -> str:
    answer = sim.control(
        "POST",
        "mutate",
        {"action": "start_operation", "resource_id": resource_id, "type": "update_resource",
         "outcome": outcome, "duration_s": duration_s},
    )  # fmt: skip
    return answer["operation_id"]


def start_on_any(sim: SimServer, candidates: list[dict[str, Any]], outcome: str, duration_s: float) -> str:
    """Start an operation on the first candidate that accepts one (in a moving world, the simulator may have
    started its own on a resource since it was listed), removing the ones tried from `candidates`."""
    while candidates:
        resource = candidates.pop(0)
        try:
            return start_operation(sim, resource["id"], outcome, duration_s)
        except httpx.HTTPStatusError as refused:
            if refused.response.status_code != 400:
                raise
    raise AssertionError("no resource accepted an operation")


def set_status(sim: SimServer, resource_id: str, status: str) -> None:
    sim.control("POST", "mutate", {"action": "set_status", "resource_id": resource_id, "status": status})


def heal(sim: SimServer) -> None:
    """Every resource in `error` back to `running`: a healthy world to start from."""
    for project in projects(sim):
        for resource in resources(sim, project["id"], status="error"):
            set_status(sim, resource["id"], "running")


@contextlib.contextmanager
def moving(sim: SimServer, every_s: float = 0.5) -> Iterator[None]:
    """Change the world ourselves while the block runs (a static world moves only when told): one resource's
    monthly cost rises by $25 at every step, so its project's total never comes back to a value already seen
    (a poll always finds news, whatever its timing) and a watcher sees events however late its first poll comes."""
    project_id = next(p["id"] for p in projects(sim) if p["status"] == "active")
    resource = resources(sim, project_id)[0]
    start_cost = float(resource["monthly_cost"])
    stop = threading.Event()

    def set_cost(cost: float) -> None:
        sim.control("POST", "mutate", {"action": "set_cost", "resource_id": resource["id"], "monthly_cost": cost})

    def raise_cost() -> None:
        step = 0
        while not stop.wait(every_s):
            step += 1
            set_cost(round(start_cost + 25 * step, 2))

    worker = threading.Thread(target=raise_cost, daemon=True)
    worker.start()
    try:
        yield
    finally:
        stop.set()
        worker.join(10)
