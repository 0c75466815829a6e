"""Issue 12, items 3 to 6: a response's size, a request's time, a listing's requests and the history file are
bounded, whatever the server sends. Memory is the child's peak RSS; the deadline case is bounded in seconds."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import subprocess
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from cftui.api import ApiKey, CloudForgeClient
from cftui.api.errors import ResponseTooLarge, Unreachable
from cftui.api.exchange import MAX_RESPONSE_BYTES
from cftui.api.pagination import MAX_PAGES, ListCountError
from cftui.monitor.history import History, SampleRow
from tests.headless.runner import child_env, command
from tests.hostile_api import KEY, Answer, Seen, endless, gzip_bomb, hostile_api, listing, project, trickle

RSS_BOUND_MB = 250  # "well under 400 MB"; a `cftui status` on an empty list peaks near 60 MB


@dataclass(frozen=True)
class ChildRun:
    code: int
    stderr: str
    peak_rss_mb: float


def run_measured(*args: str, timeout: float = 90) -> ChildRun:
    """`python -m cftui ...` with its own peak RSS, stdout discarded, stderr kept.

    The peak is the child's `VmHWM` (its own high-water mark, reset by exec), read from /proc while it runs:
    `wait4`'s ru_maxrss would also count the test process's memory at the fork."""
    with tempfile.TemporaryFile() as err:
        process = subprocess.Popen(
            command(*args), stdout=subprocess.DEVNULL, stderr=err, env=child_env(KEY, {"TERM": "dumb"})
        )
        deadline = time.monotonic() + timeout
        peak_kb = 0
        while True:
            peak_kb = max(peak_kb, _high_water_kb(process.pid))
            pid, status, _ = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                process.kill()
                process.wait()
                raise AssertionError(f"cftui {' '.join(args)} still running after {timeout} s")
            time.sleep(0.02)  # polling the child's memory and exit, with the deadline above
        process.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        return ChildRun(process.returncode, err.read().decode(errors="replace"), peak_kb / 1024)


def _high_water_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def client_for(base_url: str, **kwargs: object) -> CloudForgeClient:
    return CloudForgeClient(base_url, ApiKey.parse(KEY), **kwargs)  # type: ignore[arg-type]


# --- item 3: response size --------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [200, 500])
def test_a_body_that_never_ends_is_cut_at_the_cap(status: int) -> None:
    with hostile_api() as api:
        api.answer("/projects", Answer(status, endless()))
        run = run_measured("status", "--api-url", api.base_url, "--no-history")
    assert run.code == 2, run.stderr
    assert "larger than 8,388,608 bytes" in run.stderr and "Traceback" not in run.stderr
    assert run.peak_rss_mb < RSS_BOUND_MB, run


def test_a_gzip_bomb_is_cut_at_the_cap_once_decoded() -> None:
    body, headers = gzip_bomb(96 * 1024 * 1024)  # ~96 KB on the wire
    with hostile_api() as api:
        api.answer("/projects", Answer(body=body, headers=headers))
        run = run_measured("status", "--api-url", api.base_url, "--no-history")
    assert run.code == 2 and "larger than" in run.stderr, run.stderr
    assert run.peak_rss_mb < RSS_BOUND_MB, run


async def test_the_cap_is_counted_on_decoded_bytes_and_a_page_under_it_passes() -> None:
    big_page = listing([project(f"prj_{i}", name="n" * 2000) for i in range(100)], total=100)
    assert len(big_page) < MAX_RESPONSE_BYTES
    with hostile_api() as api:
        api.answer("/projects", Answer(body=big_page))
        api.answer("/projects/p/resources", Answer(body=gzip_bomb(2 * MAX_RESPONSE_BYTES)[0],
                                                   headers={"Content-Encoding": "gzip"}))  # fmt: skip
        async with client_for(api.base_url) as client:
            assert len((await client.list_projects()).items) == 100
            with pytest.raises(ResponseTooLarge):
                await client.list_resources("p")
    assert len(api.requests_to("/projects/p/resources")) == 1  # not retried: it would only come back as large


# --- item 4: overall deadline -------------------------------------------------------------------------------


async def test_one_byte_a_second_cannot_outlast_the_overall_deadline() -> None:
    with hostile_api() as api:
        api.answer("/projects", Answer(body=trickle(0.2)))
        async with client_for(api.base_url, timeout=1.0, retry_deadline=2.5) as client:
            async with asyncio.timeout(20):  # the bound: a hang fails the test instead of running on
                with pytest.raises(Unreachable, match="no answer within"):
                    await client.list_projects()
    assert 1 <= len(api.requests_to("/projects")) <= 5


def test_status_on_a_trickling_server_ends_within_its_30_second_deadline() -> None:
    with hostile_api() as api:
        api.answer("/projects", Answer(body=trickle(0.5)))
        run = run_measured("status", "--api-url", api.base_url, "--no-history", timeout=60)
    assert run.code == 2 and "no answer within" in run.stderr, run.stderr


# --- item 5: pagination --------------------------------------------------------------------------------------


def _same_full_page(seen: Seen) -> Answer:
    page = int(seen.query.get("page", "1"))
    body = {"data": [project(f"prj_{i}") for i in range(100)],
            "meta": {"page": page, "per_page": 100, "total": 1_000_000, "total_pages": 10_000}}  # fmt: skip
    return Answer(body=json.dumps(body).encode())


def test_status_stops_at_a_repeated_page_whatever_meta_says() -> None:
    with hostile_api() as api:
        api.answer("/projects", _same_full_page)
        run = run_measured("status", "--api-url", api.base_url, "--no-history")
        sent = len(api.requests_to("/projects"))
    assert run.code == 2 and "repeats page 1" in run.stderr, run.stderr
    assert sent <= 1 + 4, f"{sent} requests (the first page, then at most the 4 in flight)"
    assert run.peak_rss_mb < RSS_BOUND_MB, run


async def test_new_full_pages_forever_stop_at_the_page_cap() -> None:
    def always_new(seen: Seen) -> Answer:
        page = int(seen.query["page"])
        return Answer(body=listing([project(f"prj_{page}_{i}") for i in range(100)]))

    with hostile_api() as api:
        api.answer("/projects", always_new)
        async with client_for(api.base_url) as client:
            with pytest.raises(ListCountError, match=f"past {MAX_PAGES} full pages"):
                await client.list_projects()
    assert len(api.requests_to("/projects")) == MAX_PAGES


async def test_an_impossible_count_stops_the_listing() -> None:
    with hostile_api() as api:
        api.answer("/projects", Answer(body=listing([project("prj_1")], total=-5)))
        api.answer("/projects/p/resources", Answer(body=listing([project(f"r{i}") for i in range(150)], total=150)))
        async with client_for(api.base_url) as client:
            with pytest.raises(ListCountError, match="total -5"):
                await client.list_projects()
            with pytest.raises(ListCountError, match="holds 150 items"):
                await client.list_resources("p")


# --- item 6: history size --------------------------------------------------------------------------------------


async def test_history_is_bounded_by_size_thinning_then_dropping_the_oldest(tmp_path: Path) -> None:
    cap = 400_000
    history = History(tmp_path / "h.sqlite3", max_bytes=cap)
    now = datetime.now(UTC)
    try:
        for batch in range(10):  # two days of a churning world: 100 subjects sampled every 30 s
            rows = [
                SampleRow("resource", f"res_{s}", "prj_0", now - timedelta(seconds=30 * (batch * 600 + t)), Decimal(s))
                for s in range(10)
                for t in range(600)
            ]
            assert await history.write(rows, [])
            await history.bound_size_now()
        live = await history.bound_size_now()
        newest = await history.resource_costs("res_3", limit=1)
    finally:
        await history.aclose()
    with sqlite3.connect(tmp_path / "h.sqlite3") as db:
        remaining = db.execute("SELECT COUNT(*) FROM cost_samples").fetchone()[0]
    assert live <= cap, live
    assert remaining < 60_000 and remaining > 0
    assert newest and newest[-1].at >= now - timedelta(seconds=60)  # what goes is the oldest
    assert (tmp_path / "h.sqlite3").stat().st_size < 4 * cap
