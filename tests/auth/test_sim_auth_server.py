"""The simulator as an OAuth 2.0 authorization server, spoken to over HTTP as any client would."""

from __future__ import annotations

import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from cftui.auth.pkce import make_verifier, s256_challenge
from tests.simproc import SimServer, running_sim, wait_for

REDIRECT = "http://127.0.0.1:51234/callback"


@pytest.fixture(scope="module")
def sim() -> Iterator[SimServer]:
    with running_sim("--static", "--seed", "3", "--oauth-code-ttl", "30") as server:
        yield server


def get_code(sim: SimServer, verifier: str, *, scope: str = "read", login: str = "ada", state: str = "s1") -> str:
    params = {
        "response_type": "code",
        "client_id": "cftui",
        "redirect_uri": REDIRECT,
        "scope": scope,
        "state": state,
        "code_challenge": s256_challenge(verifier),
        "code_challenge_method": "S256",
    }
    page = httpx.get(f"{sim.root_url}/oauth/authorize?{urlencode(params)}")
    assert page.status_code == 200 and "ada" in page.text and "Sign in" in page.text
    form = {**params, "login": login, "password": f"{login}-demo", "decision": "allow"}
    answer = httpx.post(f"{sim.root_url}/oauth/authorize", data=form)
    assert answer.status_code == 302
    location = urlsplit(answer.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    query = parse_qs(location.query)
    assert query["state"] == [state]
    return query["code"][0]


def exchange(sim: SimServer, code: str, verifier: str, redirect_uri: str = REDIRECT) -> httpx.Response:
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "client_id": "cftui",
        "code_verifier": verifier,
    }
    return httpx.post(f"{sim.root_url}/oauth/token", data=form)


def refresh(sim: SimServer, token: str) -> httpx.Response:
    form = {"grant_type": "refresh_token", "refresh_token": token, "client_id": "cftui"}
    return httpx.post(f"{sim.root_url}/oauth/token", data=form)


def test_code_exchange_gives_tokens_the_api_accepts_with_the_user_in_the_journal(sim: SimServer) -> None:
    verifier = make_verifier()
    answer = exchange(sim, get_code(sim, verifier), verifier)
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    body = answer.json()
    assert body["token_type"] == "Bearer" and body["scope"] == "read" and body["expires_in"] == 3600
    sim.control("DELETE", "stats")
    projects = sim.get("projects", key=body["access_token"])
    assert projects.status_code == 200 and projects.json()["data"]
    entry = sim.control("GET", "stats")["recent"][-1]
    assert entry["user"] == "ada" and entry["status"] == 200
    assert body["access_token"] not in str(entry) and entry["key"].endswith(body["access_token"][-4:])


def test_a_read_scope_token_may_only_read(sim: SimServer) -> None:
    verifier = make_verifier()
    token = exchange(sim, get_code(sim, verifier), verifier).json()["access_token"]
    answer = httpx.post(f"{sim.base_url}/projects", json={"name": "x"}, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 403 and answer.json()["error"]["code"] == "forbidden"


def test_a_wrong_verifier_is_refused(sim: SimServer) -> None:
    verifier = make_verifier()
    answer = exchange(sim, get_code(sim, verifier), make_verifier())
    assert answer.status_code == 400
    assert answer.json() == {
        "error": "invalid_grant",
        "error_description": "PKCE verification failed: code_verifier does not match code_challenge",
    }


def test_a_code_works_once_and_its_replay_revokes_what_it_gave(sim: SimServer) -> None:
    verifier = make_verifier()
    code = get_code(sim, verifier)
    first = exchange(sim, code, verifier).json()
    assert sim.get("projects", key=first["access_token"]).status_code == 200
    again = exchange(sim, code, verifier)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    assert "already used" in again.json()["error_description"]
    assert sim.get("projects", key=first["access_token"]).status_code == 401
    assert refresh(sim, first["refresh_token"]).json()["error"] == "invalid_grant"


def test_the_redirect_uri_must_match_exactly(sim: SimServer) -> None:
    verifier = make_verifier()
    answer = exchange(sim, get_code(sim, verifier), verifier, redirect_uri=REDIRECT + "/")
    assert answer.status_code == 400 and "redirect_uri" in answer.json()["error_description"]


def test_refresh_rotates_and_a_revoked_refresh_token_is_refused(sim: SimServer) -> None:
    verifier = make_verifier()
    first = exchange(sim, get_code(sim, verifier, login="grace"), verifier).json()
    second = refresh(sim, first["refresh_token"])
    assert second.status_code == 200
    new = second.json()
    assert new["access_token"] != first["access_token"] and new["refresh_token"] != first["refresh_token"]
    assert refresh(sim, first["refresh_token"]).json()["error"] == "invalid_grant"  # used up by the rotation
    sim.control("POST", "oauth", {"revoke_user": "grace"})
    refused = refresh(sim, new["refresh_token"])
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"
    assert sim.get("projects", key=new["access_token"]).status_code == 401


def test_an_expired_code_is_refused() -> None:
    with running_sim("--static", "--oauth-code-ttl", "0.2") as sim:
        verifier = make_verifier()
        code = get_code(sim, verifier)
        issued = time.time()
        wait_for(lambda: time.time() > issued + 0.5, timeout=5)  # past the code's lifetime
        answer = exchange(sim, code, verifier)
        assert answer.json() == {"error": "invalid_grant", "error_description": "authorization code expired"}


def test_access_tokens_expire_after_the_flags_lifetime() -> None:
    with running_sim("--static", "--oauth-token-ttl", "1") as sim:
        verifier = make_verifier()
        body = exchange(sim, get_code(sim, verifier), verifier).json()
        assert body["expires_in"] == 1
        assert sim.get("projects", key=body["access_token"]).status_code == 200
        wait_for(lambda: sim.get("projects", key=body["access_token"]).status_code == 401, timeout=10)
        message = sim.get("projects", key=body["access_token"]).json()["error"]["message"]
        assert message == "access token expired"


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"client_id": "someone-else"}, "unknown client_id"),
        ({"redirect_uri": "https://evil.example/cb"}, "loopback"),
    ],
)
def test_the_sign_in_page_refuses_unknown_clients_and_redirects_without_redirecting(
    sim: SimServer, change: dict[str, str], error: str
) -> None:
    params = {"response_type": "code", "client_id": "cftui", "redirect_uri": REDIRECT, "state": "x",
              "code_challenge": s256_challenge(make_verifier()), "code_challenge_method": "S256", **change}  # fmt: skip
    page = httpx.get(f"{sim.root_url}/oauth/authorize?{urlencode(params)}")
    assert page.status_code == 400 and error in page.text and "location" not in page.headers


def test_without_pkce_the_client_is_sent_back_an_error(sim: SimServer) -> None:
    params = {"response_type": "code", "client_id": "cftui", "redirect_uri": REDIRECT, "state": "x"}
    page = httpx.get(f"{sim.root_url}/oauth/authorize?{urlencode(params)}")
    query = parse_qs(urlsplit(page.headers["location"]).query)
    assert query["error"] == ["invalid_request"] and query["state"] == ["x"]


def test_metadata_names_the_scopes_offered(sim: SimServer) -> None:
    meta = httpx.get(f"{sim.root_url}/.well-known/oauth-authorization-server").json()
    assert meta["scopes_supported"] == ["read", "write"]
    assert meta["code_challenge_methods_supported"] == ["S256"]


def test_a_huge_form_is_refused(sim: SimServer) -> None:
    answer = httpx.post(f"{sim.root_url}/oauth/token", content=b"a=" + b"x" * 20_000,
                        headers={"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_request"
    assert "over 16,384 bytes" in answer.json()["error_description"]
