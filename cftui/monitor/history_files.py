"""Where the history databases live and who may read them: one SQLite file per API URL (or per stable name)
under the user's state directory (`$XDG_STATE_HOME/cftui/`), in a private folder, each file (with its -wal and
-shm companions) readable by its owner only."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from pathlib import Path

HISTORY_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
PRIVATE_FILE_MODE = 0o600  # costs and events of someone's infrastructure: for their eyes only
PRIVATE_DIR_MODE = 0o700
COMPANIONS = ("", "-wal", "-shm")  # the database file and SQLite's write-ahead log and shared-memory files


def default_history_path(api_url: str) -> Path:
    """`<state dir>/cftui/history-<hash of the URL>.sqlite3` (platformdirs honours $XDG_STATE_HOME)."""
    from platformdirs import user_state_path

    digest = hashlib.sha256(api_url.rstrip("/").encode()).hexdigest()[:16]
    return user_state_path("cftui") / f"history-{digest}.sqlite3"


def named_history_path(name: str) -> Path:
    """`<state dir>/cftui/history-<name>.sqlite3`: a history kept under a stable name instead of the URL's hash
    (the demo's simulator gets a new port, so a new URL, every run)."""
    from platformdirs import user_state_path

    if not HISTORY_NAME.fullmatch(name):
        raise ValueError(f"a history name is lower-case letters, digits and dashes, not {name!r}")
    return user_state_path("cftui") / f"history-{name}.sqlite3"


def remove_history_files(path: Path) -> None:
    """Delete a history database with its -wal and -shm files (those missing are fine)."""
    for suffix in COMPANIONS:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{path}{suffix}")


def make_private_dir(directory: Path) -> None:
    directory.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    if directory.stat().st_mode & 0o777 != PRIVATE_DIR_MODE:
        directory.chmod(PRIVATE_DIR_MODE)


def make_private_files(path: Path) -> None:
    """Files an older cftui may have made readable by others are made private."""
    for suffix in COMPANIONS:
        with contextlib.suppress(FileNotFoundError):
            if os.stat(f"{path}{suffix}").st_mode & 0o777 != PRIVATE_FILE_MODE:
                os.chmod(f"{path}{suffix}", PRIVATE_FILE_MODE)
