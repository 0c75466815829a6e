"""An operation learnt from a push on a resource cftui has not listed yet is named by the resource's name (the push
told it), not by its id: `create_resource on web-new`, never `create_resource on res_…`."""

from __future__ import annotations

from typing import Any

import httpx

from cftui.monitor.events import EventKind
from tests.monitor.helpers import api_get, eventually
from tests.push.helpers import push_monitor, register
from tests.simproc import TEST_KEY


async def _create(sim: Any, project_id: str, name: str) -> str:
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.post(
            f"{sim.base_url}/projects/{project_id}/resources",
            json={"type": "compute_instance", "name": name},
            headers={"Authorization": f"Bearer {TEST_KEY}"},
        )
    assert response.status_code in (201, 202), response.text
    return str(response.json()["data"]["id"])


async def test_an_operation_pushed_on_a_new_resource_is_named_by_the_resource(sim_factory: Any) -> None:
    sim = sim_factory("--static", "--plan", "starter", "--projects", "3", "--resources", "5", "--seed", "41")
    projects = api_get(sim, "projects")
    focused, elsewhere = projects[0]["id"], projects[1]["id"]
    elsewhere_name = projects[1]["name"]
    async with push_monitor(sim) as (monitor, recorder, url):
        monitor.focus_project(focused)
        await eventually(lambda: monitor.snapshot.projects, message="first look")
        await register(sim, url, ["resource.created"])
        resource_id = await _create(sim, elsewhere, "fresh-worker-7")

        def progress() -> list[Any]:
            return [e for e in recorder.of(EventKind.OPERATION_PROGRESS) if e.data.get("resource_id") == resource_id]

        found = await eventually(progress, within=30.0, message="the pushed operation looked at")
    first = found[0]
    assert first.subject_name == "fresh-worker-7", first
    assert "fresh-worker-7" in first.summary and resource_id not in first.summary, first.summary
    assert first.data.get("resource_name") == "fresh-worker-7"
    assert first.project_id == elsewhere and first.data.get("project_name") == elsewhere_name
