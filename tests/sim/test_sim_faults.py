"""Each fault switched on and off through `/_sim/faults`; faults never touch `/_sim` itself."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from tests.monitor.helpers import module_sim_fixtures
from tests.sim.helpers import assert_common_headers, assert_error, call
from tests.simproc import READ_KEY, TEST_KEY, SimServer

shared_sim, sim = module_sim_fixtures("--seed", "8", "--static", "--plan", "enterprise")


def set_faults(sim: SimServer, **faults: object) -> dict:
    return sim.control("POST", "faults", faults)


def test_faults_merge_and_clear(sim: SimServer) -> None:
    assert set_faults(sim, latency_ms=5)["latency_ms"] == 5
    merged = set_faults(sim, error_rate=0.25)
    assert merged["latency_ms"] == 5 and merged["error_rate"] == 0.25
    assert sim.control("GET", "state")["faults"] == merged
    cleared = sim.control("DELETE", "faults")
    assert cleared["latency_ms"] == 0 and cleared["error_rate"] == 0 and cleared["revoked_keys"] == []


@pytest.mark.parametrize("value", ["Infinity", "NaN", "-Infinity"])
def test_a_fault_that_is_not_a_finite_number_is_refused(sim: SimServer, value: str) -> None:
    # Python's JSON reads these literals; a hang of Infinity seconds would never end
    body = f'{{"hang_seconds": {value}}}'
    answer = httpx.post(f"{sim.root_url}/_sim/faults", content=body, timeout=10)
    assert answer.status_code == 400 and "hang_seconds" in answer.text
    assert sim.control("GET", "faults")["hang_seconds"] == 600.0


def test_latency_delays_responses(sim: SimServer) -> None:
    set_faults(sim, latency_ms=400)
    started = time.monotonic()
    assert call(sim, "GET", "projects").status_code == 200
    assert time.monotonic() - started >= 0.4


def test_error_rate_gives_internal_errors_then_stops(sim: SimServer) -> None:
    set_faults(sim, error_rate=1)
    assert_error(call(sim, "GET", "projects"), 500, "internal_error")
    set_faults(sim, error_rate=0)
    assert call(sim, "GET", "projects").status_code == 200


@pytest.mark.parametrize("status", [502, 503, 504])
def test_proxy_errors_are_plain_text_with_headers(sim: SimServer, status: int) -> None:
    set_faults(sim, error_rate=1, error_status=status)
    response = call(sim, "GET", "projects")
    assert response.status_code == status
    assert str(status) in response.text
    with pytest.raises(json.JSONDecodeError):
        response.json()
    assert_common_headers(response)


def test_hung_requests_hang_until_cleared(sim: SimServer) -> None:
    set_faults(sim, hang_rate=1, hang_seconds=30)
    with pytest.raises(httpx.ReadTimeout):
        call(sim, "GET", "projects", timeout=0.5)
    set_faults(sim, hang_rate=0)
    assert call(sim, "GET", "projects").status_code == 200


def test_dropped_connections(sim: SimServer) -> None:
    set_faults(sim, drop_rate=1)
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        httpx.get(f"{sim.base_url}/projects", headers={"Authorization": f"Bearer {READ_KEY}"}, timeout=5)
    set_faults(sim, drop_rate=0)
    assert call(sim, "GET", "projects").status_code == 200


def test_truncated_bodies(sim: SimServer) -> None:
    set_faults(sim, truncate_rate=1)
    response = call(sim, "GET", "projects")
    assert response.status_code == 200
    assert int(response.headers["content-length"]) == len(response.content)
    assert response.text.startswith('{"data":')
    with pytest.raises(json.JSONDecodeError):
        response.json()
    set_faults(sim, truncate_rate=0)
    assert call(sim, "GET", "projects").json()["meta"]["total"] == 8


def test_revoked_key_is_refused_others_still_work(sim: SimServer) -> None:
    set_faults(sim, revoked_keys=[TEST_KEY])
    assert_error(call(sim, "GET", "projects", key=TEST_KEY), 401, "authentication_failed", "revoked")
    assert call(sim, "GET", "projects", key=READ_KEY).status_code == 200
    sim.control("DELETE", "faults")
    assert call(sim, "GET", "projects", key=TEST_KEY).status_code == 200


def test_rate_limit_storm(sim: SimServer) -> None:
    set_faults(sim, rate_limit_storm_seconds=30)
    response = call(sim, "GET", "projects")
    assert_error(response, 429, "rate_limited")
    assert response.headers["x-ratelimit-remaining"] == "0"
    reset = int(response.headers["x-ratelimit-reset"])
    assert time.time() + 25 <= reset <= time.time() + 32
    assert int(response.headers["retry-after"]) >= 25
    set_faults(sim, rate_limit_storm_seconds=0)
    assert call(sim, "GET", "projects").status_code == 200


def test_faults_never_apply_to_the_control_endpoint(sim: SimServer) -> None:
    set_faults(sim, error_rate=1, drop_rate=1, truncate_rate=1, rate_limit_storm_seconds=60)
    for _ in range(5):
        assert sim.control("GET", "state")["faults"]["error_rate"] == 1


def test_faults_from_flags(sim_factory: object) -> None:
    flags = ["--error-rate", "1", "--error-status", "503", "--latency-ms", "1", "--revoked-key", TEST_KEY]
    server = sim_factory("--static", *flags, "--rate-limit-storm-seconds", "0")  # type: ignore[operator]
    faults = server.control("GET", "state")["faults"]
    assert faults["error_rate"] == 1 and faults["error_status"] == 503 and faults["latency_ms"] == 1
    assert faults["revoked_keys"] == ["cf_test_…test"]  # shown masked, like every key
    assert call(server, "GET", "projects").status_code == 503
    server.control("POST", "faults", {"error_rate": 0})
    assert_error(call(server, "GET", "projects", key=TEST_KEY), 401, "authentication_failed", "revoked")
