"""No request other than GET can leave the client: not through its methods (it has no write method), not
through its httpx pool directly. The simulator's request counter proves nothing arrived."""

from __future__ import annotations

import inspect
from collections.abc import Iterator

import httpx
import pytest

from cftui.api import ApiKey, CloudForgeClient, ReadOnlyViolation
from tests.simproc import SimServer, running_sim

READ_METHODS = {"list_projects", "get_project", "list_resources", "get_resource", "get_operation"}
PLUMBING = {"aclose", "add_listener", "forget_rate_limit", "set_page_pacer"}  # local state only: nothing is sent


@pytest.fixture(scope="module")
def own_sim() -> Iterator[SimServer]:
    with running_sim("--seed", "5", "--static", "--plan", "enterprise") as server:
        yield server


def v2_requests(sim: SimServer) -> int:
    return sum(1 for entry in sim.control("GET", "stats")["recent"] if entry["path"].startswith("/v2"))


def test_the_client_offers_no_write_method() -> None:
    public = {
        name for name, member in inspect.getmembers(CloudForgeClient) if not name.startswith("_") and callable(member)
    }
    assert public == READ_METHODS | PLUMBING


async def test_non_get_requests_never_reach_the_server(own_sim: SimServer) -> None:
    own_sim.control("DELETE", "stats")
    project_id = own_sim.get("projects").json()["data"][0]["id"]
    own_sim.control("DELETE", "stats")
    client = CloudForgeClient(own_sim.base_url, ApiKey.parse(own_sim.read_key))
    http = client._exchange.http
    attempts = [
        lambda: http.post("projects", json={"name": "x"}),
        lambda: http.put(f"projects/{project_id}", json={}),
        lambda: http.patch(f"projects/{project_id}", json={"name": "renamed"}),
        lambda: http.delete(f"projects/{project_id}"),
        lambda: http.request("OPTIONS", "projects"),
        lambda: http.request("HEAD", "projects"),
        lambda: http.request("post", f"{own_sim.base_url}/webhooks", json={"url": "http://127.0.0.1:1/"}),
        lambda: http.send(httpx.Request("DELETE", f"{own_sim.base_url}/projects/{project_id}")),
    ]
    async with client:
        for attempt in attempts:
            with pytest.raises(ReadOnlyViolation) as caught:
                await attempt()
            assert "cftui is read-only and sends only GET requests; nothing was sent" in str(caught.value)
        with pytest.raises(ReadOnlyViolation):
            async with http.stream("DELETE", f"projects/{project_id}"):
                pass
        # even with the event hook removed, the transport itself refuses
        http.event_hooks = {"request": [], "response": []}
        with pytest.raises(ReadOnlyViolation) as caught:
            await http.post("projects", json={"name": "y"})
        assert caught.value.method == "POST" and caught.value.path.endswith("/v2/projects")
        assert v2_requests(own_sim) == 0
        # and GET still works through the same pool
        assert (await client.get_project(project_id)).id == project_id
    assert v2_requests(own_sim) == 1
    assert own_sim.get(f"projects/{project_id}").json()["data"]["name"] != "renamed"
