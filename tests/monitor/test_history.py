"""The SQLite history on its own: round trips, retention, thinning, a corrupt file and a locked one."""

from __future__ import annotations

import os
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from cftui.monitor.events import ChangeEvent, EventKind, Severity
from cftui.monitor.history import History, SampleRow
from cftui.monitor.history_files import default_history_path


def _event(at: datetime, subject: str = "res_1", kind: EventKind = EventKind.RESOURCE_STATUS_CHANGED) -> ChangeEvent:
    return ChangeEvent(
        kind, at, subject, "web-1", "proj_1", old="running", new="error", severity=Severity.ERROR, summary="x"
    )


def _sample(at: datetime, cost: str, subject: str = "proj_1", level: str = "project") -> SampleRow:
    return SampleRow(level, subject, "proj_1", at, Decimal(cost))


async def test_samples_and_events_round_trip_in_order(tmp_path: Path) -> None:
    history = History(tmp_path / "h.sqlite3")
    now = datetime.now(UTC).replace(microsecond=0)
    samples = [_sample(now - timedelta(minutes=3 - i), f"{100 + i}.25") for i in range(3)]
    samples.append(_sample(now, "7.10", subject="res_1", level="resource"))
    events = [_event(now - timedelta(seconds=10 - i), subject=f"res_{i}") for i in range(5)]
    assert await history.write(samples, events)
    costs = await history.project_costs()
    assert [s.monthly_cost for s in costs["proj_1"]] == [Decimal("100.25"), Decimal("101.25"), Decimal("102.25")]
    assert [s.monthly_cost for s in await history.resource_costs("res_1")] == [Decimal("7.10")]
    recent = await history.recent_events(limit=3)
    assert [e.subject_id for e in recent] == ["res_2", "res_3", "res_4"], "the latest, oldest first"
    assert recent[0] == events[2]
    since = await history.recent_events(since=events[3].at)
    assert [e.subject_id for e in since] == ["res_4"]
    await history.aclose()
    with sqlite3.connect(tmp_path / "h.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_old_samples_are_thinned_to_one_an_hour_and_dropped_after_30_days(tmp_path: Path) -> None:
    history = History(tmp_path / "h.sqlite3")
    now = datetime.now(UTC)
    two_days_ago = now - timedelta(days=2)
    rows = [_sample(two_days_ago + timedelta(minutes=m), f"{m}.00") for m in range(0, 180, 5)]  # 3 hours
    rows += [_sample(now - timedelta(days=31), "1.00"), _sample(now - timedelta(minutes=5), "9.00")]
    rows += [_sample(now - timedelta(minutes=4), "9.50")]
    old_event = _event(now - timedelta(days=31), subject="res_old")
    assert await history.write(rows, [old_event, _event(now)])
    await history.maintain_now()
    kept = (await history.project_costs())["proj_1"]
    old = [s for s in kept if s.at < now - timedelta(days=1)]
    assert 3 <= len(old) <= 4, "three hours of samples thinned to one per hour"
    assert all(s.at > now - timedelta(days=30) for s in kept), "nothing older than 30 days"
    assert [s.monthly_cost for s in kept[-2:]] == [Decimal("9.00"), Decimal("9.50")], "recent samples untouched"
    assert [e.subject_id for e in await history.recent_events()] == ["res_1"]
    await history.aclose()


async def test_a_corrupt_file_is_moved_aside_and_a_fresh_one_made(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    path.write_bytes(b"this is not a database, it is a shopping list\n" * 100)
    history = History(path)
    assert await history.write([_sample(datetime.now(UTC), "5.00")], [])
    assert history.problem is None
    assert history.notices and "moved to" in history.notices[0]
    moved = _moved_aside(tmp_path)
    assert len(moved) == 1 and moved[0].read_bytes().startswith(b"this is not a database")
    assert (await history.project_costs())["proj_1"][0].monthly_cost == Decimal("5.00")
    await history.aclose()


async def test_a_locked_file_is_reported_and_writes_resume_when_it_is_released(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    history = History(path)
    assert await history.write([_sample(datetime.now(UTC), "1.00")], [])
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another process holding the write lock
    try:
        started = time.monotonic()
        assert not await history.write([_sample(datetime.now(UTC), "2.00")], [_event(datetime.now(UTC))])
        assert time.monotonic() - started < 5, "a locked file fails fast instead of stalling the engine"
        assert history.problem and "locked" in history.problem
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert await history.write([_sample(datetime.now(UTC), "3.00")], [])
    assert history.problem is None
    assert [s.monthly_cost for s in (await history.project_costs())["proj_1"]] == [Decimal("1.00"), Decimal("3.00")]
    await history.aclose()


def test_one_file_per_api_url_under_the_xdg_state_directory(isolated_dirs: Path) -> None:
    first = default_history_path("https://api.cloudforge.novatech.com/v2")
    second = default_history_path("http://127.0.0.1:8765/v2")
    state_home = isolated_dirs / "xdg_state_home"
    assert first.parent == state_home / "cftui" and second.parent == first.parent
    assert first != second and first.name.startswith("history-") and first.suffix == ".sqlite3"
    assert default_history_path("http://127.0.0.1:8765/v2/") == second, "a trailing slash is the same API"


async def test_a_closed_history_writes_nothing_and_reads_empty(tmp_path: Path) -> None:
    history = History(tmp_path / "h.sqlite3")
    await history.aclose()
    assert await history.write([_sample(datetime.now(UTC), "1.00")], []) is False
    assert await history.recent_events() == []


def _moved_aside(directory: Path) -> list[Path]:
    return [p for p in directory.iterdir() if ".corrupt-" in p.name]


async def test_history_files_are_private_under_a_lenient_umask(tmp_path: Path) -> None:
    directory = tmp_path / "state" / "cftui"
    path = directory / "h.sqlite3"
    old_umask = os.umask(0o002)  # what many desktops use: files 0664, directories 0775
    try:
        history = History(path)
        assert await history.write([_sample(datetime.now(UTC), "1.00")], [_event(datetime.now(UTC))])
        modes = {p.name: p.stat().st_mode & 0o777 for p in directory.iterdir()}
        await history.aclose()
    finally:
        os.umask(old_umask)
    assert os.stat(directory).st_mode & 0o777 == 0o700
    assert {"h.sqlite3", "h.sqlite3-wal", "h.sqlite3-shm"} <= set(modes), modes
    assert set(modes.values()) == {0o600}, modes


async def test_an_existing_world_readable_history_is_made_private(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    sqlite3.connect(path).close()
    os.chmod(path, 0o644)
    os.chmod(tmp_path, 0o755)  # noqa: S103 - the lax mode an older cftui left behind
    history = History(path)
    assert await history.write([_sample(datetime.now(UTC), "1.00")], [])
    await history.aclose()
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert os.stat(tmp_path).st_mode & 0o777 == 0o700


async def test_an_operation_end_seen_by_two_front_ends_is_recorded_once(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    dashboard, watch = History(path), History(path)
    now = datetime.now(UTC).replace(microsecond=0)
    assert await dashboard.write([], [_event(now, "op_1", EventKind.OPERATION_COMPLETED)])
    assert await watch.write([], [_event(now + timedelta(seconds=2), "op_1", EventKind.OPERATION_COMPLETED)])
    # a status change seen twice is two changes, and stays so
    assert await watch.write([], [_event(now, "res_1"), _event(now + timedelta(seconds=5), "res_1")])
    recent = await dashboard.recent_events()
    assert [(e.kind, e.subject_id) for e in recent].count((EventKind.OPERATION_COMPLETED, "op_1")) == 1
    assert [e.subject_id for e in recent].count("res_1") == 2
    await dashboard.aclose()
    await watch.aclose()


async def test_a_file_with_duplicate_operation_ends_keeps_the_first_when_opened(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    now = datetime.now(UTC).replace(microsecond=0)
    older = History(path)
    assert await older.write([], [_event(now, "res_1")])
    await older.aclose()
    with sqlite3.connect(path) as db:  # as a file written before the unique index could be
        db.execute("DROP INDEX events_operation_end")
        row = (now.timestamp(), EventKind.OPERATION_FAILED.value, "op_9", "proj_1", "{}")
        db.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?)", [row, row])
    reopened = History(path)
    assert await reopened.write([], [_event(now, "op_9", EventKind.OPERATION_FAILED)])
    await reopened.aclose()
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT COUNT(*) FROM events WHERE subject_id = 'op_9'").fetchone()[0] == 1
        assert db.execute("SELECT COUNT(*) FROM events WHERE subject_id = 'res_1'").fetchone()[0] == 1
