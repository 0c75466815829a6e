"""Issue 12, item 13: the simulator holds the same line as cftui: deep JSON, huge bodies, NaN, absurd page
numbers and a hostile Host header are refused (400) or ignored, never a 500, a stored blob or a reflected host."""

from __future__ import annotations

import httpx
import pytest

from cftui.sim.params import MAX_BODY_BYTES, MAX_JSON_DEPTH
from tests.simproc import TEST_KEY, SimServer

HEADERS = {"Authorization": f"Bearer {TEST_KEY}", "Content-Type": "application/json"}


def post_projects(sim: SimServer, body: bytes) -> httpx.Response:
    return httpx.post(f"{sim.base_url}/projects", content=body, headers=HEADERS, timeout=30)


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 5_000, 100_000])
def test_deeply_nested_json_is_a_400(sim_factory, depth: int) -> None:
    sim = sim_factory("--seed", "3", "--static")
    body = b'{"name": "deep", "tags": ' + b"[" * depth + b"]" * depth + b"}"
    answer = post_projects(sim, body)
    assert answer.status_code == 400 and "nested" in answer.json()["error"]["message"], answer.text


def test_a_body_over_the_limit_is_refused_and_not_stored(sim_factory) -> None:
    sim = sim_factory("--seed", "3", "--static")
    huge = b'{"name": "big", "description": "' + b"x" * (MAX_BODY_BYTES + 10) + b'"}'
    answer = post_projects(sim, huge)
    assert answer.status_code == 400 and "larger than" in answer.json()["error"]["message"]

    def chunked():  # no Content-Length: the bytes are counted as they come
        yield b'{"name": "big", "description": "'
        for _ in range(MAX_BODY_BYTES // 65536 + 2):
            yield b"x" * 65536
        yield b'"}'

    answer = httpx.post(f"{sim.base_url}/projects", content=chunked(), headers=HEADERS, timeout=30)
    assert answer.status_code == 400, answer.text
    listed = sim.get("projects", per_page=100).json()["data"]
    assert all(p["name"] != "big" for p in listed)


@pytest.mark.parametrize("number", [b"NaN", b"Infinity", b"-Infinity", b"1e999"])
def test_non_finite_numbers_in_a_body_are_a_400(static_sim: SimServer, number: bytes) -> None:
    path = f"{static_sim.root_url}/_sim/faults"
    answer = httpx.post(path, content=b'{"error_rate": ' + number + b"}", headers=HEADERS, timeout=10)
    assert answer.status_code == 400, answer.text


@pytest.mark.parametrize("page", ["1" * 29, "1000001", "9" * 5000])
def test_absurd_page_numbers_are_a_400_not_echoed(static_sim: SimServer, page: str) -> None:
    answer = static_sim.get("projects", page=page)
    assert answer.status_code == 400, answer.text
    assert "meta" not in answer.json()  # refused, not listed with the number echoed back in meta.page


def test_the_trailing_slash_redirect_never_names_the_host_header(static_sim: SimServer) -> None:
    for path, host in (("/v2/projects/", "evil.example"), ("//evil.example/", "evil.example")):
        answer = httpx.get(static_sim.root_url + path, headers={"Host": host})
        assert answer.status_code == 307, answer.text
        location = answer.headers["location"]
        assert location.startswith("/") and not location.startswith("//"), location
    assert httpx.get(static_sim.root_url + "/v2/projects/?page=2").headers["location"] == "/v2/projects?page=2"
