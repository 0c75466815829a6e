"""Payload shapes, lists, filters and pagination, against the shared frozen simulator (read-only checks)."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.sim.helpers import ISO_Z, REQUEST_ID, all_pages, assert_common_headers, call
from tests.simproc import SimServer

PROJECT_KEYS = {"id", "name", "organization_id", "status", "created_at", "resource_count", "monthly_cost"}
RESOURCE_KEYS = {"id", "type", "name", "status", "provider", "region", "configuration", "monthly_cost", "created_at"}
TYPE_PROVIDERS = {
    "compute_instance": {"aws", "gcp", "azure"},
    "container_cluster": {"aws", "gcp", "azure"},
    "function": {"aws", "gcp"},
    "vpc": {"aws", "gcp", "azure"},
    "subnet": {"aws", "gcp", "azure"},
    "load_balancer": {"aws", "gcp", "azure"},
    "firewall": {"aws", "gcp", "azure"},
    "block_storage": {"aws", "gcp", "azure"},
    "object_storage": {"aws", "gcp", "azure"},
    "file_storage": {"aws", "gcp"},
    "rds_instance": {"aws", "gcp", "azure"},
    "nosql_database": {"aws", "gcp"},
    "cache_cluster": {"aws", "gcp"},
}


def has_two_decimals_at_most(value: float) -> bool:
    return isinstance(value, int | float) and abs(round(value, 2) - value) < 1e-9


@pytest.fixture(scope="module")
def projects(static_sim: SimServer) -> list[dict]:
    return all_pages(static_sim, "projects")


@pytest.fixture(scope="module")
def resources(static_sim: SimServer, projects: list[dict]) -> dict[str, list[dict]]:
    return {project["id"]: all_pages(static_sim, f"projects/{project['id']}/resources") for project in projects}


def test_project_list_has_the_reference_shape_and_meta(static_sim: SimServer) -> None:
    response = call(static_sim, "GET", "projects")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert_common_headers(response)
    body = response.json()
    assert set(body) == {"data", "meta"}
    assert body["meta"] == {"page": 1, "per_page": 20, "total": len(body["data"])}
    for project in body["data"]:
        assert set(project) >= PROJECT_KEYS
        assert project["id"].startswith("proj_")
        assert project["organization_id"].startswith("org_")
        assert ISO_Z.match(project["created_at"]) and ISO_Z.match(project["updated_at"])
        assert isinstance(project["description"], str) and isinstance(project["tags"], dict)
        assert has_two_decimals_at_most(project["monthly_cost"])


def test_default_world_is_about_eight_projects_one_archived(projects: list[dict]) -> None:
    assert len(projects) == 8
    assert Counter(project["status"] for project in projects) == {"active": 7, "archived": 1}


def test_project_totals_match_its_resources(projects: list[dict], resources: dict[str, list[dict]]) -> None:
    for project in projects:
        items = resources[project["id"]]
        assert 20 <= len(items) <= 200
        assert project["resource_count"] == len(items)
        assert project["monthly_cost"] == pytest.approx(sum(item["monthly_cost"] for item in items), abs=0.005)


def test_resources_have_the_reference_shape(resources: dict[str, list[dict]]) -> None:
    for project_id, items in resources.items():
        for resource in items:
            assert set(resource) >= RESOURCE_KEYS
            assert resource["id"].startswith("res_")
            assert resource["project_id"] == project_id
            assert isinstance(resource["configuration"], dict) and resource["configuration"]
            assert isinstance(resource["tags"], dict)
            assert ISO_Z.match(resource["created_at"]) and ISO_Z.match(resource["updated_at"])
            assert has_two_decimals_at_most(resource["monthly_cost"]) and resource["monthly_cost"] >= 0
            assert "operation_id" not in resource  # nothing runs in a static world


def test_world_covers_every_type_provider_region_and_tag(resources: dict[str, list[dict]]) -> None:
    every = [resource for items in resources.values() for resource in items]
    assert {resource["type"] for resource in every} == set(TYPE_PROVIDERS)
    assert {resource["provider"] for resource in every} == {"aws", "gcp", "azure"}
    for resource in every:
        assert resource["provider"] in TYPE_PROVIDERS[resource["type"]], resource
    for provider in ("aws", "gcp", "azure"):
        assert len({r["region"] for r in every if r["provider"] == provider}) >= 3
    tag_keys = {key for resource in every for key in resource["tags"]}
    assert {"environment", "team", "application"} <= tag_keys
    assert {"running", "stopped", "error"} <= {resource["status"] for resource in every}
    aws_instances = [r for r in every if r["type"] == "compute_instance" and r["provider"] == "aws"]
    assert all("instance_type" in r["configuration"] for r in aws_instances)


def test_get_one_project_and_resource(static_sim: SimServer, projects: list[dict], resources: dict) -> None:
    project = projects[0]
    got = call(static_sim, "GET", f"projects/{project['id']}").json()
    assert got == {"data": project}
    resource = resources[project["id"]][0]
    got = call(static_sim, "GET", f"projects/{project['id']}/resources/{resource['id']}").json()
    assert got == {"data": resource}


def test_pagination_pages_add_up(static_sim: SimServer, projects: list[dict], resources: dict) -> None:
    project = max(projects, key=lambda item: item["resource_count"])
    path = f"projects/{project['id']}/resources"
    seen = []
    for page in range(1, 100):
        body = call(static_sim, "GET", path, params={"page": page, "per_page": 7}).json()
        assert body["meta"] == {"page": page, "per_page": 7, "total": project["resource_count"]}
        if not body["data"]:
            break
        assert len(body["data"]) <= 7
        seen += [item["id"] for item in body["data"]]
    assert seen == [item["id"] for item in resources[project["id"]]]
    beyond = call(static_sim, "GET", "projects", params={"page": 50}).json()
    assert beyond == {"data": [], "meta": {"page": 50, "per_page": 20, "total": 8}}
    assert len(call(static_sim, "GET", "projects", params={"per_page": 3}).json()["data"]) == 3


def test_project_status_filter(static_sim: SimServer) -> None:
    archived = call(static_sim, "GET", "projects", params={"status": "archived"}).json()
    assert archived["meta"]["total"] == 1 and archived["data"][0]["status"] == "archived"
    active = call(static_sim, "GET", "projects", params={"status": "active"}).json()
    assert active["meta"]["total"] == 7 and {p["status"] for p in active["data"]} == {"active"}


def test_resource_filters(static_sim: SimServer, projects: list[dict], resources: dict) -> None:
    project = projects[0]
    items = resources[project["id"]]
    path = f"projects/{project['id']}/resources"
    for name, value in (("type", "compute_instance"), ("status", "running"), ("status", "stopped")):
        expected = [item["id"] for item in items if item[name] == value]
        got = all_pages(static_sim, path, **{name: value})
        assert [item["id"] for item in got] == expected
    team = items[0]["tags"]["team"]
    got = all_pages(static_sim, path, tag=f"team:{team}")
    assert [item["id"] for item in got] == [item["id"] for item in items if item["tags"].get("team") == team]
    assert got and all(item["tags"]["team"] == team for item in got)
    none = call(static_sim, "GET", path, params={"status": "no-such-status"}).json()
    assert none["data"] == [] and none["meta"]["total"] == 0
    both = all_pages(static_sim, path, type="compute_instance", status="running")
    assert all(item["type"] == "compute_instance" and item["status"] == "running" for item in both)


def test_request_id_echoed_or_generated(static_sim: SimServer) -> None:
    echoed = call(static_sim, "GET", "projects", headers={"X-Request-ID": "trace-abc-123"})
    assert echoed.headers["x-request-id"] == "trace-abc-123"
    fresh = call(static_sim, "GET", "projects")
    assert REQUEST_ID.match(fresh.headers["x-request-id"])
    assert fresh.headers["x-request-id"] != call(static_sim, "GET", "projects").headers["x-request-id"]


def test_enterprise_plan_limit_header(static_sim: SimServer) -> None:
    assert call(static_sim, "GET", "projects").headers["x-ratelimit-limit"] == "10000"
