"""The living world: determinism per seed, --static, --speed, the journal and the control endpoint."""

from __future__ import annotations

from typing import Any

import httpx

from tests.sim.helpers import all_pages, call
from tests.simproc import SimServer, wait_for

STORY_KINDS = {"resource.status_changed", "cost.changed", "operation.started", "operation.progress"}


def snapshot(server: SimServer) -> dict[str, Any]:
    projects = all_pages(server, "projects")
    return {project["id"]: (project, all_pages(server, f"projects/{project['id']}/resources")) for project in projects}


def story(server: SimServer, count: int) -> list[tuple]:
    changes = server.control("GET", "changes?since=0")["changes"][:count]
    return [
        (c["kind"], c["project_id"], c["resource_id"], c["operation_id"], repr(c["old"]), repr(c["new"]))
        for c in changes
    ]


def test_same_seed_same_world_and_story_different_seed_different(sim_factory: Any) -> None:
    frozen = [sim_factory("--seed", seed, "--static") for seed in ("42", "42", "43")]
    worlds = [snapshot(server) for server in frozen]
    assert worlds[0] == worlds[1]
    assert worlds[0].keys() != worlds[2].keys()
    first, second = sim_factory("--seed", "42"), sim_factory("--seed", "42")
    # Whatever the request timing, the first N happenings are the same for the same seed.
    for server in (first, second):
        server.control("POST", "advance", {"seconds": 300})
    first_story, second_story = story(first, 60), story(second, 60)
    assert len(first_story) == 60
    assert first_story == second_story
    assert {kind for kind, *_ in first_story} & STORY_KINDS


def test_static_world_does_not_change_but_writes_progress(sim_factory: Any) -> None:
    server = sim_factory("--seed", "5", "--static")
    before = snapshot(server)
    server.control("POST", "advance", {"seconds": 3600})
    assert server.control("GET", "state")["last_seq"] == 0
    assert snapshot(server) == before
    resource = next(iter(before.values()))[1][0]
    mutated = server.control(
        "POST", "mutate", {"action": "start_operation", "resource_id": resource["id"], "outcome": "completed"}
    )
    server.control("POST", "advance", {"seconds": 60})
    op = call(server, "GET", f"operations/{mutated['operation_id']}").json()["data"]
    assert op["status"] == "completed"


def test_happenings_occur_on_their_own_with_speed(sim_factory: Any) -> None:
    server = sim_factory("--seed", "9", "--speed", "40")
    state = server.control("GET", "state")
    assert state["speed"] == 40 and state["static"] is False

    def kinds() -> set[str]:
        return {change["kind"] for change in server.control("GET", "changes?since=0")["changes"]}

    wait_for(lambda: {"resource.status_changed", "cost.changed", "operation.started"} <= kinds(), timeout=30)
    changes = server.control("GET", "changes?since=0")["changes"]
    changed = next(change for change in changes if change["kind"] == "resource.status_changed")
    project_id, resource_id = changed["project_id"], changed["resource_id"]
    now = call(server, "GET", f"projects/{project_id}/resources/{resource_id}")
    if now.status_code == 200:  # it may have been deleted since by the story
        assert now.json()["data"]["status"] in {"running", "stopped", "pending", "error", "provisioning"}


def test_journal_records_every_kind_of_change_and_pages_by_seq(sim_factory: Any) -> None:
    server = sim_factory("--seed", "3", "--static")
    project = all_pages(server, "projects")[0]
    resource = all_pages(server, f"projects/{project['id']}/resources")[0]
    rid, pid = resource["id"], project["id"]
    status = server.control("POST", "mutate", {"action": "set_status", "resource_id": rid, "status": "error"})
    assert status["change"]["kind"] == "resource.status_changed"
    assert (status["change"]["old"], status["change"]["new"]) == (resource["status"], "error")
    assert call(server, "GET", f"projects/{pid}/resources/{rid}").json()["data"]["status"] == "error"

    cost = server.control("POST", "mutate", {"action": "set_cost", "resource_id": rid, "monthly_cost": 1234.5})
    assert cost["change"]["kind"] == "cost.changed" and cost["change"]["new"] == 1234.5
    after = call(server, "GET", f"projects/{pid}").json()["data"]
    expected = project["monthly_cost"] - resource["monthly_cost"] + 1234.5
    assert abs(after["monthly_cost"] - expected) < 0.005

    created = server.control(
        "POST", "mutate", {"action": "create_resource", "project_id": pid, "type": "vpc", "name": "made"}
    )
    assert created["change"]["kind"] == "resource.created"
    new_id = created["resource_id"]
    assert call(server, "GET", f"projects/{pid}/resources/{new_id}").json()["data"]["name"] == "made"
    deleted = server.control("POST", "mutate", {"action": "delete_resource", "resource_id": new_id})
    assert deleted["change"]["kind"] == "resource.deleted"
    archived = server.control(
        "POST", "mutate", {"action": "set_project_status", "project_id": pid, "status": "archived"}
    )
    assert archived["change"]["kind"] == "project.updated"
    assert call(server, "GET", f"projects/{pid}").json()["data"]["status"] == "archived"
    added = server.control("POST", "mutate", {"action": "add_projects", "count": 2, "resources": 5})
    assert len(added["project_ids"]) == 2
    assert call(server, "GET", "projects").json()["meta"]["total"] == len(snapshot(server))
    op = server.control("POST", "mutate", {"action": "start_operation", "resource_id": rid, "outcome": "failed"})
    server.control("POST", "advance", {"seconds": 60})

    journal = server.control("GET", "changes?since=0")
    kinds = [change["kind"] for change in journal["changes"]]
    for kind in (
        "resource.status_changed",
        "cost.changed",
        "resource.created",
        "resource.deleted",
        "project.updated",
        "project.created",
        "operation.started",
        "operation.progress",
        "operation.failed",
    ):
        assert kind in kinds, kind
    seqs = [change["seq"] for change in journal["changes"]]
    assert seqs == list(range(1, len(seqs) + 1)) and journal["last_seq"] == seqs[-1]
    assert all(
        set(change) == {"seq", "at", "kind", "project_id", "resource_id", "operation_id", "old", "new"}
        for change in journal["changes"]
    )
    failed = [c for c in journal["changes"] if c["kind"] == "operation.failed"]
    assert failed[-1]["operation_id"] == op["operation_id"]
    tail = server.control("GET", f"changes?since={seqs[-3]}")
    assert [change["seq"] for change in tail["changes"]] == seqs[-2:]


def test_control_rejects_bad_input_and_unknown_actions(static_sim: SimServer) -> None:
    bad = [
        ("POST", "mutate", {"action": "explode"}, "action"),
        ("POST", "mutate", {"action": "set_status", "resource_id": "res_nope", "status": "x"}, "res_nope"),
        ("POST", "advance", {"seconds": "soon"}, "seconds"),
        ("POST", "faults", {"error_rate": 2}, "error_rate"),
        ("POST", "faults", {"nonsense": 1}, "nonsense"),
    ]
    for method, path, body, mentions in bad:
        response = httpx.request(method, f"{static_sim.root_url}/_sim/{path}", json=body)
        assert response.status_code in (400, 404), response.text
        assert mentions in response.json()["error"]["message"]


def test_state_and_stats(sim_factory: Any) -> None:
    server = sim_factory("--seed", "4", "--static")
    state = server.control("GET", "state")
    assert {"now", "world_time", "speed", "static", "plan", "projects", "resources", "faults", "keys"} <= set(state)
    assert state["plan"] == "starter" and state["static"] is True and state["projects"] == 8
    assert sorted(state["keys"]) == ["cf_live_…live", "cf_read_…read", "cf_test_…test"]
    server.control("DELETE", "stats")
    call(server, "GET", "projects")
    call(server, "GET", "projects/nope")
    call(server, "GET", "projects", key="")
    stats = server.control("GET", "stats")
    assert stats["requests"] == 3
    assert stats["by_status"] == {"200": 1, "404": 1, "401": 1}
    assert [entry["status"] for entry in stats["recent"]] == [200, 404, 401]
    first = stats["recent"][0]
    assert first["method"] == "GET" and first["path"] == "/v2/projects" and first["key"] == "cf_read_…read"
    assert server.control("DELETE", "stats")["requests"] == 0
    assert server.control("GET", "stats")["requests"] == 0  # control calls are not counted
