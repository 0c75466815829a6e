"""`cftui events` and `cftui watch` with `--webhook-listen`: pushed events marked, merged with polled ones, once."""

from __future__ import annotations

import contextlib
import json
import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.headless.runner import Streaming, start_piped
from tests.headless.schema import check_event_line
from tests.monitor.helpers import api_get
from tests.push.helpers import ALL_EVENTS, SECRET
from tests.simproc import TEST_KEY, wait_for


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _register(sim: Any, port: int, events: list[str]) -> None:
    body = {"url": f"http://127.0.0.1:{port}/webhook", "events": events, "secret": SECRET}
    response = httpx.post(
        f"{sim.base_url}/webhooks", json=body, headers={"Authorization": f"Bearer {TEST_KEY}"}, timeout=10
    )
    assert response.status_code == 201, response.text


@contextlib.contextmanager
def _receiving(sim: Any, events: list[str], *args: str, listen: str = "127.0.0.1:{port}") -> Iterator[Streaming]:
    """`cftui <args> --webhook-listen <listen>` on a free port, the simulator's webhook registered once it listens;
    stopped (and exiting 0) at the end unless it has ended by itself."""
    port = _free_port()
    stream = start_piped(*args, "--webhook-listen", listen.format(port=port), "--api-url", sim.base_url)
    try:
        # a child's start on a busy machine takes seconds: the deadline is for a receiver that never listens
        wait_for(lambda: _listening(port), timeout=60, message="receiver listening")
        _register(sim, port, events)
        yield stream
    except BaseException:
        stream.stop()  # the test's own failure is the one to report
        raise
    if stream.process.poll() is None:
        assert stream.stop() == 0


def _await_reads(sim: Any, path_end: str, count: int, message: str) -> None:
    """Wait until the API has answered `count` more reads of a path ending in `path_end` than it had now."""
    before = len(sim.control("GET", "stats")["recent"])

    def reads() -> int:
        return sum(1 for r in sim.control("GET", "stats")["recent"][before:] if r["path"].endswith(path_end))

    wait_for(lambda: reads() >= count, timeout=30, message=message)


JSONL_EVERY_SECOND = ("events", "--format", "jsonl", "--no-history", "--interval", "1")


@pytest.fixture(autouse=True)
def secret_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CFTUI_WEBHOOK_SECRET", SECRET)


def test_events_prints_pushed_and_polled_events_each_once(sim_factory: Any) -> None:
    sim = sim_factory("--static", "--plan", "enterprise", "--projects", "3", "--resources", "5", "--seed", "41")
    projects = api_get(sim, "projects", status="active")
    with _receiving(sim, ALL_EVENTS, *JSONL_EVERY_SECOND) as stream:
        target = next(r for r in api_get(sim, f"projects/{projects[1]['id']}/resources") if r["status"] == "running")
        sim.control("POST", "mutate", {"action": "set_status", "resource_id": target["id"], "status": "error"})
        first = json.loads(stream.wait_for_line(rf'"subject_id":"{target["id"]}"'))
        # the delivery and the one-second sweep race (either may tell first); the change is printed once either way
        assert first["kind"] == "resource.status_changed" and (first["old"], first["new"]) in {
            ("running", "error"), (None, "error")
        }  # fmt: skip
        # only a push tells a resource's cost in a project nobody looks at: a line marked as pushed
        cost = target["monthly_cost"] + 250
        sim.control("POST", "mutate", {"action": "set_cost", "resource_id": target["id"], "monthly_cost": cost})
        pushed = json.loads(stream.wait_for_line(rf'"kind":"cost.changed","at":"[^"]+","subject_id":"{target["id"]}"'))
        assert pushed["source"] == "push" and pushed["new"] == f"{cost:.2f}"
        # the sweep (every project, every couple of seconds here) sees the same change: wait until it has looked
        _await_reads(sim, f"/projects/{projects[1]['id']}/resources", 2, "two sweeps of the project after the change")
        # a change polling alone sees (the project list: a new project) is printed too, marked as polled
        sim.control("POST", "mutate", {"action": "add_projects", "count": 1, "resources": 1})
        created = json.loads(stream.wait_for_line(r'"kind":"project.created"'))
        assert created["source"] == "poll"
    for line in stream.stdout.splitlines():
        check_event_line(json.loads(line))  # pushed lines follow the same schema, with "source"
    about = [json.loads(x) for x in stream.stdout.splitlines() if target["id"] in x]
    assert len([e for e in about if e["kind"] == "resource.status_changed"]) == 1, about


def test_text_lines_say_pushed(sim_factory: Any) -> None:
    sim = sim_factory("--static", "--plan", "enterprise", "--projects", "2", "--resources", "4", "--seed", "42")
    project = api_get(sim, "projects", status="active")[0]
    command = ("events", "--no-history", "--interval", "3600")
    with _receiving(sim, ["resource.status_changed"], *command, listen="{port}") as stream:  # a bare port: loopback
        target = api_get(sim, f"projects/{project['id']}/resources")[0]
        sim.control("POST", "mutate", {"action": "set_status", "resource_id": target["id"], "status": "stopped"})
        line = stream.wait_for_line(r"resource\.status_changed .* -> stopped")
        assert line.rstrip().endswith("(pushed)")


def test_watch_looks_at_once_when_a_push_says_the_operation_ended(sim_factory: Any) -> None:
    sim = sim_factory("--static", "--plan", "starter", "--projects", "1", "--resources", "3", "--seed", "43")
    project = api_get(sim, "projects", status="active")[0]
    resource = api_get(sim, f"projects/{project['id']}/resources")[0]
    started = sim.control(
        "POST", "mutate",
        {"action": "start_operation", "resource_id": resource["id"], "type": "restart_resource",
         "outcome": "completed", "duration_s": 20},
    )  # fmt: skip
    # a budget this small polls the one operation every ten minutes: only the push can end it within the test
    command = ("watch", started["operation_id"], "--budget", "0.001")
    with _receiving(sim, ["operation.completed", "operation.failed"], *command, listen="{port}") as stream:
        stream.wait_for_line(started["operation_id"])  # the first look
        sim.control("POST", "advance", {"seconds": 120})
        assert stream.wait(timeout=30) == 0
    assert "completed" in stream.stdout


def test_events_prints_a_creation_and_a_deletion_in_a_project_once(sim_factory: Any) -> None:
    # `cftui events` follows no project resource by resource: every creation and deletion is polled only as the
    # project list's resource count ("6 -> 7 resources"), and pushed as resource.created / resource.deleted
    sim = sim_factory("--static", "--plan", "enterprise", "--projects", "3", "--resources", "5", "--seed", "44")
    project = api_get(sim, "projects", status="active")[0]
    count = project["resource_count"]
    doomed = api_get(sim, f"projects/{project['id']}/resources")[0]
    with _receiving(sim, ALL_EVENTS, *JSONL_EVERY_SECOND) as stream:
        made = sim.control(
            "POST", "mutate", {"action": "create_resource", "project_id": project["id"], "type": "vm", "name": "n1"}
        )
        # the delivery and the one-second project list race: whichever tells first, the change is printed once
        stream.wait_for_line(rf'"subject_id":"({made["resource_id"]}|{project["id"]})"')
        # the project list has counted the creation before the deletion (a creation and a deletion between two
        # reads of the list leave the count alone and move only the project's total cost: docs/push.md)
        _await_reads(sim, "/projects", 2, "the project list read after the creation")
        sim.control("POST", "mutate", {"action": "delete_resource", "resource_id": doomed["id"]})
        stream.wait_for_line(rf'"{doomed["id"]}"|"kind":"project\.updated".*"new":"{count}"')
        # the project list, read every second, has counted both changes twice over before the end
        _await_reads(sim, "/projects", 3, "the project list read after both changes")
    lines = [json.loads(x) for x in stream.stdout.splitlines()]
    about = [(e["kind"], e["subject_id"], e["old"], e["new"]) for e in lines if e.get("project_id") == project["id"]]
    created = [e for e in about if e[:2] == ("resource.created", made["resource_id"])
               or e == ("project.updated", project["id"], str(count), str(count + 1))]  # fmt: skip
    deleted = [e for e in about if e[:2] == ("resource.deleted", doomed["id"])
               or e == ("project.updated", project["id"], str(count + 1), str(count))]  # fmt: skip
    assert len(created) == 1 and len(deleted) == 1 and len(about) == 2, about
