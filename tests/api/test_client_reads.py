"""Reading the simulator's world through the client: lists, pagination, filters, single objects, metadata."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest

from cftui.api import (
    ApiKey,
    CloudForgeClient,
    NotFound,
    RequestFinished,
    RetryPolicy,
    ValidationFailed,
)
from cftui.api.pagination import ListCountError
from tests.hostile_api import Answer, Seen, hostile_api, not_found
from tests.simproc import SimServer


def client_for(sim: SimServer, **kwargs: Any) -> CloudForgeClient:
    return CloudForgeClient(sim.base_url, ApiKey.parse(sim.read_key), **kwargs)


def all_raw(sim: SimServer, path: str, **params: Any) -> list[dict[str, Any]]:
    """Every item of a list, fetched the plain way, for comparison."""
    items, page = [], 1
    while True:
        body = sim.get(path, per_page=100, page=page, **params).json()
        items += body["data"]
        if page * 100 >= body["meta"]["total"]:
            return items
        page += 1


def biggest_project(sim: SimServer) -> dict[str, Any]:
    projects = sim.get("projects", per_page=100).json()["data"]
    return max(projects, key=lambda p: p["resource_count"])


async def test_list_projects_is_the_whole_list(static_sim: SimServer) -> None:
    raw = all_raw(static_sim, "projects")
    async with client_for(static_sim) as client:
        result = await client.list_projects()
    assert [p.id for p in result.items] == [p["id"] for p in raw]
    assert result.total == len(raw) and result.pages == 1
    archived = [p for p in result.items if p.is_archived]
    assert archived, "the default world has an archived project"
    first = result.items[0]
    assert first.monthly_cost == Decimal(str(raw[0]["monthly_cost"]))
    assert isinstance(first.created_at, datetime) and first.created_at.tzinfo is not None


async def test_project_status_filter(static_sim: SimServer) -> None:
    async with client_for(static_sim) as client:
        archived = await client.list_projects(status="archived")
        active = await client.list_projects(status="active")
    assert archived.items and all(p.status == "archived" for p in archived.items)
    assert active.items and all(p.status == "active" for p in active.items)


async def test_resources_over_several_pages(static_sim: SimServer) -> None:
    project = biggest_project(static_sim)
    assert project["resource_count"] > 100, "the default world has a project needing two pages"
    path = f"projects/{project['id']}/resources"
    raw = all_raw(static_sim, path)
    finished: list[RequestFinished] = []
    async with client_for(static_sim) as client:
        client.add_listener(lambda event: finished.append(event) if isinstance(event, RequestFinished) else None)
        result = await client.list_resources(project["id"])
    assert [r.id for r in result.items] == [r["id"] for r in raw]
    assert result.total == project["resource_count"] == len(result.items)
    assert result.pages == 2 == len(finished)
    assert all(event.status == 200 and event.path == f"/{path}" for event in finished)
    assert all(event.request_id.startswith("req_cftui_") for event in finished)  # the server echoes ours
    assert sum((r.monthly_cost or Decimal(0)) for r in result.items) == Decimal(str(project["monthly_cost"]))


async def test_resource_filters(static_sim: SimServer) -> None:
    project = biggest_project(static_sim)
    sample = static_sim.get(f"projects/{project['id']}/resources", per_page=100).json()["data"]
    rtype = sample[0]["type"]
    tag_key, tag_value = next(iter(sample[0]["tags"].items()))
    async with client_for(static_sim) as client:
        by_type = await client.list_resources(project["id"], type=rtype)
        by_tag = await client.list_resources(project["id"], tag=f"{tag_key}:{tag_value}")
        running = await client.list_resources(project["id"], status="running")
        combined = await client.list_resources(project["id"], status="running", type=rtype)
    assert by_type.items and all(r.type == rtype for r in by_type.items)
    assert by_tag.items and all(r.tags.get(tag_key) == tag_value for r in by_tag.items)
    assert running.items and all(r.status == "running" for r in running.items)
    assert {r.id for r in combined.items} == {r.id for r in running.items} & {r.id for r in by_type.items}


async def test_get_project_and_resource(static_sim: SimServer) -> None:
    project = biggest_project(static_sim)
    raw_resource = static_sim.get(f"projects/{project['id']}/resources", per_page=1).json()["data"][0]
    async with client_for(static_sim) as client:
        got = await client.get_project(project["id"])
        resource = await client.get_resource(project["id"], raw_resource["id"])
    assert (got.id, got.name, got.resource_count) == (project["id"], project["name"], project["resource_count"])
    assert resource.id == raw_resource["id"] and resource.type == raw_resource["type"]
    assert resource.configuration == raw_resource["configuration"]
    assert resource.tags == raw_resource["tags"]


async def test_not_found_is_typed_and_not_retried(static_sim: SimServer) -> None:
    missing = f"proj_missing{uuid.uuid4().hex[:8]}"
    async with client_for(static_sim, retry_policy=RetryPolicy(base_s=0.01, attempts=5)) as client:
        with pytest.raises(NotFound) as caught:
            await client.get_project(missing)
        with pytest.raises(NotFound):
            await client.get_operation("op_doesnotexist")
    error = caught.value
    assert (error.status, error.code) == (404, "resource_not_found")
    assert error.request_id and error.request_id.startswith("req_")
    assert str(error).startswith(f"Not found: /projects/{missing} (resource_not_found, request {error.request_id})")
    recent = static_sim.control("GET", "stats")["recent"]
    assert sum(1 for entry in recent if entry["path"].endswith(missing)) == 1


def count_400s(sim: SimServer) -> int:
    return int(sim.control("GET", "stats")["by_status"].get("400", 0))


async def test_bad_filter_is_validation_error_not_retried(static_sim: SimServer) -> None:
    before = count_400s(static_sim)
    async with client_for(static_sim, retry_policy=RetryPolicy(base_s=0.01, attempts=5)) as client:
        with pytest.raises(ValidationFailed) as caught:
            await client.list_projects(status=f"bogus{uuid.uuid4().hex[:6]}")
    assert caught.value.status == 400 and "status" in caught.value.message
    assert count_400s(static_sim) - before == 1


async def test_invalid_ids_are_refused_before_sending(static_sim: SimServer) -> None:
    async with client_for(static_sim) as client:
        for bad in ("", "  ", "..", "."):
            with pytest.raises(ValidationFailed) as caught:
                await client.get_project(bad)
            assert "nothing was sent" in str(caught.value)


async def test_rate_limit_and_version_are_exposed(static_sim: SimServer) -> None:
    async with client_for(static_sim) as client:
        assert client.rate_limit.limit is None and client.api_version is None
        await client.list_projects()
        info = client.rate_limit
    assert info.limit == 10000  # the shared simulator runs the enterprise plan
    assert info.remaining is not None and 0 < info.remaining <= 15000
    assert info.reset_at is not None and info.observed_at is not None
    assert client.api_version == "2.15.3"


# --- pagination edge cases the simulator does not produce -------------------------------------------


def paged(total: int | None, size: int = 100, *, delay_s: float = 0.0, ignore_page: bool = False) -> Callable:
    def respond(seen: Seen) -> Answer:
        query = seen.query
        page = 1 if ignore_page else int(query.get("page", "1"))
        count = 250 if total is None else total
        items = [{"id": f"res_{i}", "name": f"r{i}"} for i in range((page - 1) * size, min(page * size, count))]
        body: dict[str, Any] = {"data": items}
        if total is not None:
            body["meta"] = {"page": page, "per_page": size, "total": total}
        return Answer(body=json.dumps(body).encode(), delay_s=delay_s)

    return respond


async def test_pages_after_the_first_are_fetched_concurrently_within_the_bound() -> None:
    with hostile_api(not_found) as server:
        server.answer("/projects/p/resources", paged(total=650, delay_s=0.3))
        async with CloudForgeClient(server.base_url, ApiKey.parse("cf_read_" + "a" * 24), max_concurrency=3) as c:
            result = await c.list_resources("p")
        pages = [int(seen.query["page"]) for seen in server.seen]
    assert len(result.items) == 650 and result.pages == 7
    assert [r.id for r in result.items] == [f"res_{i}" for i in range(650)]
    assert pages[0] == 1 and sorted(pages) == list(range(1, 8))
    assert all(seen.query["per_page"] == "100" for seen in server.seen)
    assert server.max_in_flight == 3  # overlapping, never more than the bound


async def test_a_total_that_overstates_the_list_ends_at_the_first_short_page() -> None:
    def respond(seen: Seen) -> Answer:
        query = seen.query
        page = int(query.get("page", "1"))
        items = [{"id": f"res_{i}", "name": f"r{i}"} for i in range((page - 1) * 100, min(page * 100, 250))]
        body = {"data": items, "meta": {"page": page, "per_page": 100, "total": 1_000_000}}
        return Answer(body=json.dumps(body).encode())

    with hostile_api(not_found) as server:
        server.answer("/projects/p/resources", respond)
        async with CloudForgeClient(server.base_url, ApiKey.parse("cf_read_" + "a" * 24), max_concurrency=3) as c:
            result = await c.list_resources("p")
    assert [r.id for r in result.items] == [f"res_{i}" for i in range(250)]
    assert result.total == 1_000_000  # as reported
    assert len(server.seen) <= 3 + 3, "at most the requests in flight when page 3 came back short"


async def test_list_without_meta_follows_full_pages() -> None:
    with hostile_api(not_found) as server:
        server.answer("/projects/p/resources", paged(total=None))
        async with CloudForgeClient(server.base_url, ApiKey.parse("cf_read_" + "a" * 24)) as client:
            result = await client.list_resources("p")
    assert len(result.items) == 250 and result.total is None and result.pages == 3
    assert [seen.query["page"] for seen in server.seen] == ["1", "2", "3"]


async def test_list_without_meta_stops_when_the_server_repeats_itself() -> None:
    with hostile_api(not_found) as server:
        server.answer("/projects/p/resources", paged(total=None, ignore_page=True))
        async with CloudForgeClient(server.base_url, ApiKey.parse("cf_read_" + "a" * 24)) as client:
            with pytest.raises(ListCountError, match="page 2 repeats page 1"):
                await client.list_resources("p")
    assert len(server.seen) == 2  # issue 12: a repeated page stops the listing with a clear error


async def test_a_404_under_a_url_without_v2_asks_whether_v2_is_missing(static_sim: SimServer) -> None:
    key = ApiKey.parse(static_sim.read_key)
    async with CloudForgeClient(static_sim.root_url, key) as client:
        with pytest.raises(NotFound, match=r"is the API URL missing /v2\?$"):
            await client.list_projects()
    async with client_for(static_sim) as client:
        with pytest.raises(NotFound) as caught:
            await client.get_operation("op_nosuch123")
    assert "missing /v2" not in str(caught.value)
