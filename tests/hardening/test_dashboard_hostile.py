"""Issue 12 in a real terminal: the dashboard (tmux, every byte it writes captured) against hostile servers, and a
dashboard whose terminal vanishes without a SIGHUP (a pty closed under it)."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import pty
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cftui.monitor.history import History
from tests.hardening.test_crashes import _seed_bad_history
from tests.headless.runner import child_env
from tests.hostile_api import (
    IMPOSSIBLE_COSTS,
    KEY,
    KEY_SECRET_PART,
    PROFESSIONAL_PLAN,
    Answer,
    HostileApi,
    Seen,
    hostile_api,
    huge_integer_body,
    listing,
    project,
    raw_costs_listing,
    trickle,
)
from tests.reliability.dashboard import running_dashboard
from tests.simproc import wait_for

pytestmark = pytest.mark.tmux
CRASH_WORDS = (b"Traceback", b"InvalidOperation", b"OverflowError", b"cannot convert")


def history_file(state_dir: Path, api_url: str) -> Path:
    digest = hashlib.sha256(api_url.rstrip("/").encode()).hexdigest()[:16]
    return state_dir / "state" / "cftui" / f"history-{digest}.sqlite3"


def test_impossible_costs_and_old_bad_history_rows_neither_crash_nor_block_a_start(tmp_path: Path) -> None:
    with hostile_api() as api:
        # the Professional plan and a 1 s interval: the list is read every second, not once a Starter round
        listing_answer = Answer(body=raw_costs_listing([*IMPOSSIBLE_COSTS, "12.5"]), headers=PROFESSIONAL_PLAN)
        api.answer("/projects", listing_answer)
        path = history_file(tmp_path, api.base_url)
        path.parent.mkdir(parents=True)
        asyncio.run(_make_history(path))
        _seed_bad_history(path)  # Infinity, 1e26, NaN... rows an older cftui stored for prj_0
        with running_dashboard(api.base_url, KEY, tmp_path, "--interval", "1") as run:
            run.terminal.wait_for_text("cost-7", timeout=30)  # the one valid project, $12.50
            run.wait_for_status(re.compile("OK"), timeout=30)
            seen = len(api.requests_to("/projects"))
            wait_for(lambda: len(api.requests_to("/projects")) >= seen + 2, timeout=90, message="two refreshes")
            run.assert_responsive()
            screen = run.terminal.screen_text()
            output = run.terminal.output()
    assert "$12.50" in screen and "cost-0" in screen, screen
    assert not any(word in output for word in CRASH_WORDS)


async def _make_history(path: Path) -> None:
    history = History(path)
    await history.bound_size_now()  # opens the file: creates the schema
    await history.aclose()


def test_an_unreadable_integer_is_a_degraded_state_with_its_reason(tmp_path: Path) -> None:
    with hostile_api() as api:
        api.answer("/projects", Answer(body=huge_integer_body()))
        with running_dashboard(api.base_url, KEY, tmp_path, "--no-history") as run:
            status = run.wait_for_status(re.compile("DEGRADED"), timeout=60)
            run.assert_responsive()
            output = run.terminal.output()
    assert "Malformed response to GET /projects" in status, status  # the reason, cut to the line's width
    assert not any(word in output for word in CRASH_WORDS)


def test_a_server_sending_a_byte_a_second_shows_why_within_the_overall_deadline(tmp_path: Path) -> None:
    with hostile_api() as api:
        api.answer("/projects", Answer(body=trickle(0.5)))
        with running_dashboard(api.base_url, KEY, tmp_path, "--no-history") as run:
            # the request's 30 s overall deadline, plus slack for a busy machine
            status = run.wait_for_status(re.compile("OFFLINE|DEGRADED"), timeout=90)
            run.assert_responsive()
    assert "Cannot reach CloudForge for GET /projects" in status, status  # "no answer within 30 s" follows


def test_eleven_days_of_retry_after_hold_at_most_60_seconds_and_r_tries_at_once(tmp_path: Path) -> None:
    limited = {"on": True}

    def projects(seen: Seen) -> Answer:
        if limited["on"]:
            return Answer(429, b'{"error": {"code": "rate_limited"}}', headers={"Retry-After": "999999"})
        return Answer(body=listing([project("prj_back", name="back-again")], total=1))

    with hostile_api() as api:
        api.answer("/projects", projects)
        with running_dashboard(api.base_url, KEY, tmp_path, "--no-history") as run:
            status = run.wait_for_status(re.compile(r"RATE LIMITED until \S+ \(in (\d+)s\)"), timeout=60)
            waited = int(re.search(r"\(in (\d+)s\)", status).group(1))  # type: ignore[union-attr]
            assert waited <= 60 and not re.search(r"\d+d", status), status
            limited["on"] = False
            sent = len(api.requests_to("/projects"))
            run.terminal.send_keys("r")
            # the next request goes at once: long before the 60 s the hold would have lasted
            wait_for(lambda: len(api.requests_to("/projects")) > sent, timeout=20, message="a request after r")
            run.terminal.wait_for_text("back-again", timeout=30)


def test_a_key_echoed_by_the_server_never_reaches_the_terminal(tmp_path: Path) -> None:
    echoes = {"X-Request-ID": f"req_{KEY}", "X-CloudForge-Version": KEY}
    refused = {"on": False}

    def projects(seen: Seen) -> Answer:
        if refused["on"]:
            body = {"error": {"code": "authentication_failed", "message": KEY, "request_id": f"req_{KEY}"}}
            return Answer(401, json.dumps(body).encode(), headers=echoes)
        names = [project("prj_a", name=KEY), project("prj_b", name=f"x{KEY_SECRET_PART}x")]
        return Answer(body=listing(names, total=2), headers=echoes)

    with hostile_api() as api:
        api.answer("/projects", projects)
        with running_dashboard(api.base_url, KEY, tmp_path) as run:
            run.terminal.wait_for_text("cf_read_…0000", timeout=30)
            refused["on"] = True
            status = run.wait_for_status("AUTH FAILED", timeout=60)
            output = run.terminal.output()
            stored = run.history_path().read_bytes()  # type: ignore[union-attr]
    assert "request req_cf_read_…0000" in status, status
    for captured in (output, stored):
        assert KEY_SECRET_PART.encode() not in captured
        assert KEY_SECRET_PART[:12].encode() not in captured


def _dashboard_on_a_pty(api: HostileApi, tmp_path: Path) -> tuple[subprocess.Popen[bytes], int]:
    """The dashboard on a pty of its own, in a session it does not lead, against a one-project API; returns
    the process and the pty's master side."""
    api.answer("/projects", Answer(body=listing([project("prj_1")], total=1)))
    master, slave = pty.openpty()
    env = child_env(KEY, {"TERM": "xterm-256color", "XDG_STATE_HOME": str(tmp_path)})
    process = subprocess.Popen(
        [sys.executable, "-m", "cftui", "--api-url", api.base_url, "--no-history"],
        stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True,
    )  # fmt: skip
    os.close(slave)
    return process, master


@pytest.mark.parametrize("delay", [0.3, 0.5, 2.0])
def test_a_terminal_that_vanishes_without_sighup_ends_the_dashboard(delay: float, tmp_path: Path) -> None:
    """The pty is closed under a dashboard that is not its session's leader (no SIGHUP reaches it), during
    start-up or once it runs: the process must end by itself, and answer SIGTERM at once if it had not."""
    with hostile_api() as api:
        process, master = _dashboard_on_a_pty(api, tmp_path)
        until = time.monotonic() + delay
        while time.monotonic() < until:  # keep the terminal drained while it is open
            if select.select([master], [], [], 0.05)[0]:
                try:
                    os.read(master, 65536)
                except OSError:
                    break
        os.close(master)
        try:
            code = process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGTERM)
            code = process.wait(timeout=20)
            pytest.fail(f"still running 20 s after its terminal vanished (SIGTERM ended it: {code})")
    assert code != 0 or process.returncode is not None


@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGTERM], ids=["SIGHUP", "SIGTERM"])
@pytest.mark.parametrize("delay", [0.5, 2.0], ids=["during-start-up", "running"])
def test_a_signal_ends_the_dashboard_at_any_moment(signum: int, delay: float, tmp_path: Path) -> None:
    """A hangup ~0.5 s after launch (an SSH session dropping) or later, or a SIGTERM: the process ends."""
    with hostile_api() as api:
        process, master = _dashboard_on_a_pty(api, tmp_path)
        until = time.monotonic() + delay
        try:
            while time.monotonic() < until:  # the terminal stays open and drained: only the signal ends it
                if select.select([master], [], [], 0.05)[0]:
                    os.read(master, 65536)
            process.send_signal(signum)
            drain_until = time.monotonic() + 20
            while process.poll() is None and time.monotonic() < drain_until:
                if select.select([master], [], [], 0.05)[0]:
                    try:
                        os.read(master, 65536)
                    except OSError:
                        break
            code = process.wait(timeout=max(0.1, drain_until - time.monotonic()))
        finally:
            if process.poll() is None:
                process.kill()
            os.close(master)
    assert code in (128 + signum, -signum), code
