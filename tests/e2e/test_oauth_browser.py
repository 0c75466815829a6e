"""Sign in over "SSH" end to end: `cftui login` runs in a real terminal (tmux) without a browser, headless
Chromium (Debian's, driven by Playwright) opens the printed URL on the simulator, signs in and allows; the test
pastes the address the browser ended on back into the terminal. Then `cftui status` and the dashboard read the
API as that person, the simulator's journal names them, and no token is ever seen whole anywhere else.
"""

from __future__ import annotations

import json
import re
import sqlite3
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bench.terminal import Terminal
from tests.auth.helpers import cftui, token_file, write_profile
from tests.simproc import SimServer, wait_for

pytestmark = pytest.mark.tmux

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",  # the tests run as root in a container
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-gpu",
]
AUTHORIZE = re.compile(r"(http://127\.0\.0\.1:\d+/oauth/authorize\?[^\s\x1b]+)")


@pytest.fixture
def chromium() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def project_names(sim: SimServer) -> re.Pattern[str]:
    names = [project["name"] for project in sim.get("projects").json()["data"]]
    return re.compile("|".join(re.escape(name) for name in names))


def browser_sign_in(browser: object, url: str, login: str = "ada") -> str:
    """Open the URL, sign in, allow; the redirect to the (unreachable) loopback address is what a person copies."""
    redirect_port = re.search(r"redirect_uri=http%3A%2F%2F127\.0\.0\.1%3A(\d+)", url)
    assert redirect_port is not None, url
    page = browser.new_page()  # type: ignore[attr-defined]
    landed: list[str] = []
    target = f"http://127.0.0.1:{redirect_port.group(1)}/callback?"
    # Nothing listens there (cftui runs with --no-browser, as over SSH): the page fails to load, and the address
    # it tried is what a person copies from the address bar. A redirect is not routable in Playwright, but it is
    # a request like any other.
    page.on("request", lambda request: landed.append(request.url) if request.url.startswith(target) else None)
    page.goto(url)
    assert page.locator("#scope").inner_text() == "read"
    page.fill("#login", login)
    page.fill("#password", f"{login}-demo")
    page.click("#allow")
    wait_for(lambda: landed, timeout=20, message="the browser to be sent to the redirect URI")
    page.close()
    return landed[0]


def printed_url(terminal: Terminal) -> str:
    def find() -> str | None:
        text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", terminal.output().decode("utf-8", "replace"))
        match = AUTHORIZE.search(text)
        return match.group(1) if match and "code_challenge_method=S256" in match.group(1) else None

    return wait_for(find, timeout=30, message="the authorize URL in the terminal")


def login_in_terminal(browser: object, login: str = "ada") -> str:
    with Terminal([sys.executable, "-m", "cftui", "login", "--profile", "sim", "--no-browser"], width=100) as term:
        url = printed_url(term)
        redirect = browser_sign_in(browser, url, login)
        term.wait_for_text("Paste the redirect URL", timeout=20)
        term.send_keys(redirect, literal=True)
        term.send_keys("Enter")
        term.wait_for_text("Signed in as", timeout=30)
        wait_for(lambda: term.exit_status() is not None, timeout=20, message="cftui login to end")
        assert term.exit_status() == 0
        return term.output().decode("utf-8", "replace")


class TokenWatch:
    """Every token the file ever held while the test looked (they rotate), to search for them afterwards."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.seen: set[str] = set()

    def look(self) -> None:
        try:
            tokens = json.loads(self.path.read_text())
        except (OSError, ValueError):
            return
        self.seen.update(t for t in (tokens.get("access_token"), tokens.get("refresh_token")) if t)


def assert_no_token_anywhere(tokens: set[str], texts: list[str], home: Path, *, require_history: bool = True) -> None:
    assert tokens
    for token in tokens:
        for text in texts:
            assert token not in text
        for proc in Path("/proc").glob("[0-9]*/cmdline"):  # the process list
            try:
                assert token.encode() not in proc.read_bytes()
            except OSError:
                continue
        for path in home.rglob("*"):  # history database, caches: everything but the token file itself
            if path.is_file() and "tokens" not in path.parts:
                assert token.encode() not in path.read_bytes(), path
        databases = [p for p in home.rglob("*") if p.is_file() and p.read_bytes()[:16] == b"SQLite format 3\x00"]
        assert databases or not require_history, "no history database was written"
        for database in databases:
            with sqlite3.connect(database) as db:
                dump = "\n".join(db.iterdump())
            assert token not in dump


def test_browser_sign_in_then_status_and_dashboard_as_that_user(
    chromium: object, sim_factory, isolated_dirs: Path
) -> None:  # type: ignore[no-untyped-def]
    sim: SimServer = sim_factory("--static", "--seed", "11")
    write_profile(isolated_dirs, sim)
    projects = project_names(sim)
    login_output = login_in_terminal(chromium)
    assert "Signed in as Ada Lovelace (ada); scope granted: read." in login_output
    watch = TokenWatch(token_file(isolated_dirs))
    watch.look()
    sim.control("DELETE", "stats")
    status = cftui("status", "--profile", "sim")
    assert status.returncode in (0, 1), status.stderr
    assert projects.search(status.stdout)
    journal = sim.control("GET", "stats")["recent"]
    assert journal and {entry["user"] for entry in journal} == {"ada"}
    assert {entry["method"] for entry in journal} == {"GET"}
    with Terminal([sys.executable, "-m", "cftui", "--profile", "sim"], width=120, height=36) as dashboard:
        dashboard.wait_for_screen(lambda screen: "● OK" in screen and projects.search(screen), timeout=40)
        dashboard.wait_for_text("SIGNED IN Ada Lovelace (ada) (scope read)", timeout=10)
        dashboard_output = dashboard.output().decode("utf-8", "replace")
    assert {entry["user"] for entry in sim.control("GET", "stats")["recent"]} == {"ada"}
    watch.look()
    assert_no_token_anywhere(watch.seen, [login_output, status.stdout, status.stderr, dashboard_output], isolated_dirs)


def test_the_dashboard_refreshes_at_expiry_without_a_gap_then_shows_auth_expired(
    chromium: object, sim_factory, isolated_dirs: Path
) -> None:  # type: ignore[no-untyped-def]
    sim: SimServer = sim_factory("--static", "--seed", "12", "--oauth-token-ttl", "3")
    write_profile(isolated_dirs, sim)
    projects = project_names(sim)
    sim.control("DELETE", "stats")
    login_in_terminal(chromium, "grace")
    watch = TokenWatch(token_file(isolated_dirs))
    with Terminal([sys.executable, "-m", "cftui", "--profile", "sim", "--interval", "1"], width=120, height=36) as term:
        term.wait_for_screen(lambda screen: "● OK" in screen and projects.search(screen), timeout=40)
        deadline = time.monotonic() + 90
        while len({e["key"] for e in sim.control("GET", "stats")["recent"] if e["user"] == "grace"}) < 4:
            screen = term.screen_text()  # every look: data on screen, and never an auth or connection problem
            assert projects.search(screen), screen
            assert "AUTH" not in screen and "DEGRADED" not in screen and "OFFLINE" not in screen, screen
            watch.look()
            assert time.monotonic() < deadline, "three refreshes did not happen within 90 s"
            time.sleep(0.1)
        api_calls = [e for e in sim.control("GET", "stats")["recent"] if e["path"].startswith("/v2/")]
        statuses = {e["status"] for e in api_calls}  # (the browser's /favicon.ico is not an API call)
        assert statuses == {200}  # refreshed ahead of expiry: the API never saw an expired token
        sim.control("POST", "oauth", {"revoke_user": "grace"})  # an administrator ends the sign-in
        screen = term.wait_for_text("AUTH EXPIRED: run cftui login --profile sim", timeout=30)
        assert projects.search(screen)  # the data stays, with its age
        assert term.is_alive()
        output = term.output().decode("utf-8", "replace")
    watch.look()
    assert len(watch.seen) >= 6
    assert_no_token_anywhere(watch.seen, [output], isolated_dirs)
    host = urlsplit(sim.base_url).netloc
    assert host
