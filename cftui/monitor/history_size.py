"""The history file's size cap: thinning, then dropping the oldest rows.

Age alone did not bound the file: a world that churns at a 1 s interval wrote ~11 MB in 4 minutes (~4 GB a day,
kept 30 days). Past `MAX_HISTORY_BYTES` of live data, cost samples older than an hour are thinned to one per
subject per hour; if that is not enough, the oldest tenth of the samples and of the events is dropped, again and
again, until the data is back under the cap. Freed pages are reused before the file grows, so the file itself
stays near the cap; the -wal file is truncated back to `WAL_SIZE_LIMIT` after each checkpoint.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator

MAX_HISTORY_BYTES = 64 * 1024 * 1024
WAL_SIZE_LIMIT = 8 * 1024 * 1024
RECENT_THIN_AFTER_SECONDS = 3600
THIN_BUCKET_SECONDS = 3600
MAX_DROP_ROUNDS = 50  # each round drops a tenth: even a cap far too small ends


def live_bytes(db: sqlite3.Connection) -> int:
    """Bytes of the database's pages in use."""
    page_size = db.execute("PRAGMA page_size").fetchone()[0]
    pages = db.execute("PRAGMA page_count").fetchone()[0] - db.execute("PRAGMA freelist_count").fetchone()[0]
    return int(page_size * pages)


def thin(db: sqlite3.Connection, *, older_than: float, bucket_seconds: float = THIN_BUCKET_SECONDS) -> None:
    """One sample per subject per bucket for what is older than `older_than` (the caller holds a transaction)."""
    db.execute(
        """DELETE FROM cost_samples WHERE at < ? AND rowid NOT IN (
               SELECT MAX(rowid) FROM cost_samples WHERE at < ?
               GROUP BY level, subject_id, CAST(at / ? AS INTEGER))""",
        (older_than, older_than, bucket_seconds),
    )


_DROP_OLDEST = {
    table: f"""DELETE FROM {table} WHERE rowid IN (
                   SELECT rowid FROM {table} ORDER BY at LIMIT MAX(1, (SELECT COUNT(*) FROM {table}) / 10))"""  # noqa: S608
    for table in ("cost_samples", "events")
}


def bound_size(db: sqlite3.Connection, max_bytes: int, now: float) -> bool:
    """Bring the live data under `max_bytes`; True when anything had to go."""
    if live_bytes(db) <= max_bytes:
        return False
    with _transaction(db):
        thin(db, older_than=now - RECENT_THIN_AFTER_SECONDS)
    for _ in range(MAX_DROP_ROUNDS):
        if live_bytes(db) <= max_bytes:
            break
        with _transaction(db):
            dropped = sum(db.execute(sql).rowcount for sql in _DROP_OLDEST.values())
        if not dropped:
            break
    return True


@contextlib.contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[None]:
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
