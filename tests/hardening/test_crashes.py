"""Issue 12, items 1 and 2: bad data from a hostile server is an error state or an invalid value, never a crash,
and a history file that already holds bad rows is read without failing."""

from __future__ import annotations

import itertools
import signal
import sqlite3
import subprocess
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from cftui.api import ApiKey, CloudForgeClient
from cftui.api.errors import MalformedResponse, RateLimited, ServerError
from cftui.monitor.history import History
from cftui.monitor.summaries import money
from tests.headless.runner import child_env, command, run_piped
from tests.hostile_api import (
    FAR_RETRY_AFTER,
    FAR_TIMESTAMP,
    IMPOSSIBLE_COSTS,
    KEY,
    PROFESSIONAL_PLAN,
    Answer,
    Seen,
    hostile_api,
    huge_integer_body,
    operation,
    raw_costs_listing,
)
from tests.simproc import wait_for


def client_for(base_url: str, **kwargs: object) -> CloudForgeClient:
    return CloudForgeClient(base_url, ApiKey.parse(KEY), **kwargs)  # type: ignore[arg-type]


async def test_impossible_costs_are_refused_at_the_client_and_kept_as_text() -> None:
    with hostile_api() as api:
        api.answer("/projects", Answer(body=raw_costs_listing([*IMPOSSIBLE_COSTS, "12.5"])))
        async with client_for(api.base_url) as client:
            projects = (await client.list_projects()).items
    *bad, good = projects
    assert [p.monthly_cost for p in bad] == [None] * len(IMPOSSIBLE_COSTS)
    assert all(p.cost_invalid for p in bad) and not good.cost_invalid
    assert good.monthly_cost == Decimal("12.5")
    assert bad[0].extra_fields["monthly_cost_invalid"] == "-1e+308"  # what the server sent, for the detail view
    assert [money(p.monthly_cost) for p in projects] == ["?"] * len(IMPOSSIBLE_COSTS) + ["$12.50"]


def test_money_never_raises_whatever_it_is_given() -> None:
    for value in (Decimal("Infinity"), Decimal("NaN"), Decimal("1e26"), Decimal("-1e308"), float("inf"), 10**400):
        assert money(value) == "invalid"
    assert money(Decimal("1234.565")) == "$1,234.57" and money(Decimal("-3.1")) == "-$3.10"  # a change may be < 0


async def test_an_integer_longer_than_python_reads_is_a_malformed_response() -> None:
    with hostile_api() as api:
        api.answer("/projects", Answer(body=huge_integer_body()))
        api.answer("/operations/op_big", Answer(500, huge_integer_body()))
        async with client_for(api.base_url, retry_deadline=1.0) as client:
            with pytest.raises(MalformedResponse, match="not valid JSON"):
                await client.list_projects()
            with pytest.raises(ServerError):  # the error body cannot be read: the status still says what failed
                await client.get_operation("op_big")


async def test_an_overflowing_retry_after_date_is_a_short_rate_limit() -> None:
    with hostile_api() as api:
        api.answer("/projects", Answer(429, b"{}", headers={"Retry-After": FAR_RETRY_AFTER}))
        async with client_for(api.base_url, retry_deadline=0.5) as client:
            with pytest.raises(RateLimited) as caught:
                await client.list_projects()
    assert caught.value.retry_at <= datetime.now(UTC) + timedelta(seconds=61)


async def test_a_log_time_with_no_utc_equivalent_is_unknown_not_fatal() -> None:
    logs = [{"timestamp": FAR_TIMESTAMP, "message": "step 1"}, {"timestamp": "2026-12-04T10:00:01Z", "message": "2"}]
    with hostile_api() as api:
        api.answer("/operations/op_far", Answer(body=operation("op_far", logs=logs)))
        async with client_for(api.base_url) as client:
            op = await client.get_operation("op_far")
        assert op.logs[0].timestamp is None
        # the headless command that crashed on it (exit 1, "operation failed") now reports the operation's end
        done = run_piped("watch", "op_far", "--api-url", api.base_url, "--no-history", key=KEY, timeout=60)
    assert done.code == 0, done.stderr
    assert "Traceback" not in done.stderr and "step 1" in done.stdout


def test_status_with_impossible_costs_reports_them_invalid_and_exits_0() -> None:
    with hostile_api() as api:
        api.answer("/projects", Answer(body=raw_costs_listing(IMPOSSIBLE_COSTS)))
        done = run_piped("status", "--api-url", api.base_url, "--no-history", key=KEY, timeout=60)
        as_json = run_piped("status", "--format", "json", "--api-url", api.base_url, "--no-history", key=KEY)
    assert done.code == 0 and "Traceback" not in done.stderr, done.stderr
    assert done.stdout.count("invalid") == len(IMPOSSIBLE_COSTS), done.stdout
    assert as_json.code == 0 and '"monthly_cost": null' in as_json.stdout, as_json.stderr


def _seed_bad_history(path: Path) -> None:
    """Rows an older cftui stored before costs were checked, and rows no version would write."""
    db = sqlite3.connect(path)
    now = time.time()
    texts = ["Infinity", "-Infinity", "NaN", "1e26", "-5", "garbage", "", "12.50"]
    rows = [("project", "prj_0", "prj_0", now - i, text) for i, text in enumerate(texts)]
    rows += [("project", "prj_0", "prj_0", 1e300, "1.00"), ("resource", "res_0", "prj_0", now, "Infinity")]
    db.executemany("INSERT INTO cost_samples VALUES (?, ?, ?, ?, ?)", rows)
    db.execute("INSERT INTO events VALUES (?, 'cost.changed', 'prj_0', 'prj_0', ?)", (now, "{not json"))
    db.execute(
        "INSERT INTO events VALUES (?, 'cost.changed', 'prj_0', 'prj_0', ?)",
        (now, '{"kind": "cost.changed", "at": "9999-12-31T23:59:59-23:59", "subject_id": "prj_0", "old": "Infinity"}'),
    )
    db.commit()
    db.close()


async def test_history_reads_survive_every_bad_row(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    history = History(path)
    await history.bound_size_now()  # opens the file: creates the schema
    _seed_bad_history(path)
    try:
        projects = await history.project_costs()
        resources = await history.resource_costs("res_0")
        events = await history.recent_events()
    finally:
        await history.aclose()
    assert [s.monthly_cost for s in projects["prj_0"]] == [Decimal("12.50")]
    assert resources == []
    assert history.problem is None
    assert all(money(e.old) != "" for e in events)  # whatever was kept formats without raising


def test_events_keeps_streaming_when_costs_turn_impossible(tmp_path: Path) -> None:
    """`cftui events` printed a traceback once a cost became `1e26`; it now goes on and ends cleanly."""
    answers = itertools.count()

    def drifting(seen: Seen) -> Answer:
        costs = ["10.00", "1e26", '"1e5000"', "-1e308", "12.00"]
        # the Professional plan: the monitor reads the list every interval instead of once a (Starter) round of ~40 s
        return Answer(body=raw_costs_listing([costs[min(next(answers), len(costs) - 1)]]), headers=PROFESSIONAL_PLAN)

    with hostile_api() as api:
        api.answer("/projects", drifting)
        env = child_env(KEY, {"XDG_STATE_HOME": str(tmp_path)})
        args = command("events", "--format", "jsonl", "--api-url", api.base_url, "--interval", "0.5")
        process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
        try:
            # every cost of the drift served, the valid one after the impossible ones included (about 0.5 s apart
            # idle; a busy machine gets a generous deadline)
            wait_for(lambda: len(api.requests_to("/projects")) >= 5 or process.poll() is not None, timeout=150,
                     message="five refreshes")  # fmt: skip
            assert process.poll() is None, "cftui events ended by itself"
            process.send_signal(signal.SIGTERM)
            _, err = process.communicate(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
    assert process.returncode == 0, err
    assert "Traceback" not in err and "InvalidOperation" not in err, err
