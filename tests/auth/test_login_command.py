"""`cftui login` / `logout` / `login --status` as real processes against the simulator, pasting as a person would."""

from __future__ import annotations

import socket
import stat
from pathlib import Path

import httpx
import pytest

from tests.auth.helpers import (
    LoginProcess,
    authorize_params,
    browser_sign_in,
    cftui,
    sign_in,
    token_file,
    write_profile,
)
from tests.simproc import SimServer


@pytest.fixture
def sim(sim_factory) -> SimServer:  # type: ignore[no-untyped-def]
    return sim_factory("--static", "--seed", "5")


def stored(home: Path) -> dict[str, object]:
    import json

    return json.loads(token_file(home).read_text())


def test_paste_back_sign_in_stores_private_tokens_and_status_says_who(sim: SimServer, isolated_dirs: Path) -> None:
    write_profile(isolated_dirs, sim)
    code, output = sign_in("ada")
    assert code == 0, output
    assert "Signed in as Ada Lovelace (ada); scope granted: read." in output
    path = token_file(isolated_dirs)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    tokens = stored(isolated_dirs)
    assert str(tokens["access_token"]) not in output and str(tokens["refresh_token"]) not in output
    status = cftui("login", "--status", "--profile", "sim")
    assert status.returncode == 0
    assert "Signed in as Ada Lovelace (ada), scope granted: read" in status.stdout
    assert f"file {path} (mode 0600, directory 0700)" in status.stdout
    assert "Access token valid until" in status.stdout
    assert str(tokens["access_token"]) not in status.stdout + status.stderr
    assert str(tokens["refresh_token"]) not in status.stdout + status.stderr


def test_a_pasted_url_with_another_state_is_refused_and_the_right_one_then_accepted(
    sim: SimServer, isolated_dirs: Path
) -> None:
    write_profile(isolated_dirs, sim)
    older = LoginProcess()
    stale_redirect = browser_sign_in(older.authorize_url())  # a redirect from another cftui login
    older.process.kill()
    login = LoginProcess()
    login.paste(stale_redirect)
    login.wait_for("state does not match this sign-in")
    assert not token_file(isolated_dirs).exists()
    login.paste(browser_sign_in(login.authorize_url()))
    code, output = login.finish()
    assert code == 0 and "Signed in as Ada Lovelace" in output


def test_a_code_already_used_gets_a_sentence(sim: SimServer, isolated_dirs: Path) -> None:
    write_profile(isolated_dirs, sim)
    login = LoginProcess()
    redirect = browser_sign_in(login.authorize_url())
    login.paste(redirect)
    assert login.finish()[0] == 0
    # the same code, pasted into the same sign-in again (simulated by a second login fed its own state back)
    again = LoginProcess()
    url = again.authorize_url()
    state = url.split("state=")[1].split("&")[0]
    code = redirect.split("code=")[1].split("&")[0]
    again.paste(f"http://127.0.0.1:1/callback?code={code}&state={state}")
    status, output = again.finish()
    assert status == 2
    assert "refused the authorization code (invalid_grant: authorization code already used" in output
    assert "run cftui login again" in output


def test_a_bare_code_and_a_denied_consent(sim: SimServer, isolated_dirs: Path) -> None:
    write_profile(isolated_dirs, sim)
    login = LoginProcess()
    url = login.authorize_url()
    form = authorize_params(url)
    denied = httpx.post(f"{sim.root_url}/oauth/authorize", data={**form, "decision": "deny"}).headers["location"]
    login.paste(denied)
    code, output = login.finish()
    assert code == 2 and "did not grant access (access_denied" in output and "You chose Deny" in output
    login = LoginProcess()
    redirect = browser_sign_in(login.authorize_url(), "grace")
    login.paste(redirect.split("code=")[1].split("&")[0])  # only the code
    code, output = login.finish()
    assert code == 0 and "Signed in as Grace Hopper (grace)" in output


def test_a_token_endpoint_that_is_down_or_answers_garbage(sim: SimServer, isolated_dirs: Path) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{closed.getsockname()[1]}/oauth/token"  # bound, never listening: refused
        write_profile(isolated_dirs, sim, token_url=dead)
        login = LoginProcess()
        login.paste(browser_sign_in(login.authorize_url()))
        code, output = login.finish()
    assert code == 2 and f"Cannot reach the token endpoint {dead} (authorization code)" in output
    assert "Nothing was stored." in output and "Traceback" not in output
    write_profile(isolated_dirs, sim)
    sim.control("POST", "oauth", {"token_fault": "garbage"})
    login = LoginProcess()
    login.paste(browser_sign_in(login.authorize_url()))
    code, output = login.finish()
    assert code == 2 and "answered HTTP 200 with something that is not an OAuth JSON answer (text/html" in output
    assert "captive portal" in output and not token_file(isolated_dirs).exists()


def test_a_skewed_server_clock_is_warned_about_and_sign_in_still_works(sim: SimServer, isolated_dirs: Path) -> None:
    write_profile(isolated_dirs, sim)
    sim.control("POST", "oauth", {"clock_skew_s": 7200})
    code, output = sign_in()
    assert code == 0
    assert "warning: The authorization server's clock is 120 minutes ahead of this machine's." in output
    assert "in 59 min" in output  # the expiry is timed from expires_in, on our own clock


def test_logout_revokes_and_deletes(sim: SimServer, isolated_dirs: Path) -> None:
    write_profile(isolated_dirs, sim)
    assert sign_in()[0] == 0
    tokens = stored(isolated_dirs)
    assert sim.get("projects", key=str(tokens["access_token"])).status_code == 200
    out = cftui("logout", "--profile", "sim")
    assert out.returncode == 0, out.stderr
    assert "Signed out of profile 'sim': tokens deleted" in out.stdout
    assert "refresh token revoked at" in out.stdout and "access token revoked at" in out.stdout
    assert not token_file(isolated_dirs).exists()
    assert sim.get("projects", key=str(tokens["access_token"])).status_code == 401
    status = cftui("login", "--status", "--profile", "sim")
    assert status.returncode == 1 and "Not signed in. Run cftui login --profile sim" in status.stdout
    headless = cftui("status", "--profile", "sim")
    assert headless.returncode == 2
    assert "Not signed in to CloudForge for profile 'sim': run cftui login --profile sim." in headless.stderr


def test_a_token_file_others_can_read_is_refused(sim: SimServer, isolated_dirs: Path) -> None:
    write_profile(isolated_dirs, sim)
    assert sign_in()[0] == 0
    path = token_file(isolated_dirs)
    path.chmod(0o644)
    out = cftui("status", "--profile", "sim")
    assert out.returncode == 2 and f"The token file {path} is readable by other users (mode 0644)" in out.stderr
    assert "chmod 600" in out.stderr


def test_a_profile_without_oauth_and_one_with_both_ways_in(sim: SimServer, isolated_dirs: Path) -> None:
    config = write_profile(isolated_dirs, sim)
    config.write_text(config.read_text().replace('auth = "oauth"', 'auth = "key"'))
    out = cftui("login", "--profile", "sim")
    assert out.returncode == 2 and "profile 'sim' does not use OAuth: add auth = \"oauth\"" in out.stderr
    config.write_text(config.read_text().replace('auth = "key"', 'auth = "oauth"\napi_key_file = "k"'))
    out = cftui("status", "--profile", "sim")
    assert out.returncode == 2 and 'sets auth = "oauth" and api_key_file; keep only one way to sign in' in out.stderr


def test_a_key_in_the_environment_beats_the_profiles_oauth(
    sim: SimServer, isolated_dirs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_profile(isolated_dirs, sim)  # not signed in: only the key can make this work
    monkeypatch.setenv("CLOUDFORGE_API_KEY", sim.read_key)
    out = cftui("status", "--profile", "sim")
    assert out.returncode in (0, 1), out.stderr
