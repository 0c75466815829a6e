"""Cost samples and change events kept in SQLite, so trends and recent events show the moment cftui starts.

One database per API URL (where it lives and who may read it: `history_files`), WAL mode. All database work runs
on one worker thread (sqlite connections belong to the thread that made them); the async methods hand work to it
and never block the event loop. Trouble never stops monitoring: a corrupt file is moved aside and a
fresh one made; a locked file or a failed write (disk full) is recorded in `problem`, and the next success clears it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sqlite3
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TypeVar

from cftui.api.models import cost_value
from cftui.monitor.events import ChangeEvent
from cftui.monitor.history_files import (
    PRIVATE_FILE_MODE,
    default_history_path,
    make_private_dir,
    make_private_files,
    named_history_path,
)
from cftui.monitor.history_size import MAX_HISTORY_BYTES, WAL_SIZE_LIMIT, bound_size, live_bytes, thin
from cftui.monitor.state import CostSample
from cftui.monitor.trend import KEEP_FOR, RECENT_SAMPLES, THIN_BUCKET

log = logging.getLogger(__name__)
T = TypeVar("T")

KEEP_SECONDS = 30 * 24 * 3600
THIN_AFTER_SECONDS = 24 * 3600  # older samples are thinned to one per subject per hour
THIN_BUCKET_SECONDS = 3600
MAINTENANCE_EVERY_SECONDS = 3600
BUSY_TIMEOUT_MS = 500  # a locked file fails fast: the write is reported and skipped, monitoring goes on
SIZE_CHECK_EVERY_SECONDS = 30.0  # how often a write looks at the file's size (see history_size)

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS cost_samples (
    level TEXT NOT NULL,            -- 'project' or 'resource'
    subject_id TEXT NOT NULL,
    project_id TEXT,
    at REAL NOT NULL,               -- Unix seconds
    monthly_cost TEXT NOT NULL      -- exact decimal text
);
CREATE INDEX IF NOT EXISTS cost_samples_subject ON cost_samples (level, subject_id, at);
CREATE TABLE IF NOT EXISTS events (
    at REAL NOT NULL,
    kind TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    project_id TEXT,
    body TEXT NOT NULL              -- ChangeEvent.to_json()
);
CREATE INDEX IF NOT EXISTS events_at ON events (at);
-- An operation ends once: when the dashboard and `cftui watch` share a history file, both see the end and the
-- second record is ignored (files from before this index lose their duplicates first).
DELETE FROM events WHERE kind IN ('operation.completed', 'operation.failed') AND rowid NOT IN (
    SELECT MIN(rowid) FROM events WHERE kind IN ('operation.completed', 'operation.failed') GROUP BY kind, subject_id
);
CREATE UNIQUE INDEX IF NOT EXISTS events_operation_end ON events (kind, subject_id)
    WHERE kind IN ('operation.completed', 'operation.failed');
"""


@dataclass(frozen=True, slots=True)
class SampleRow:
    level: str
    subject_id: str
    project_id: str | None
    at: datetime
    monthly_cost: Decimal


def _unix(at: datetime) -> float:
    return at.timestamp()


def _from_unix(value: float) -> datetime | None:
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError, TypeError):
        return None


def _decimal(text: object) -> Decimal | None:
    """A stored cost, or None for a row no bill can have: files written before costs were checked at the client
    boundary may hold `Infinity` or `1e26`, and reading them must never fail."""
    try:
        return cost_value(Decimal(str(text)))
    except (InvalidOperation, ValueError):
        return None


def _sample(at: object, text: object) -> CostSample | None:
    value = _decimal(text)
    moment = _from_unix(at) if isinstance(at, int | float) else None
    return CostSample(moment, value) if value is not None and moment is not None else None


DISTINCT_PROJECTS = "SELECT DISTINCT subject_id FROM cost_samples WHERE level = 'project'"
LATEST_SAMPLES = """SELECT at, monthly_cost FROM cost_samples WHERE level = 'project' AND subject_id = ?
                    ORDER BY at DESC LIMIT ?"""
# the first sample of each bucket between `since` and the latest samples (SQLite takes the bare column's value
# from the row MIN() chose)
THINNED_SAMPLES = """SELECT MIN(at), monthly_cost FROM cost_samples
                     WHERE level = 'project' AND subject_id = ? AND at >= ? AND at < ?
                     GROUP BY CAST(at / ? AS INTEGER)"""


class History:
    """The SQLite store. Front ends never touch it; the engine calls the async methods."""

    def __init__(self, path: Path | str, *, api_url: str | None = None, max_bytes: int = MAX_HISTORY_BYTES) -> None:
        self.path = Path(path)
        self.api_url = api_url
        self.max_bytes = max_bytes
        self._size_checked_at = 0.0
        self.problem: str | None = None  # the last trouble, as a sentence; None once writes succeed again
        self.notices: list[str] = []  # one-off facts worth telling the user (a corrupt file was moved aside)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cftui-history")
        self._db: sqlite3.Connection | None = None
        self._maintained_at = 0.0
        self._closed = False

    @classmethod
    def for_api_url(cls, api_url: str) -> History:
        return cls(default_history_path(api_url), api_url=api_url)

    @classmethod
    def named(cls, name: str, api_url: str | None = None) -> History:
        return cls(named_history_path(name), api_url=api_url)

    # --- running work on the history thread --------------------------------------------------------------

    async def _run(self, work: Callable[[sqlite3.Connection], T], default: T, what: str) -> T:
        if self._closed:
            return default
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._guarded, work, default, what)

    def _guarded(self, work: Callable[[sqlite3.Connection], T], default: T, what: str) -> T:
        try:
            db = self._connection()
            result = work(db)
        except sqlite3.Error as exc:
            self._report(f"Cost and event history: could not {what} ({exc}); monitoring goes on without it.")
            if self._db is not None and isinstance(exc, sqlite3.DatabaseError) and _looks_corrupt(exc):
                self._close_db()
            return default
        except OSError as exc:
            self._report(f"Cost and event history: could not {what} ({exc}); monitoring goes on without it.")
            return default
        if self.problem is not None:
            log.info("history works again: %s", self.path)
        self.problem = None
        return result

    def _report(self, sentence: str) -> None:
        if sentence != self.problem:
            log.warning("%s", sentence)
        self.problem = sentence

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            self._db = self._open()
        return self._db

    def _open(self) -> sqlite3.Connection:
        make_private_dir(self.path.parent)
        try:
            return self._open_file()
        except sqlite3.DatabaseError as exc:
            if not _looks_corrupt(exc):
                raise
            aside = self.path.with_name(f"{self.path.name}.corrupt-{int(time.time())}")
            for suffix in ("", "-wal", "-shm"):
                source = Path(f"{self.path}{suffix}")
                if source.exists():
                    source.rename(Path(f"{aside}{suffix}"))
            notice = f"The history file {self.path} was unreadable ({exc}); it was moved to {aside} and a new one made."
            log.warning("%s", notice)
            self.notices.append(notice)
            return self._open_file()

    def _open_file(self) -> sqlite3.Connection:
        # made 0600 before SQLite opens it: SQLite gives its -wal and -shm files the database file's mode
        os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE_MODE))
        db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        try:
            db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
            db.execute(f"PRAGMA journal_size_limit = {WAL_SIZE_LIMIT}")
            db.executescript(SCHEMA)
            if self.api_url:
                db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('api_url', ?)", (self.api_url,))
            db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', '1')")
        except sqlite3.Error:
            db.close()
            raise
        make_private_files(self.path)  # a file from an older cftui may have been made world-readable
        return db

    def _close_db(self) -> None:
        if self._db is not None:
            try:
                self._db.close()
            finally:
                self._db = None

    async def aclose(self) -> None:
        if self._closed:
            return
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._executor, self._close_db)
        self._closed = True
        self._executor.shutdown(wait=True)

    # --- writing -----------------------------------------------------------------------------------------------

    async def write(self, samples: Iterable[SampleRow], events: Iterable[ChangeEvent]) -> bool:
        """Store a batch in one transaction; False (and `problem` set) when it could not be written."""
        sample_rows = [(s.level, s.subject_id, s.project_id, _unix(s.at), str(s.monthly_cost)) for s in samples]
        event_rows = [(_unix(e.at), e.kind.value, e.subject_id, e.project_id, json.dumps(e.to_json())) for e in events]
        if not sample_rows and not event_rows:
            return True

        def work(db: sqlite3.Connection) -> bool:
            with _transaction(db):
                db.executemany("INSERT INTO cost_samples VALUES (?, ?, ?, ?, ?)", sample_rows)
                db.executemany("INSERT OR IGNORE INTO events VALUES (?, ?, ?, ?, ?)", event_rows)
            self._maintain(db)
            self._bound_size(db)
            return True

        return await self._run(work, False, "save cost samples and events")

    def _bound_size(self, db: sqlite3.Connection, *, force: bool = False) -> None:
        now = time.time()
        if force or now - self._size_checked_at >= SIZE_CHECK_EVERY_SECONDS:
            self._size_checked_at = now
            if bound_size(db, self.max_bytes, now):
                log.info("history over %d bytes: thinned and dropped its oldest rows (%s)", self.max_bytes, self.path)

    async def bound_size_now(self) -> int:
        """Apply the size cap at once; the live bytes after it."""

        def work(db: sqlite3.Connection) -> int:
            self._bound_size(db, force=True)
            return live_bytes(db)

        return await self._run(work, 0, "bound the history's size")

    def _maintain(self, db: sqlite3.Connection) -> None:
        """Drop what is older than 30 days; keep one sample per subject per hour for what is older than a day."""
        now = time.time()
        if now - self._maintained_at < MAINTENANCE_EVERY_SECONDS:
            return
        self._maintained_at = now
        with _transaction(db):
            db.execute("DELETE FROM cost_samples WHERE at < ?", (now - KEEP_SECONDS,))
            db.execute("DELETE FROM events WHERE at < ?", (now - KEEP_SECONDS,))
            thin(db, older_than=now - THIN_AFTER_SECONDS, bucket_seconds=THIN_BUCKET_SECONDS)

    async def maintain_now(self) -> None:
        """Run the retention and thinning pass at once (it otherwise runs at most hourly, after a write)."""

        def work(db: sqlite3.Connection) -> None:
            self._maintained_at = 0.0
            self._maintain(db)

        await self._run(work, None, "thin old samples")

    # --- reading -----------------------------------------------------------------------------------------------

    async def project_costs(self, per_project: int = RECENT_SAMPLES) -> dict[str, tuple[CostSample, ...]]:
        """The latest `per_project` samples of every project, and before them the first of each 10 minutes of the
        last day and an hour, oldest first (sparklines, the hour's and day's change, the project's chart)."""
        bucket = THIN_BUCKET.total_seconds()
        since = time.time() - KEEP_FOR.total_seconds()

        def work(db: sqlite3.Connection) -> dict[str, tuple[CostSample, ...]]:
            # one project at a time, each read through the (level, subject_id, at) index: a window function over
            # every row took seconds on a month of 1,000 projects, and the first request waits for this read
            subjects = [row[0] for row in db.execute(DISTINCT_PROJECTS).fetchall()]
            series: dict[str, tuple[CostSample, ...]] = {}
            for subject_id in subjects:
                latest = db.execute(LATEST_SAMPLES, (subject_id, per_project)).fetchall()
                first_latest = min((row[0] for row in latest), default=None)
                older = db.execute(THINNED_SAMPLES, (subject_id, since, first_latest or 0.0, bucket)).fetchall()
                samples = [sample for at, text in (*older, *latest) if (sample := _sample(at, text)) is not None]
                if samples:
                    series[str(subject_id)] = tuple(sorted(samples, key=lambda s: s.at))
            return series

        return await self._run(work, {}, "read the cost history")

    async def resource_costs(self, resource_id: str, limit: int = 720) -> list[CostSample]:
        def work(db: sqlite3.Connection) -> list[CostSample]:
            rows = db.execute(
                """SELECT at, monthly_cost FROM (
                       SELECT at, monthly_cost FROM cost_samples
                       WHERE level = 'resource' AND subject_id = ? ORDER BY at DESC LIMIT ?)
                   ORDER BY at""",
                (resource_id, limit),
            ).fetchall()
            return [sample for at, text in rows if (sample := _sample(at, text)) is not None]

        return await self._run(work, [], "read the cost history")

    async def recent_events(self, limit: int = 200, since: datetime | None = None) -> list[ChangeEvent]:
        """The latest `limit` events (after `since` if given), oldest first."""

        def work(db: sqlite3.Connection) -> list[ChangeEvent]:
            rows = db.execute(
                """SELECT body FROM (
                       SELECT rowid, at, body FROM events WHERE at > ? ORDER BY at DESC, rowid DESC LIMIT ?)
                   ORDER BY at, rowid""",
                (_unix(since) if since else -1.0, limit),
            ).fetchall()
            events = []
            for (body,) in rows:
                try:
                    events.append(ChangeEvent.from_json(json.loads(body)))
                except (ValueError, KeyError, TypeError, OverflowError, AttributeError):
                    continue  # a row written by a future version (or a broken one): skip it, never crash
            return events

        return await self._run(work, [], "read past events")

    async def has_event(self, subject_id: str, kinds: Iterable[str]) -> bool:
        """Whether an event of one of these kinds about this subject is already stored (to avoid recording twice)."""
        wanted = set(kinds)

        def work(db: sqlite3.Connection) -> bool:
            rows = db.execute("SELECT DISTINCT kind FROM events WHERE subject_id = ?", (subject_id,)).fetchall()
            return any(kind in wanted for (kind,) in rows)

        return await self._run(work, False, "read past events")


class _transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self._db.execute("COMMIT" if exc_type is None else "ROLLBACK")


def _looks_corrupt(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return "not a database" in text or "malformed" in text or "corrupt" in text
