"""The API client with an OAuth sign-in: refreshed before expiry, once after a 401, and AUTH EXPIRED when the
refresh token is revoked. Real simulator, real client, real token file."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import pytest

from cftui.api.client import CloudForgeClient
from cftui.api.errors import SignInExpired
from cftui.auth.credential import OAuthCredential
from cftui.config import Settings
from tests.auth.helpers import sign_in, token_file, write_profile
from tests.simproc import SimServer


def signed_in_settings(sim: SimServer, home: Path) -> Settings:
    write_profile(home, sim)
    code, output = sign_in("ada")
    assert code == 0, output
    return Settings.load(argparse.Namespace(profile="sim"))


def users_and_tokens(sim: SimServer) -> list[tuple[str | None, str | None, int]]:
    return [(e["user"], e["key"], e["status"]) for e in sim.control("GET", "stats")["recent"]]


async def test_the_client_refreshes_before_expiry_without_a_failed_request(  # type: ignore[no-untyped-def]
    sim_factory, isolated_dirs: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, httpx's included: no token may reach a log
    sim = sim_factory("--static", "--oauth-token-ttl", "2")
    settings = signed_in_settings(sim, isolated_dirs)
    credential = settings.api_key
    assert isinstance(credential, OAuthCredential) and settings.key_source == "cftui login --profile sim"
    first = credential.tokens.access_token  # type: ignore[union-attr]
    async with CloudForgeClient(settings.api_url, credential, key_hint=settings.key_source) as client:
        while credential.refreshes < 2:  # each pass is a real request; the token lives 2 s
            await client.list_projects()
    seen = users_and_tokens(sim)
    assert {status for _, _, status in seen} == {200}  # never a 401: refreshed ahead of expiry
    assert {user for user, _, _ in seen} == {"ada"}
    assert len({key for _, key, _ in seen}) >= 2  # (the first token may have been refreshed before any request)
    stored = token_file(isolated_dirs).read_text()
    assert first not in stored and credential.tokens.access_token in stored  # type: ignore[union-attr]
    assert "POST" in caplog.text and "oauth/token" in caplog.text  # the refreshes were logged...
    for token in (first, credential.tokens.access_token, credential.tokens.refresh_token):  # type: ignore[union-attr]
        assert token and token not in caplog.text  # ...without a token


async def test_a_401_is_answered_by_one_refresh(sim_factory, isolated_dirs: Path) -> None:  # type: ignore[no-untyped-def]
    sim = sim_factory("--static")
    settings = signed_in_settings(sim, isolated_dirs)
    credential = settings.api_key
    assert isinstance(credential, OAuthCredential)
    async with CloudForgeClient(settings.api_url, credential, key_hint=settings.key_source) as client:
        await client.list_projects()
        sim.control("POST", "oauth", {"revoke_access_of": "ada"})  # the server forgets the access token
        projects = await client.list_projects()
    assert projects.items and credential.refreshes == 1
    statuses = [status for _, _, status in users_and_tokens(sim)]
    assert statuses[-3:] == [200, 401, 200]


async def test_a_revoked_refresh_token_says_auth_expired(sim_factory, isolated_dirs: Path) -> None:  # type: ignore[no-untyped-def]
    sim = sim_factory("--static")
    settings = signed_in_settings(sim, isolated_dirs)
    async with CloudForgeClient(settings.api_url, settings.api_key, key_hint=settings.key_source) as client:
        await client.list_projects()
        sim.control("POST", "oauth", {"revoke_user": "ada"})
        with pytest.raises(SignInExpired) as caught:
            await client.list_projects()
    text = str(caught.value)
    assert text.startswith("AUTH EXPIRED: run cftui login --profile sim (sign_in_expired")
    assert "refresh token is invalid, expired or revoked" in text
    stored = token_file(isolated_dirs).read_text()
    import json

    for name in ("access_token", "refresh_token"):
        assert json.loads(stored)[name] not in text


async def test_another_process_signing_in_again_is_picked_up(sim_factory, isolated_dirs: Path) -> None:  # type: ignore[no-untyped-def]
    sim = sim_factory("--static")
    settings = signed_in_settings(sim, isolated_dirs)
    async with CloudForgeClient(settings.api_url, settings.api_key, key_hint=settings.key_source) as client:
        sim.control("POST", "oauth", {"revoke_user": "ada"})
        with pytest.raises(SignInExpired):
            await client.list_projects()
        assert sign_in("grace")[0] == 0  # `cftui login` in another terminal
        assert (await client.list_projects()).items
    assert users_and_tokens(sim)[-1][0] == "grace"
