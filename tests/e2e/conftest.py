"""Fixtures of the terminal tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bench.terminal import Terminal
from tests.e2e.demo import running_demo


@pytest.fixture
def demo() -> Iterator[Terminal]:
    """`cftui --demo` at 120x40, showing its projects."""
    with running_demo() as terminal:
        yield terminal
