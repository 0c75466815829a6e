"""Every error code at its status, in the reference's format, with the common headers; keys and their rights."""

from __future__ import annotations

import pytest

from tests.sim.helpers import assert_common_headers, assert_error, call, client
from tests.simproc import LIVE_KEY, READ_KEY, TEST_KEY, SimServer


@pytest.mark.parametrize(
    ("path", "mentions"),
    [
        ("projects/proj_nope", "proj_nope"),
        ("projects/proj_nope/resources", "proj_nope"),
        ("operations/op_nope", "op_nope"),
        ("no/such/endpoint", "no such endpoint"),
        ("webhooks/wh_nope", "wh_nope"),
    ],
)
def test_unknown_paths_and_ids_are_404(static_sim: SimServer, path: str, mentions: str) -> None:
    assert_error(call(static_sim, "GET", path), 404, "resource_not_found", mentions)


def test_unknown_resource_in_a_known_project_is_404(static_sim: SimServer) -> None:
    project = call(static_sim, "GET", "projects").json()["data"][0]
    response = call(static_sim, "GET", f"projects/{project['id']}/resources/res_nope")
    assert_error(response, 404, "resource_not_found", "res_nope")


def test_paths_outside_v2_and_wrong_methods_are_404(static_sim: SimServer) -> None:
    outside = client().get(f"{static_sim.root_url}/v1/projects", headers={"Authorization": f"Bearer {READ_KEY}"})
    assert_error(outside, 404, "resource_not_found")
    wrong_method = call(static_sim, "PUT", "projects", key=TEST_KEY, json={})
    assert_error(wrong_method, 404, "resource_not_found", "PUT")


@pytest.mark.parametrize(
    ("path", "params", "parameter"),
    [
        ("projects", {"page": "0"}, "page"),
        ("projects", {"page": "-3"}, "page"),
        ("projects", {"per_page": "101"}, "per_page"),
        ("projects", {"per_page": "abc"}, "per_page"),
        ("projects", {"per_page": "0"}, "per_page"),
        ("projects", {"status": "deleted"}, "status"),
        ("projects", {"tag": "no-colon"}, "tag"),
        ("{project}/resources", {"tag": "team"}, "tag"),
        ("{project}/resources", {"page": "x"}, "page"),
        ("{project}/resources", {"per_page": "1000"}, "per_page"),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(
    static_sim: SimServer, path: str, params: dict, parameter: str
) -> None:
    project = call(static_sim, "GET", "projects").json()["data"][0]
    path = path.replace("{project}", f"projects/{project['id']}")
    assert_error(call(static_sim, "GET", path, params=params), 400, "validation_error", f"'{parameter}'")


@pytest.mark.parametrize(
    ("body", "mentions"),
    [
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "JSON object"),
        (b"{}", "'name'"),
        (b'{"name": 42}', "'name'"),
        (b'{"name": "x", "tags": {"a": 1}}', "'tags.a'"),
        (b'{"name": "x", "cloud_provider": "oracle"}', "'cloud_provider'"),
    ],
)
def test_bad_bodies_are_400(static_sim: SimServer, body: bytes, mentions: str) -> None:
    response = client().post(
        f"{static_sim.base_url}/projects",
        content=body,
        headers={"Authorization": f"Bearer {TEST_KEY}", "Content-Type": "application/json"},
    )
    assert_error(response, 400, "validation_error", mentions)


def test_bad_resource_bodies_are_400(static_sim: SimServer) -> None:
    project = call(static_sim, "GET", "projects", params={"status": "active"}).json()["data"][0]
    path = f"projects/{project['id']}/resources"
    missing_type = call(static_sim, "POST", path, key=TEST_KEY, json={"name": "x"})
    assert_error(missing_type, 400, "validation_error", "'type'")
    bad_type = call(static_sim, "POST", path, key=TEST_KEY, json={"name": "x", "type": "mainframe"})
    assert_error(bad_type, 400, "validation_error", "'type'")
    missing_name = call(static_sim, "POST", path, key=TEST_KEY, json={"type": "vpc"})
    assert_error(missing_name, 400, "validation_error", "'name'")
    azure_function = {"name": "f", "type": "function", "provider": "azure"}
    assert_error(call(static_sim, "POST", path, key=TEST_KEY, json=azure_function), 400, "validation_error", "provider")


@pytest.mark.parametrize(
    ("authorization", "mentions"),
    [
        (None, "missing"),
        ("Bearer", "malformed"),
        ("Basic dXNlcjpwYXNz", "malformed"),
        ("Bearer not-a-key", "malformed"),
        ("Bearer cf_live_unknownkey000000000000", "invalid API key"),
    ],
)
def test_bad_keys_are_401(static_sim: SimServer, authorization: str | None, mentions: str) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = client().get(f"{static_sim.base_url}/projects", headers=headers)
    error = assert_error(response, 401, "authentication_failed", mentions)
    assert "unknownkey000000000000" not in error["message"]  # keys are only ever shown masked


@pytest.mark.parametrize("key", [READ_KEY, TEST_KEY, LIVE_KEY])
def test_every_key_type_may_read(static_sim: SimServer, key: str) -> None:
    assert call(static_sim, "GET", "projects", key=key).status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "projects", {"name": "x"}),
        ("PATCH", "projects/{project}", {"name": "x"}),
        ("DELETE", "projects/{project}", None),
        ("POST", "projects/{project}/resources", {"type": "vpc", "name": "x"}),
        ("PATCH", "projects/{project}/resources/{resource}", {"name": "x"}),
        ("DELETE", "projects/{project}/resources/{resource}", None),
        ("POST", "webhooks", {"url": "http://127.0.0.1:9/", "events": ["resource.created"], "secret": "s"}),
    ],
)
def test_read_key_may_not_write(static_sim: SimServer, method: str, path: str, body: dict | None) -> None:
    project = call(static_sim, "GET", "projects").json()["data"][0]
    resource = call(static_sim, "GET", f"projects/{project['id']}/resources").json()["data"][0]
    path = path.replace("{project}", project["id"]).replace("{resource}", resource["id"])
    assert_error(call(static_sim, method, path, key=READ_KEY, json=body), 403, "forbidden", "read-only")
    after = call(static_sim, "GET", f"projects/{project['id']}").json()["data"]
    assert after == call(static_sim, "GET", f"projects/{project['id']}").json()["data"]
    assert after["name"] == project["name"]


def test_every_error_response_carries_the_common_headers(static_sim: SimServer) -> None:
    responses = [
        client().get(f"{static_sim.base_url}/projects"),
        call(static_sim, "POST", "projects", key=READ_KEY, json={"name": "x"}),
        call(static_sim, "GET", "projects/nope"),
        call(static_sim, "GET", "projects", params={"page": 0}),
    ]
    assert [response.status_code for response in responses] == [401, 403, 404, 400]
    for response in responses:
        assert_common_headers(response)


def test_read_key_may_head(static_sim: SimServer) -> None:
    response = client().head(f"{static_sim.base_url}/projects", headers={"Authorization": f"Bearer {READ_KEY}"})
    assert response.status_code == 200 and response.content == b""
    assert_common_headers(response)
