"""`cftui status` at a fair cost (issue 11 item 5): 1 + N requests, every problem resource across projects, and two
runs in the same minute on a Starter key with 24 projects, counted by the simulator itself."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.headless.runner import run_piped
from tests.headless.schema import check_status_document
from tests.headless.simworld import projects, resources, set_status
from tests.simproc import SimServer, running_sim


@pytest.fixture(scope="module")
def starter() -> Iterator[SimServer]:
    with running_sim("--seed", "21", "--static", "--plan", "starter", "--projects", "24", "--resources", "50") as sim:
        yield sim


def test_two_runs_in_a_minute_on_a_starter_key_with_24_projects(starter: SimServer) -> None:
    listed = [p for p in projects(starter) if p["status"] == "active"]  # the world also has archived ones
    archived = listed[-1]
    starter.control("POST", "mutate", {"action": "set_project_status", "project_id": archived["id"],
                                       "status": "archived"})  # fmt: skip
    broken = {}
    for project in (listed[1], listed[5], listed[10], archived):
        victim = next(r for r in resources(starter, project["id"]) if r["status"] == "running")
        set_status(starter, victim["id"], "error")
        broken[victim["id"]] = project["id"]
    errors = {
        r["id"]: p["id"] for p in listed[:-1] for r in resources(starter, p["id"]) if r["status"] == "error"
    }  # every error in the active projects, those set above and any the world began with
    active = len(listed) - 1
    starter.control("DELETE", "stats")
    first = run_piped("status", "--api-url", starter.base_url, "--problems", "--format", "json")
    after_first = starter.control("GET", "stats")
    second = run_piped("status", "--api-url", starter.base_url)
    after_second = starter.control("GET", "stats")

    assert first.code == 1 and second.code == 1, (first.stderr, second.stderr)
    assert after_first["requests"] <= 1 + active <= 25, "one for the list, one per project of one page"
    assert after_second["requests"] - after_first["requests"] <= 25
    assert after_second["by_status"].get("429", 0) == 0
    assert not [r for r in after_second["recent"] if archived["id"] in r["path"]], "archived: not listed"
    body = json.loads(first.stdout)
    check_status_document(body, with_resources=True)
    listed_problems = {r["id"]: p["id"] for p in body["projects"] for r in p["resources"] if r["status"] == "error"}
    assert listed_problems == errors, "every resource in error, in every project, and only the active ones"
    assert {rid: pid for rid, pid in broken.items() if pid != archived["id"]}.items() <= listed_problems.items()
    assert all(r["problem"] for p in body["projects"] for r in p["resources"])
