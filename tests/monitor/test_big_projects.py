"""A project of more than one page: its `status=error` list between full lists, a full list at least every k-th
visit (the documented bound), and a server that ignores the filter read as what it is (issue 11, issue 12 item 10).

These drive the engine's visit job directly, with the planner's spare requests set to none, so the bound is the
tightest the budget can impose; every request goes to a real HTTP server."""

from __future__ import annotations

import json

from cftui.api.models import RESOURCE_STATUSES
from cftui.monitor.diff import ChangeTracker
from cftui.monitor.job_keys import PROJECTS, SweepJob
from cftui.monitor.jobs import MAX_FULL_EVERY, Jobs
from cftui.monitor.operations import OperationRegistry
from cftui.monitor.store import DataStore
from tests.hostile_api import Answer, Seen, hostile_api, not_found
from tests.monitor.helpers import api_get, control, make_client, mutate
from tests.simproc import READ_KEY


def _jobs(client) -> tuple[Jobs, ChangeTracker, DataStore]:
    tracker, store = ChangeTracker(), DataStore()
    return Jobs(client, tracker, store, OperationRegistry()), tracker, store


async def test_a_200_resource_project_reports_every_change_within_its_bound(sim_factory) -> None:
    sim = sim_factory("--seed", "8", "--static", "--plan", "enterprise", "--projects", "2", "--resources", "10")
    big = (await control(sim, "POST", "mutate", {"action": "add_projects", "count": 1, "resources": 200}))[
        "project_ids"
    ][0]
    resources = [r for r in api_get(sim, f"projects/{big}/resources") if r["status"] == "running"]
    await control(sim, "DELETE", "stats")
    async with make_client(sim) as client:
        jobs, _, _ = _jobs(client)
        jobs.spare_per_round = 0.0  # a budget with no room to spare: the mix is as thin as it gets
        await jobs.run(PROJECTS)
        key = SweepJob(big)
        assert jobs.wants_full_list(big), "the first look lists every resource"
        first = await jobs.run(key)
        assert first.events == []
        every = jobs.full_every(big)
        assert 2 <= every <= MAX_FULL_EVERY
        into_error, stopped, operated = resources[0], resources[1], resources[2]
        await mutate(sim, action="set_status", resource_id=into_error["id"], status="error")
        await mutate(sim, action="set_status", resource_id=stopped["id"], status="stopped")
        started = await mutate(sim, action="start_operation", resource_id=operated["id"], duration_s=600)
        seen: list = []
        for _ in range(every):  # the bound: every change is reported within k visits
            seen += (await jobs.run(key)).events
        discovered = jobs.take_discovered_operations()
    stats = await control(sim, "GET", "stats")
    changes = {(e.subject_id, e.old, e.new) for e in seen}
    assert (into_error["id"], "running", "error") in changes, "the error list tells it with its real old status"
    assert (stopped["id"], "running", "stopped") in changes, "the next full list tells the rest"
    assert started["operation_id"] in discovered, "the operation is found within the bound"
    queries = [r["query"] for r in stats["recent"] if r["path"] == f"/v2/projects/{big}/resources"]
    assert sum("status=error" in q for q in queries) == every - 1, "between full lists, only the error list"
    assert len(queries) == 2 + (every - 1) + 2, "two full lists of two pages and the error lists between"


def _page(items: list[dict], page: int, total: int) -> bytes:
    return json.dumps({"data": items, "meta": {"page": page, "per_page": 100, "total": total}}).encode()


async def test_a_server_that_ignores_the_status_filter_causes_no_false_change() -> None:
    resources = [
        {"id": f"r{i}", "name": f"n{i}", "type": "vpc", "status": "error" if i == 7 else "running"} for i in range(150)
    ]
    project = {"id": "p1", "name": "big", "status": "active", "resource_count": 150, "monthly_cost": 1.0}

    def listing(seen: Seen) -> Answer:
        query = seen.query
        page = int(query.get("page", "1"))  # `status` is ignored, as a careless server might
        return Answer(body=_page(resources[(page - 1) * 100 : page * 100], page, len(resources)))

    with hostile_api(not_found) as server:
        server.answer("/projects", Answer(body=json.dumps({"data": [project]}).encode()))
        server.answer("/projects/p1/resources", listing)
        from cftui.api.client import CloudForgeClient
        from cftui.api.keys import ApiKey

        async with CloudForgeClient(server.base_url, ApiKey.parse(READ_KEY)) as client:
            jobs, tracker, store = _jobs(client)
            jobs.spare_per_round = 0.0
            await jobs.run(PROJECTS)
            await jobs.run(SweepJob("p1"))  # the first look: the full list
            assert not jobs.wants_full_list("p1"), "a two-page project is next visited through its error list"
            result = await jobs.run(SweepJob("p1"))
            assert result.events == [], "150 resources that did not change are not 150 changes"
            assert store.problem_counts["p1"] == 1, "running resources are not counted as errors"
            assert jobs.filter_ignored and any("ignores the status filter" in n for n in store.notes)
            assert [r.resource_id for r in tracker.org.problem_refs()] == ["r7"]
            assert all(r.status in RESOURCE_STATUSES for r in tracker.org.values())
            await jobs.run(SweepJob("p1"))
    filtered = [r for r in server.seen if r.path == "/projects/p1/resources" and "status" in r.query]
    assert len(filtered) == 2, "asked once with the filter (both pages), then never again"


async def test_one_big_project_among_twenty_is_listed_whole_on_every_visit(sim_factory) -> None:
    """Its one extra page is a twentieth of a round: worth paying for a bound of one round (FULL_LIST_SHARE), so
    an operation there is found at the next visit, like in any one-page project."""
    sim = sim_factory("--seed", "8", "--static", "--plan", "enterprise", "--projects", "20", "--resources", "5")
    big = (await control(sim, "POST", "mutate", {"action": "add_projects", "count": 1, "resources": 200}))[
        "project_ids"
    ][0]
    operated = next(r for r in api_get(sim, f"projects/{big}/resources") if r["status"] == "running")
    await control(sim, "DELETE", "stats")
    async with make_client(sim) as client:
        jobs, _, _ = _jobs(client)
        jobs.spare_per_round = 0.0  # no spare requests: the share alone decides
        await jobs.run(PROJECTS)
        await jobs.run(SweepJob(big))
        assert jobs.full_every(big) == 1
        started = await mutate(sim, action="start_operation", resource_id=operated["id"], duration_s=600)
        await jobs.run(SweepJob(big))
        assert started["operation_id"] in jobs.take_discovered_operations(), "found at the very next visit"
    stats = await control(sim, "GET", "stats")
    queries = [r["query"] for r in stats["recent"] if r["path"] == f"/v2/projects/{big}/resources"]
    assert len(queries) == 4 and not any("status=error" in q for q in queries), "two full lists of two pages"


async def test_a_resource_shifted_between_pages_keeps_its_status_and_its_change(sim_factory) -> None:
    """Pages are offsets into the simulator's insertion order: a resource deleted from page 1 after it is read, before
    page 2 is, moves the first resource of page 2 onto page 1, so that list has it on neither page (issue 11: one
    change missed, one told with a wrong old status). The missing one is read on its own, not taken for deleted."""
    sim = sim_factory("--seed", "8", "--static", "--plan", "enterprise", "--projects", "2", "--resources", "10")
    big = (await control(sim, "POST", "mutate", {"action": "add_projects", "count": 1, "resources": 200}))[
        "project_ids"
    ][0]
    listed = [*api_get(sim, f"projects/{big}/resources"), *api_get(sim, f"projects/{big}/resources", page=2)]
    deleted, shifted = listed[5], listed[100]
    into_error = next(r for r in listed[101:] if r["status"] == "running")
    assert shifted["status"] == "running"
    async with make_client(sim) as client:
        jobs, tracker, _ = _jobs(client)
        jobs.spare_per_round = float("inf")  # every visit lists the project whole
        await jobs.run(PROJECTS)
        key = SweepJob(big)
        assert (await jobs.run(key)).events == []  # the baseline: both pages, nothing moving
        assert tracker.org[shifted["id"]].status == "running"

        async def delete_between_pages() -> None:
            client.set_page_pacer(None)  # once
            await mutate(sim, action="delete_resource", resource_id=deleted["id"])

        client.set_page_pacer(delete_between_pages)
        shifted_visit = await jobs.run(key)
        assert [e for e in shifted_visit.events if e.subject_id == shifted["id"]] == []
        assert tracker.org.get(shifted["id"]) is not None, "missing from a list of pages is not forgotten"
        checks = jobs.check_keys()
        assert [c.resource_id for c in checks] == [shifted["id"]], "the one on neither page is read on its own"
        seen = []
        for check in checks:
            seen += (await jobs.run(check)).events
        assert seen == [] and tracker.org[shifted["id"]].status == "running", "it is there, unchanged"

        await mutate(sim, action="set_status", resource_id=shifted["id"], status="stopped")
        await mutate(sim, action="set_status", resource_id=into_error["id"], status="error")
        changes = {(e.subject_id, e.old, e.new) for e in (await jobs.run(key)).events}
    assert (shifted["id"], "running", "stopped") in changes, "its change is told, with its real old status"
    assert (into_error["id"], "running", "error") in changes
