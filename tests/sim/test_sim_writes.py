"""Writes and the operations they start, moved along with `/_sim/advance` on a static world."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.sim.helpers import ISO_Z, assert_common_headers, assert_error, call
from tests.simproc import LIVE_KEY, TEST_KEY, SimServer, running_sim


@pytest.fixture(scope="module")
def sim() -> Iterator[SimServer]:
    with running_sim("--seed", "11", "--static", "--plan", "enterprise") as server:
        yield server


def active_project(sim: SimServer) -> dict:
    return call(sim, "GET", "projects", params={"status": "active"}).json()["data"][0]


def advance(sim: SimServer, seconds: float) -> None:
    sim.control("POST", "advance", {"seconds": seconds})


def operation(sim: SimServer, operation_id: str) -> dict:
    response = call(sim, "GET", f"operations/{operation_id}")
    assert response.status_code == 200
    assert_common_headers(response)
    return response.json()["data"]


def test_create_resource_runs_an_operation_to_completion(sim: SimServer) -> None:
    project = active_project(sim)
    body = {
        "type": "compute_instance",
        "name": "web-server-2",
        "configuration": {"instance_type": "t3.medium", "ami": "ami-0abc123"},
        "tags": {"application": "web", "tier": "frontend"},
    }
    created = call(sim, "POST", f"projects/{project['id']}/resources", key=TEST_KEY, json=body)
    assert created.status_code == 202
    assert_common_headers(created)
    data = created.json()["data"]
    assert set(data) == {"id", "status", "operation_id"}
    assert data["status"] == "provisioning"
    assert data["id"].startswith("res_") and data["operation_id"].startswith("op_")

    resource = call(sim, "GET", f"projects/{project['id']}/resources/{data['id']}").json()["data"]
    assert resource["status"] == "provisioning"
    assert resource["operation_id"] == data["operation_id"]
    assert resource["name"] == "web-server-2" and resource["tags"] == body["tags"]
    assert resource["configuration"] == body["configuration"]
    after_create = call(sim, "GET", f"projects/{project['id']}").json()["data"]
    assert after_create["resource_count"] == project["resource_count"] + 1
    assert after_create["monthly_cost"] == pytest.approx(project["monthly_cost"] + resource["monthly_cost"], abs=0.005)

    op = operation(sim, data["operation_id"])
    assert op["type"] == "create_resource" and op["resource_id"] == data["id"]
    assert op["project_id"] == project["id"]
    assert op["status"] in ("pending", "in_progress")
    assert ISO_Z.match(op["estimated_completion"])
    assert "completed_at" not in op and "error" not in op

    advance(sim, 8)
    running = operation(sim, data["operation_id"])
    assert running["status"] in ("in_progress", "failed")  # about 1 in 8 fail, possibly early
    assert 0 <= running["progress"] < 100
    assert ISO_Z.match(running["started_at"])
    assert running["logs"] and all(ISO_Z.match(line["timestamp"]) and line["message"] for line in running["logs"])
    assert running["logs"][0]["message"] == "Initializing resource creation"

    advance(sim, 20)
    later = operation(sim, data["operation_id"])
    assert later["progress"] >= running["progress"]
    assert len(later["logs"]) >= len(running["logs"])

    advance(sim, 60)
    done = operation(sim, data["operation_id"])
    assert done["status"] in ("completed", "failed")
    assert ISO_Z.match(done["completed_at"])
    final = call(sim, "GET", f"projects/{project['id']}/resources/{data['id']}").json()["data"]
    assert "operation_id" not in final
    assert final["status"] == ("running" if done["status"] == "completed" else "error")


def start(sim: SimServer, resource_id: str, outcome: str, kind: str = "update_resource") -> str:
    body = {"action": "start_operation", "resource_id": resource_id, "type": kind, "outcome": outcome, "duration_s": 30}
    return sim.control("POST", "mutate", body)["operation_id"]


def some_resource(sim: SimServer, index: int) -> tuple[dict, dict]:
    project = active_project(sim)
    items = call(sim, "GET", f"projects/{project['id']}/resources", params={"status": "running"}).json()["data"]
    return project, items[index]


def test_operation_completes_and_resource_carries_its_id_meanwhile(sim: SimServer) -> None:
    project, resource = some_resource(sim, 1)
    op_id = start(sim, resource["id"], "completed")
    path = f"projects/{project['id']}/resources/{resource['id']}"
    assert call(sim, "GET", path).json()["data"]["operation_id"] == op_id
    assert operation(sim, op_id)["status"] == "pending"
    advance(sim, 10)
    middle = operation(sim, op_id)
    assert middle["status"] == "in_progress" and 0 < middle["progress"] < 100
    advance(sim, 25)
    done = operation(sim, op_id)
    assert done["status"] == "completed" and done["progress"] == 100
    assert "error" not in done
    assert "operation_id" not in call(sim, "GET", path).json()["data"]


def test_operation_fails_with_an_error(sim: SimServer) -> None:
    project, resource = some_resource(sim, 2)
    op_id = start(sim, resource["id"], "failed", kind="restart_resource")
    advance(sim, 40)
    failed = operation(sim, op_id)
    assert failed["status"] == "failed"
    assert isinstance(failed["error"], str) and failed["error"]
    assert failed["progress"] < 100
    assert failed["logs"][-1]["message"].startswith("Error:")
    after = call(sim, "GET", f"projects/{project['id']}/resources/{resource['id']}").json()["data"]
    assert after["status"] == "error" and "operation_id" not in after


def test_update_applies_when_its_operation_completes(sim: SimServer) -> None:
    project, resource = some_resource(sim, 3)
    path = f"projects/{project['id']}/resources/{resource['id']}"
    patch = {"name": "renamed-by-test", "tags": {"owner": "qa"}, "configuration": {"size_hint": "large"}}
    accepted = call(sim, "PATCH", path, key=LIVE_KEY, json=patch)
    assert accepted.status_code == 202
    op_id = accepted.json()["data"]["operation_id"]
    busy = call(sim, "PATCH", path, key=LIVE_KEY, json={"name": "again"})
    assert_error(busy, 400, "validation_error", op_id)
    assert_error(call(sim, "PATCH", path, key=LIVE_KEY, json={}), 400, "validation_error", "nothing to update")
    # Drive it to its end, whichever it is (1 in 8 fail).
    advance(sim, 90)
    ended = operation(sim, op_id)
    after = call(sim, "GET", path).json()["data"]
    if ended["status"] == "completed":
        assert after["name"] == "renamed-by-test"
        assert after["tags"]["owner"] == "qa" and after["configuration"]["size_hint"] == "large"
    else:
        assert after["name"] == resource["name"]


def test_delete_removes_the_resource_at_completion(sim: SimServer) -> None:
    project, resource = some_resource(sim, 4)
    path = f"projects/{project['id']}/resources/{resource['id']}"
    op_id = start(sim, resource["id"], "completed", kind="delete_resource")
    assert call(sim, "GET", path).status_code == 200
    advance(sim, 40)
    assert operation(sim, op_id)["type"] == "delete_resource"
    assert_error(call(sim, "GET", path), 404, "resource_not_found")
    after = call(sim, "GET", f"projects/{project['id']}").json()["data"]
    listed = call(sim, "GET", f"projects/{project['id']}/resources", params={"per_page": 1}).json()["meta"]["total"]
    assert after["resource_count"] == listed


def test_delete_via_api_returns_202(sim: SimServer) -> None:
    project, resource = some_resource(sim, 5)
    response = call(sim, "DELETE", f"projects/{project['id']}/resources/{resource['id']}", key=TEST_KEY)
    assert response.status_code == 202
    data = response.json()["data"]
    assert data["id"] == resource["id"] and data["operation_id"].startswith("op_")
    assert operation(sim, data["operation_id"])["type"] == "delete_resource"


def test_project_lifecycle_and_refused_delete(sim: SimServer) -> None:
    body = {
        "name": "staging-infrastructure-2",
        "description": "Staging environment resources",
        "cloud_provider": "aws",
        "region": "us-west-2",
        "tags": {"environment": "staging", "team": "platform"},
    }
    created = call(sim, "POST", "projects", key=TEST_KEY, json=body)
    assert created.status_code == 201
    assert_common_headers(created)
    project = created.json()["data"]
    assert {"id", "name", "status", "created_at"} <= set(project)
    assert project["status"] == "active" and project["resource_count"] == 0 and project["monthly_cost"] == 0
    assert project["tags"] == body["tags"] and project["description"] == body["description"]

    patched = call(sim, "PATCH", f"projects/{project['id']}", key=TEST_KEY, json={"description": "changed"})
    assert patched.status_code == 200 and patched.json()["data"]["description"] == "changed"

    made = call(sim, "POST", f"projects/{project['id']}/resources", key=TEST_KEY, json={"type": "vpc", "name": "v"})
    assert made.status_code == 202
    refused = call(sim, "DELETE", f"projects/{project['id']}", key=TEST_KEY)
    assert_error(refused, 400, "validation_error", "still has 1 resource")

    sim.control("POST", "mutate", {"action": "delete_resource", "resource_id": made.json()["data"]["id"]})
    deleted = call(sim, "DELETE", f"projects/{project['id']}", key=TEST_KEY)
    assert deleted.status_code == 204
    assert_common_headers(deleted)
    assert_error(call(sim, "GET", f"projects/{project['id']}"), 404, "resource_not_found")


def test_refused_delete_of_a_generated_project_names_the_count(sim: SimServer) -> None:
    project = active_project(sim)
    refused = call(sim, "DELETE", f"projects/{project['id']}", key=TEST_KEY)
    assert_error(refused, 400, "validation_error", f"still has {project['resource_count']} resources")


def test_archived_project_accepts_no_new_resources(sim: SimServer) -> None:
    archived = call(sim, "GET", "projects", params={"status": "archived"}).json()["data"][0]
    response = call(
        sim, "POST", f"projects/{archived['id']}/resources", key=TEST_KEY, json={"type": "vpc", "name": "v"}
    )
    assert_error(response, 400, "validation_error", "archived")
