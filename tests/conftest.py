"""Shared fixtures: a real simulator on loopback, and isolated config/state directories."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.simproc import SimServer, running_sim

# On pytest-xdist's workers (`-n 6 --dist loadgroup`, pyproject's addopts), the tests that drive a real terminal
# (marked `tmux`) run one at a time on one worker: each runs a whole dashboard process whose screens they wait on,
# and two of them at once on a 2-core machine would starve each other. The in-process tests share the others.
TERMINAL_GROUP = "terminal"


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook, which reads the group marks
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Group the real-terminal tests; on xdist workers, start the longest first (the soak, marked `slow`, then the
    terminal group, then the long single tests marked `heavy`), so a worker that picks one up late does not stretch
    the whole run."""
    for item in items:
        if item.get_closest_marker("tmux") is not None:
            item.add_marker(pytest.mark.xdist_group(TERMINAL_GROUP))
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        return  # one process: the collection order, as always

    def rank(item: pytest.Item) -> int:
        if item.get_closest_marker("slow") is not None:
            return 0
        if item.get_closest_marker("tmux") is not None:
            return 1
        return 2 if item.get_closest_marker("heavy") is not None else 3

    items.sort(key=rank)  # stable (the same on every worker): the collection order within each rank


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test reads or writes the real user's config, state or environment keys."""
    for name in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"):
        monkeypatch.setenv(name, str(tmp_path / name.lower()))
    # COLUMNS and LINES: pytest-xdist's workers set 80x24, which Rich and Textual would take over a child's real size
    for name in (
        "CLOUDFORGE_API_KEY",
        "CLOUDFORGE_API_URL",
        "CFTUI_PROFILE",
        "CFTUI_CONFIG",
        "NO_COLOR",
        "COLUMNS",
        "LINES",
    ):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


@pytest.fixture(scope="session")
def static_sim() -> Iterator[SimServer]:
    """One frozen simulator (seed 7, no spontaneous changes) shared by read-only tests."""
    with running_sim("--seed", "7", "--static", "--plan", "enterprise") as server:
        yield server


@pytest.fixture
def sim_factory() -> Iterator[object]:
    """Start a fresh simulator with the given flags; every one started is stopped at the end."""
    import contextlib

    with contextlib.ExitStack() as stack:

        def start(*args: str, **kwargs: object) -> SimServer:
            return stack.enter_context(running_sim(*args, **kwargs))  # type: ignore[arg-type]

        yield start
