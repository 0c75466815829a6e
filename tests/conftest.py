"""Shared fixtures: a real simulator on loopback, and isolated config/state directories."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.simproc import SimServer, running_sim


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test reads or writes the real user's config, state or environment keys."""
    for name in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"):
        monkeypatch.setenv(name, str(tmp_path / name.lower()))
    for name in ("CLOUDFORGE_API_KEY", "CLOUDFORGE_API_URL", "CFTUI_PROFILE", "CFTUI_CONFIG", "NO_COLOR"):
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
