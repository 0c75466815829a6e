"""`cftui --demo` in a real terminal (tmux), as the demo, push and cost terminal tests start it."""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Iterator

from bench.terminal import Terminal

DEMO_PROJECT_NAMES = re.compile(r"payments-core|internal-tools|data-platform|ml-training|edge-delivery")


@contextlib.contextmanager
def running_demo(width: int = 120, height: int = 40) -> Iterator[Terminal]:
    """The demo, once it shows one of its projects (40 s at most)."""
    with Terminal([sys.executable, "-m", "cftui", "--demo"], width=width, height=height) as terminal:
        terminal.wait_for_text(DEMO_PROJECT_NAMES, timeout=40)
        yield terminal
