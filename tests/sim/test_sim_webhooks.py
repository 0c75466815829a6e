"""Webhooks: registration, loopback-only URLs, and signed deliveries to a receiver started here."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.sim.helpers import ISO_Z, assert_error, call
from tests.simproc import TEST_KEY, SimServer, wait_for

SECRET = "s3cret-for-tests"


class Receiver:
    """A loopback HTTP server that keeps every POST it gets (headers and raw body)."""

    def __init__(self, failures: int = 0) -> None:
        """`failures`: how many POSTs to answer with 500 before accepting (to exercise retries)."""
        self.received: list[tuple[dict[str, str], bytes]] = []
        received = self.received
        left = [failures]

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                failing = left[0] > 0
                left[0] -= 1
                self.send_response(500 if failing else 204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def events(self, event_type: str) -> list[tuple[dict[str, str], bytes]]:
        return [(headers, body) for headers, body in self.received if json.loads(body)["type"] == event_type]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    yield receiver
    receiver.close()


def register(sim: SimServer, url: str, events: list[str], **extra: Any) -> Any:
    return call(sim, "POST", "webhooks", key=TEST_KEY, json={"url": url, "events": events, "secret": SECRET, **extra})


def test_signed_deliveries_of_world_changes(sim_factory: Any, receiver: Receiver) -> None:
    sim = sim_factory("--static", "--seed", "21")
    events = ["resource.status_changed", "resource.created", "resource.deleted", "resource.updated"]
    events += ["operation.completed", "operation.failed"]
    created = register(sim, receiver.url, events)
    assert created.status_code == 201
    hook = created.json()["data"]
    assert hook["id"].startswith("wh_") and hook["url"] == receiver.url and hook["events"] == events
    assert "secret" not in hook and SECRET not in created.text

    project = call(sim, "GET", "projects", params={"status": "active"}).json()["data"][0]
    resource = call(sim, "GET", f"projects/{project['id']}/resources").json()["data"][0]
    sim.control("POST", "mutate", {"action": "set_status", "resource_id": resource["id"], "status": "error"})
    sim.control("POST", "mutate", {"action": "set_cost", "resource_id": resource["id"], "monthly_cost": 77.5})
    op = sim.control(
        "POST", "mutate", {"action": "start_operation", "resource_id": resource["id"], "outcome": "failed"}
    )
    sim.control("POST", "advance", {"seconds": 60})

    wait_for(lambda: receiver.events("operation.failed"), timeout=15, message="operation.failed delivery")
    wait_for(lambda: receiver.events("resource.status_changed") and receiver.events("resource.updated"), timeout=15)
    for headers, body in receiver.received:
        expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        assert headers["x-cloudforge-signature"] == expected
        event = json.loads(body)
        assert set(event) == {"id", "type", "created_at", "data"}
        assert event["id"].startswith("evt_") and ISO_Z.match(event["created_at"])
        assert headers["x-cloudforge-event"] == event["type"]
        assert event["type"] in events
    _, body = receiver.events("resource.status_changed")[0]
    data = json.loads(body)["data"]
    assert data["resource_id"] == resource["id"] and (data["old"], data["new"]) == (resource["status"], "error")
    _, body = receiver.events("operation.failed")[0]
    failed = json.loads(body)["data"]["operation"]
    assert failed["id"] == op["operation_id"] and failed["status"] == "failed" and failed["error"]


def test_cost_threshold_exceeded(sim_factory: Any, receiver: Receiver) -> None:
    sim = sim_factory("--static", "--seed", "22")
    project = call(sim, "GET", "projects", params={"status": "active"}).json()["data"][0]
    threshold = project["monthly_cost"] + 50
    assert register(sim, receiver.url, ["cost.threshold_exceeded"], cost_threshold=threshold).status_code == 201
    resource = call(sim, "GET", f"projects/{project['id']}/resources").json()["data"][0]
    new_cost = resource["monthly_cost"] + 100
    sim.control("POST", "mutate", {"action": "set_cost", "resource_id": resource["id"], "monthly_cost": new_cost})
    wait_for(lambda: receiver.events("cost.threshold_exceeded"), timeout=15)
    data = json.loads(receiver.events("cost.threshold_exceeded")[0][1])["data"]
    assert data["project_id"] == project["id"] and data["threshold"] == threshold
    assert data["monthly_cost"] > threshold >= data["previous_monthly_cost"]


def test_webhook_registry_and_validation(static_sim: SimServer) -> None:
    refused = register(static_sim, "https://example.com/hook", ["resource.created"])
    assert_error(refused, 400, "validation_error", "loopback")
    assert_error(
        register(static_sim, "http://10.0.0.1/hook", ["resource.created"]), 400, "validation_error", "loopback"
    )
    bad_event = register(static_sim, "http://127.0.0.1:9/hook", ["resource.exploded"])
    assert_error(bad_event, 400, "validation_error", "events")
    no_secret = call(
        static_sim,
        "POST",
        "webhooks",
        key=TEST_KEY,
        json={"url": "http://127.0.0.1:9/", "events": ["resource.created"]},
    )
    assert_error(no_secret, 400, "validation_error", "secret")

    hook = register(static_sim, "http://localhost:9/hook", ["resource.created"]).json()["data"]
    listed = call(static_sim, "GET", "webhooks").json()
    assert hook["id"] in [item["id"] for item in listed["data"]] and listed["meta"]["total"] >= 1
    assert call(static_sim, "GET", f"webhooks/{hook['id']}").json()["data"]["url"] == "http://localhost:9/hook"
    assert call(static_sim, "DELETE", f"webhooks/{hook['id']}", key=TEST_KEY).status_code == 204
    assert_error(call(static_sim, "GET", f"webhooks/{hook['id']}"), 404, "resource_not_found")


def test_failed_deliveries_are_retried_a_bounded_number_of_times(sim_factory: Any) -> None:
    sim = sim_factory("--static", "--seed", "23")
    flaky = Receiver(failures=2)
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        dead_url = f"http://127.0.0.1:{closed.getsockname()[1]}/hook"  # nothing listens once closed
    try:
        flaky_hook = register(sim, flaky.url, ["resource.status_changed"]).json()["data"]
        dead_hook = register(sim, dead_url, ["resource.status_changed"]).json()["data"]
        project = call(sim, "GET", "projects").json()["data"][0]
        resource = call(sim, "GET", f"projects/{project['id']}/resources").json()["data"][0]
        sim.control("POST", "mutate", {"action": "set_status", "resource_id": resource["id"], "status": "error"})

        def deliveries(hook_id: str) -> dict[str, int]:
            return call(sim, "GET", f"webhooks/{hook_id}").json()["data"]["deliveries"]

        wait_for(lambda: deliveries(flaky_hook["id"])["delivered"] == 1, timeout=20, message="retried delivery")
        assert len(flaky.received) == 3  # two 500s, then accepted
        assert len({json.loads(body)["id"] for _, body in flaky.received}) == 1  # the same event each time
        wait_for(lambda: deliveries(dead_hook["id"])["failed"] == 1, timeout=20, message="given up")
        assert call(sim, "GET", "projects").status_code == 200  # the API never waited for any of it
    finally:
        flaky.close()
