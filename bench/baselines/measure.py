"""Measuring helpers shared by the comparisons: commands, a trickle of changes, counting, memory, statistics.

Everything here measures from the outside, the same way for cftui and for its baseline: a process in a tmux
pane (bytes via pipe-pane, CPU and memory via /proc), and requests as the simulator counted them.
"""

from __future__ import annotations

import contextlib
import random
import re
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import httpx

from bench.simproc import SimServer
from bench.terminal import Terminal


def isolated_env(api_key: str, state_dir: Path) -> dict[str, str]:
    """Environment for a measured process: the key, and config/state kept out of the user's home."""
    env = {"CLOUDFORGE_API_KEY": api_key, "TERM": "xterm-256color", "COLORTERM": "truecolor"}
    for name in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"):
        env[name] = str(state_dir / name.lower())
    return env


def cftui_command(sim: SimServer, *extra: str) -> list[str]:
    return [sys.executable, "-m", "cftui", "--api-url", sim.base_url, *extra]


def floor_command(sim: SimServer) -> list[str]:
    return [sys.executable, "-m", "bench.baselines.floor_app", sim.base_url]


def all_items(sim: SimServer, path: str, key: str) -> list[dict[str, Any]]:
    """Every item of a list endpoint, page by page (the benchmark's own view, not counted against anyone)."""
    items: list[dict[str, Any]] = []
    page = 1
    while True:
        body = sim.get(path, key=key, page=page, per_page=100).json()
        items += body["data"]
        if not body["data"] or len(items) >= body.get("meta", {}).get("total", len(items)):
            return items
        page += 1


def project_names_pattern(names: Sequence[str], prefix: int = 14) -> re.Pattern[str]:
    """A regex matching any project's name as a table would show it (its start; long names get cut)."""
    stems = sorted({name[:prefix] for name in names if name.strip()}, key=len, reverse=True)
    return re.compile("|".join(re.escape(stem) for stem in stems))


def time_to_text(
    command: Sequence[str], env: dict[str, str], pattern: re.Pattern[str], *, width: int, height: int
) -> tuple[float, int]:
    """Seconds from launch until `pattern` is on screen, and the process's RSS (KiB) right then."""
    terminal = Terminal(command, width=width, height=height, env=env)
    try:
        started = time.monotonic()
        terminal.start()
        terminal.wait_for_text(pattern, timeout=60, interval=0.02)
        elapsed = time.monotonic() - started
        return elapsed, rss_kib(terminal.pid or 0)
    finally:
        terminal.close()


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class Trickle:
    """A steady trickle of changes through the simulator's control endpoint, one every `every` seconds.

    Each change flips a resource between running and error, or moves its cost, so that a project list, a
    resource tree and `curl | jq` of the projects page all have something to redraw.
    """

    def __init__(
        self, sim: SimServer, resource_ids: Sequence[str], every: float = 2.0, seed: int = 11, costs: bool = True
    ) -> None:
        self.sim = sim
        self.costs = costs
        self.resource_ids = list(resource_ids)
        self.every = every
        self.changes: list[dict[str, Any]] = []  # what was done, with the wall time it was applied
        self._rng = random.Random(seed)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._in_error: set[str] = set()

    def __enter__(self) -> Trickle:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.apply_one()

    def apply_one(self) -> dict[str, Any]:
        resource_id = self._rng.choice(self.resource_ids)
        if not self.costs or self._rng.random() < 0.5:
            status = "running" if resource_id in self._in_error else "error"
            self._in_error.symmetric_difference_update({resource_id})
            change = {"action": "set_status", "resource_id": resource_id, "status": status}
        else:
            cost = round(self._rng.uniform(10, 5000), 2)
            change = {"action": "set_cost", "resource_id": resource_id, "monthly_cost": cost}
        self.sim.control("POST", "mutate", change)
        applied = {**change, "applied_at": time.time()}
        self.changes.append(applied)
        return applied


def requests_by_key(sim: SimServer, masked_key_end: str) -> tuple[int, int]:
    """(requests, 429s) the simulator served to the key whose masked form ends with `masked_key_end`."""
    recent = sim.control("GET", "stats")["recent"]
    mine = [entry for entry in recent if str(entry.get("key") or "").endswith(masked_key_end)]
    return len(mine), sum(1 for entry in mine if entry["status"] == 429)


def percentile(values: Sequence[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


@contextlib.contextmanager
def scratch_dir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="cftui-bench-") as name:
        yield Path(name)


def fetch_json(url: str) -> Any:
    return httpx.get(url, timeout=10).json()
