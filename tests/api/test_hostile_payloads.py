"""Hostile and malformed payloads: any unicode parses, nothing unsafe survives sanitising, and a bad body is a
typed `MalformedResponse` (never a crash). Served over real loopback HTTP by a tiny uvicorn app."""

from __future__ import annotations

import asyncio
import json
import unicodedata
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cftui.api import USER_AGENT, ApiKey, CloudForgeClient, MalformedResponse, RetryPolicy, ServerError
from cftui.api.models import Operation, Project, Resource
from cftui.api.sanitize import sanitize_tree
from tests.hostile_api import Answer, HostileApi, hostile_api, not_found
from tests.simproc import READ_KEY

UNSAFE = {*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F, *range(0x80, 0xA0), *range(0x202A, 0x202F)}
UNSAFE |= {*range(0x2066, 0x206A), 0x2028, 0x2029}


def assert_safe(value: Any) -> None:
    """No unsafe character anywhere in the value, keys included."""
    if isinstance(value, str):
        bad = [hex(ord(c)) for c in value if ord(c) in UNSAFE]
        assert not bad, f"unsafe characters {bad} in {value!r}"
    elif isinstance(value, dict):
        for key, item in value.items():
            assert_safe(key)
            assert_safe(item)
    elif isinstance(value, list | tuple):
        for item in value:
            assert_safe(item)


def model_strings(model: Any) -> Iterator[Any]:
    for name in type(model).model_fields:
        yield getattr(model, name)
    yield model.extra_fields


any_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=60)
json_leaf = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | any_text
json_value = st.recursive(
    json_leaf, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(any_text, inner, max_size=3), max_leaves=8
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=any_text,
    status=any_text,
    rtype=any_text,
    region=any_text,
    tags=st.dictionaries(any_text, any_text, max_size=4),
    configuration=st.dictionaries(any_text, json_value, max_size=4),
    extra=st.dictionaries(any_text.filter(lambda k: k not in Resource.model_fields), json_value, max_size=3),
)
def test_any_unicode_in_any_resource_string_parses_safely(
    name: str, status: str, rtype: str, region: str, tags: dict, configuration: dict, extra: dict
) -> None:
    raw = {
        "id": "res_" + name,
        "type": rtype,
        "name": name,
        "status": status,
        "provider": name,
        "region": region,
        "tags": tags,
        "configuration": configuration,
        "monthly_cost": 30.37,
        "created_at": "2024-01-20T09:15:00Z",
        **extra,
    }
    # what the client does: decode bytes from the wire, sanitise, validate
    decoded = json.loads(json.dumps(raw))
    resource = Resource.model_validate(sanitize_tree(decoded))
    for value in model_strings(resource):
        assert_safe(value)
    assert resource.monthly_cost is not None and str(resource.monthly_cost) == "30.37"
    assert resource.created_at is not None and resource.created_at.tzinfo is not None
    # what was safe stays exactly as it was
    if all(ord(c) not in UNSAFE for c in name):
        assert resource.name == name


@settings(max_examples=100, deadline=None)
@given(texts=st.lists(any_text, min_size=3, max_size=3), messages=st.lists(any_text, max_size=4))
def test_any_unicode_in_projects_and_operations(texts: list[str], messages: list[str]) -> None:
    project = Project.model_validate(
        sanitize_tree({"id": texts[0], "name": texts[1], "description": texts[2], "status": texts[1]})
    )
    operation = Operation.model_validate(
        sanitize_tree(
            {"id": texts[0], "type": texts[1], "status": texts[2], "logs": [{"message": m} for m in messages]}
        )
    )
    for value in (*model_strings(project), *model_strings(operation)):
        assert_safe(value)
    for line in operation.logs:
        assert_safe(line.message)


@pytest.fixture(scope="module")
def hostile() -> Iterator[HostileApi]:
    with hostile_api(not_found) as server:
        yield server


def fast_client(server: HostileApi, **kwargs: Any) -> CloudForgeClient:
    policy = RetryPolicy(base_s=0.01, cap_s=0.02, attempts=3, rate_limit_jitter_s=0.01)
    return CloudForgeClient(server.base_url, ApiKey.parse(READ_KEY), retry_policy=policy, timeout=5, **kwargs)


TERMINAL_ATTACKS = "\x1b]2;pwned\x07 \x1b[2J \x1b[31m \x9b \u202e \u2066 \x00 [bold red]x[/] [@click=app.quit]"


async def test_hostile_strings_over_http_arrive_sanitised(hostile: HostileApi) -> None:
    payload = {
        "data": [
            {
                "id": "res_1",
                "name": TERMINAL_ATTACKS,
                "status": "hibernating",
                "type": "quantum_computer",
                "tags": {"\x1b[2J": "\u202eevil"},
                "configuration": {"nested": {"deeper": ["\x1b]2;x\x07"]}},
                "monthly_cost": "12.50",
                "mystery": {"\x07": "\x1b"},
            }
        ]
    }
    hostile.answer("/projects/p1/resources", Answer(body=json.dumps(payload).encode()))
    async with fast_client(hostile) as client:
        result = await client.list_resources("p1")
    (resource,) = result.items
    assert_safe(resource.name)
    assert_safe(resource.tags)
    assert_safe(resource.configuration)
    assert_safe(resource.extra_fields)
    assert "\\x1b]2;pwned\\x07" in resource.name  # shown, not obeyed
    assert "[bold red]x[/]" in resource.name  # markup is the UI's business: kept as text
    assert (resource.status, resource.type, resource.category) == ("hibernating", "quantum_computer", "Other")
    assert str(resource.monthly_cost) == "12.50"
    assert result.total is None and result.pages == 1


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b'{"data": [{"id": "res_1", "name": "cut sh', "not valid JSON"),
        (b"\xff\xfe\x00garbage", "not valid JSON"),
        (b"[1, 2, 3]", "expected an object"),
        (b'"just a string"', "expected an object"),
        (b'{"items": []}', "expected an object whose 'data' is an array"),
        (b'{"data": [42]}', "page 1, item 0 should be an object"),
        (b'{"data": [{"name": "no id"}]}', "field 'id'"),
        (b"[" * 100_000 + b"]" * 100_000, "not valid JSON"),
    ],
)
async def test_malformed_list_bodies_are_typed_errors(hostile: HostileApi, body: bytes, fragment: str) -> None:
    hostile.answer("/projects", Answer(body=body, headers={"X-Request-ID": "req_hostile_1"}))
    async with fast_client(hostile) as client:
        with pytest.raises(MalformedResponse) as caught:
            await client.list_projects()
    error = caught.value
    assert fragment in str(error)
    assert error.request_id == "req_hostile_1"
    assert error.path == "/projects"
    assert str(error).startswith("Malformed response to GET /projects (malformed_response")


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b'{"data": "nope"}', "'data' should be an object, got a string"),
        (b'{"data": {"id": null}}', "field 'id'"),
        (b"{}", "no 'data' member"),
    ],
)
async def test_malformed_single_bodies_are_typed_errors(hostile: HostileApi, body: bytes, fragment: str) -> None:
    hostile.answer("/operations/op_1", Answer(body=body))
    async with fast_client(hostile) as client:
        with pytest.raises(MalformedResponse) as caught:
            await client.get_operation("op_1")
    assert fragment in str(caught.value)
    assert caught.value.request_id  # ours, since the server sent none


async def test_proxy_html_error_page_is_a_typed_server_error(hostile: HostileApi) -> None:
    page = b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1>nginx</body></html>"
    hostile.answer("/projects/p9", Answer(status=502, body=page, content_type="text/html"))
    seen_before = len(hostile.seen)
    async with fast_client(hostile) as client:
        with pytest.raises(ServerError) as caught:
            await client.get_project("p9")
    error = caught.value
    assert (error.status, error.code) == (502, "bad_gateway")
    assert "502 Bad Gateway" in str(error) and "<html>" not in str(error)
    assert "non-JSON error page (text/html" in str(error)
    assert str(error).endswith("(gave up after 3 attempts)")
    assert len(hostile.seen) - seen_before == 3  # retried: attempts=3


async def test_every_request_carries_auth_request_id_and_user_agent(hostile: HostileApi) -> None:
    hostile.answer("/projects/p2", Answer(body=b'{"data": {"id": "p2", "name": "x"}}'))
    start = len(hostile.seen)
    async with fast_client(hostile) as client:
        await client.get_project("p2")
        await client.get_project("p2")
    requests = hostile.seen[start:]
    assert len(requests) == 2
    ids = set()
    for request in requests:
        headers = request.headers
        assert headers["authorization"] == f"Bearer {READ_KEY}"
        assert headers["user-agent"] == USER_AGENT and USER_AGENT.startswith("cftui/")
        assert headers["x-request-id"].startswith("req_cftui_")
        ids.add(headers["x-request-id"])
    assert len(ids) == 2  # fresh for each request


async def test_ids_are_escaped_into_one_path_segment(hostile: HostileApi) -> None:
    hostile.answer("/projects/a/b?c", Answer(body=b'{"data": {"id": "x"}}'))
    start = len(hostile.seen)
    async with fast_client(hostile) as client:
        await client.get_project("a/b?c")
    assert hostile.seen[start].path == "/projects/a/b?c"  # decoded by the server from %2F and %3F
    assert hostile.seen[start].query == {}


def test_visible_escapes_keep_printable_text() -> None:
    cleaned = sanitize_tree({"k\x1b": ["caf\u00e9 \u6f22\u5b57 \U0001f680 \x1b[0m"]})
    assert cleaned == {"k\\x1b": ["caf\u00e9 \u6f22\u5b57 \U0001f680 \\x1b[0m"]}
    assert all(unicodedata.category(c) != "Cc" for c in cleaned["k\\x1b"][0])


async def test_the_nasty_simulator_world_reads_cleanly(sim_factory: Any) -> None:
    sim = sim_factory("--seed", "13", "--nasty", "--static", "--plan", "enterprise")
    async with CloudForgeClient(sim.base_url, ApiKey.parse(sim.read_key)) as client:
        projects = await client.list_projects()
        resources = [r for p in projects.items for r in (await client.list_resources(p.id)).items]
    assert projects.items and resources
    for item in (*projects.items, *resources):
        for value in model_strings(item):
            assert_safe(value)
    names = " ".join(item.name for item in (*projects.items, *resources))
    assert "\\x1b" in names  # hostile escapes arrived, made visible
    assert any(r.status not in ("running", "stopped", "pending", "error", "provisioning") for r in resources)


@pytest.fixture(scope="module")
def echo_server() -> Iterator[HostileApi]:
    with hostile_api(not_found) as server:
        yield server


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=any_text, tags=st.dictionaries(any_text, any_text, max_size=3), log=any_text)
def test_any_unicode_over_http_parses_safely(echo_server: HostileApi, name: str, tags: dict, log: str) -> None:
    resource = {"id": "res_1", "name": name, "tags": tags, "configuration": {name: [log]}}
    logs = [{"timestamp": "2024-02-20T14:25:01Z", "message": log}]
    operation = {"id": "op_1", "type": name, "status": log, "logs": logs}
    echo_server.answer("/projects/p/resources/res_1", Answer(body=json.dumps({"data": resource}).encode()))
    echo_server.answer("/operations/op_1", Answer(body=json.dumps({"data": operation}, ensure_ascii=False).encode()))

    async def read() -> tuple[Resource, Operation]:
        async with fast_client(echo_server) as client:
            return await client.get_resource("p", "res_1"), await client.get_operation("op_1")

    got_resource, got_operation = asyncio.run(read())
    for value in (*model_strings(got_resource), *model_strings(got_operation)):
        assert_safe(value)
    assert_safe([line.message for line in got_operation.logs])
    if all(ord(c) not in UNSAFE for c in name):
        assert got_resource.name == name and got_operation.type == name
