"""cftui against what engineers use without it, measured in the same run on the same simulator.

- time to first data on screen (and memory) at 1,000 projects x 100 resources vs. the floor: a bare Textual app
  that starts and does one GET of the same page (`bench/baselines/floor_app.py`);
- API requests per minute and change-to-output delay vs. a naive poller listing every project's resources each
  interval (`bench/baselines/naive_poller.py`), both asked for the same 5 s interval, on the Starter plan;
- bytes per second written to the terminal idle and under a trickle of changes, and CPU while idle, vs.
  `watch -n 2` around `curl | jq` of the projects page (`bench/baselines/watch_curl.py`), both in a tmux pane
  of the same size.

`python -m bench compare [--quick]` prints a Markdown table; `bench/report.py` folds these rows into the report.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench.baselines.measure import (
    Trickle,
    all_items,
    cftui_command,
    floor_command,
    isolated_env,
    median,
    percentile,
    project_names_pattern,
    requests_by_key,
    rss_kib,
    scratch_dir,
    time_to_text,
)
from bench.baselines.watch_curl import watch_curl_command
from bench.simproc import SimServer, end_process, start_sim_process
from bench.terminal import Terminal

# One key per contender, so each has its own rate-limit bucket and its requests can be told apart.
CFTUI_KEY = "cf_read_bench0000000000000cfta"
BASELINE_KEY = "cf_read_bench0000000000000basa"
EQUAL_LOAD_KEY = "cf_read_bench0000000000000eqla"
CONTROL_KEY = "cf_test_bench0000000000000ctla"  # the benchmark's own look-ups
BENCH_KEYS = {"read": CFTUI_KEY, "baseline": BASELINE_KEY, "equal": EQUAL_LOAD_KEY, "test": CONTROL_KEY}
INTERVAL = 5.0
STARTER_LIMIT = 100
CFTUI_BUDGET = 0.5  # cftui's default share of the rate limit

# Idle starts after start-up: the first data, then the first count of every project's errors (one sweep round,
# at least two 5 s intervals), which fills in the projects' `Errs` column.
STARTUP_SETTLE_S = 15.0


@dataclass(frozen=True, slots=True)
class Row:
    area: str
    metric: str
    cftui: str
    baseline: str
    baseline_name: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Sizes:
    ttfd_runs: int = 3
    freshness_seconds: float = 90.0
    terminal_seconds: float = 30.0
    scale_projects: int = 1000
    scale_resources: int = 100

    @classmethod
    def quick(cls) -> Sizes:
        return cls(ttfd_runs=1, freshness_seconds=30.0, terminal_seconds=10.0, scale_projects=200, scale_resources=50)


# -- time to first data and memory at scale ----------------------------------------------------------------------


def measure_first_data(sizes: Sizes) -> list[Row]:
    world = ["--seed", "7", "--static", "--plan", "enterprise"]
    world += ["--projects", str(sizes.scale_projects), "--resources", str(sizes.scale_resources)]
    with start_sim_process(*world, keys=BENCH_KEYS, start_timeout=120) as sim, scratch_dir() as scratch:
        names = [p["name"] for p in all_items(sim, "projects", CONTROL_KEY)]
        pattern = project_names_pattern(names)
        env = isolated_env(CFTUI_KEY, scratch)
        contenders: dict[str, list[str]] = {"cftui": cftui_command(sim), "floor": floor_command(sim)}
        seconds: dict[str, list[float]] = {name: [] for name in contenders}
        memory: dict[str, list[int]] = {name: [] for name in contenders}
        for _ in range(sizes.ttfd_runs):
            for name, command in contenders.items():
                elapsed, _rss = time_to_text(command, env, pattern, width=120, height=40)
                seconds[name].append(elapsed)
        for name, command in contenders.items():
            memory[name].append(_settled_rss(command, env, pattern))
    scale = f"{sizes.scale_projects:,} projects x {sizes.scale_resources} resources"
    return [
        Row(
            "start-up",
            f"time to first data on screen, median of {sizes.ttfd_runs} ({scale})",
            f"{median(seconds['cftui']):.2f} s",
            f"{median(seconds['floor']):.2f} s",
            "bare Textual app + one GET",
            "launch to a project name visible in a 120x40 tmux pane",
        ),
        Row(
            "memory",
            f"RSS once settled ({scale})",
            f"{memory['cftui'][0] / 1024:.0f} MiB",
            f"{memory['floor'][0] / 1024:.0f} MiB",
            "bare Textual app + one GET",
            "after first data and 2 s without output (or 20 s)",
        ),
    ]


def _settled_rss(command: list[str], env: dict[str, str], pattern: Any) -> int:
    terminal = Terminal(command, width=120, height=40, env=env)
    try:
        terminal.start()
        terminal.wait_for_text(pattern, timeout=60)
        with contextlib.suppress(AssertionError):  # an app that keeps drawing is measured at the deadline
            terminal.wait_for_quiet(quiet_for=2.0, timeout=20.0)
        return rss_kib(terminal.pid or 0)
    finally:
        terminal.close()


# -- API load and freshness vs the naive poller ----------------------------------------------------------------


class LineCollector:
    """Read a child's stdout lines in a thread, stamping each with the wall time it arrived."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.lines: list[tuple[float, str]] = []
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append((time.time(), line.rstrip("\n")))

    def stop(self) -> None:
        end_process(self.process)
        self._thread.join(timeout=5)


def _cftui_saw_error(line: str) -> str | None:
    try:
        event = json.loads(line)
    except ValueError:
        return None
    is_status = event.get("kind") == "resource.status_changed" and event.get("new") == "error"
    return str(event.get("subject_id")) if is_status else None


def _poller_saw_change(line: str) -> str | None:
    parts = line.split()
    return parts[2] if len(parts) == 4 and parts[3] == "status" else None


def delays_to_error(changes: list[dict[str, Any]], lines: list[tuple[float, str]], parse: Callable) -> list[float]:
    """For each resource set to `error`, seconds until the contender first reported it (missed ones left out)."""
    delays: list[float] = []
    for change in changes:
        if change.get("status") != "error":
            continue
        seen = [at for at, line in lines if at >= change["applied_at"] and parse(line) == change["resource_id"]]
        if seen:
            delays.append(min(seen) - change["applied_at"])
    return delays


def _poller(sim: SimServer, key: str, interval: float, seconds: float) -> LineCollector:
    command = [sys.executable, "-m", "bench.baselines.naive_poller", "--api-url", sim.base_url, "--key", key]
    command += ["--interval", f"{interval:g}", "--duration", f"{seconds:g}"]
    return LineCollector(_spawn(command, {**_os_environ(), "PYTHONUNBUFFERED": "1"}))


def measure_freshness(sizes: Sizes) -> list[Row]:
    """cftui and two naive pollers on one Starter-plan world, each with its own key, under one trickle.

    One poller is asked for the same interval as cftui; the other gets the interval that spends what cftui is
    allowed to spend (its budget: half the plan's limit), so the table shows freshness at equal load too.
    """
    world = ["--seed", "7", "--static", "--plan", "starter", "--projects", "20", "--resources", "50"]
    with start_sim_process(*world, keys=BENCH_KEYS) as sim, scratch_dir() as scratch:
        projects = all_items(sim, "projects", CONTROL_KEY)
        resource_ids = [r["id"] for p in projects for r in _first_page(sim, p["id"])]
        cycle_cost = 1 + len(projects)  # one projects page + one resources page per project (50 < 100)
        equal_load_interval = cycle_cost / (STARTER_LIMIT * CFTUI_BUDGET) * 60
        env = {**_os_environ(), **isolated_env(CFTUI_KEY, scratch), "PYTHONUNBUFFERED": "1"}
        run_for = sizes.freshness_seconds + 90
        contenders = {
            "cftui": LineCollector(_spawn([*cftui_command(sim), "events", "--format", "jsonl"], env, INTERVAL)),
            "same interval": _poller(sim, BASELINE_KEY, INTERVAL, run_for),
            "same load": _poller(sim, EQUAL_LOAD_KEY, equal_load_interval, run_for),
        }
        keys = {"cftui": CFTUI_KEY, "same interval": BASELINE_KEY, "same load": EQUAL_LOAD_KEY}
        try:
            time.sleep(equal_load_interval + 2)  # everyone takes a first full look before changes start
            sim.control("DELETE", "stats")
            started = time.monotonic()
            with Trickle(sim, resource_ids, every=3.0, costs=False) as trickle:
                time.sleep(sizes.freshness_seconds)
            minutes = (time.monotonic() - started) / 60
            load = {name: requests_by_key(sim, key[-4:]) for name, key in keys.items()}
            time.sleep(equal_load_interval + 5)  # late reports still count, as late detections
        finally:
            for collector in contenders.values():
                collector.stop()
    parsers = {"cftui": _cftui_saw_error, "same interval": _poller_saw_change, "same load": _poller_saw_change}
    delays = {name: delays_to_error(trickle.changes, c.lines, parsers[name]) for name, c in contenders.items()}
    errors_set = sum(1 for change in trickle.changes if change.get("status") == "error")
    rows: list[Row] = []
    for name, interval in (("same interval", INTERVAL), ("same load", equal_load_interval)):
        baseline = f"naive poller, every project's resources every {interval:.0f} s ({name})"
        rows += [
            Row(
                "API load",
                "requests per minute / 429s (Starter plan, limit 100; 20 projects x 50 resources)",
                f"{load['cftui'][0] / minutes:.0f} / {load['cftui'][1]}",
                f"{load[name][0] / minutes:.0f} / {load[name][1]}",
                baseline,
                f"counted by the simulator per key; cftui asked for {INTERVAL:g} s, budget 50%",
            ),
            Row(
                "freshness",
                "change-to-output delay, resource -> error: median / p95 (reported of set)",
                f"{_delay_text(delays['cftui'])} ({len(delays['cftui'])}/{errors_set})",
                f"{_delay_text(delays[name])} ({len(delays[name])}/{errors_set})",
                baseline,
                "cftui: its `cftui events --format jsonl` line; poller: its change line; one flip every 3 s",
            ),
        ]
    return rows


def _delay_text(delays: list[float]) -> str:
    if not delays:
        return "none seen"
    return f"{median(delays):.1f} s / {percentile(delays, 0.95):.1f} s"


def _first_page(sim: SimServer, project_id: str) -> list[dict[str, Any]]:
    return sim.get(f"projects/{project_id}/resources", key=CONTROL_KEY, per_page=100).json()["data"]


def _os_environ() -> dict[str, str]:
    return dict(os.environ)


def _spawn(command: list[str], env: dict[str, str], interval: float | None = None) -> subprocess.Popen[str]:
    if interval is not None:
        command = [*command, "--interval", f"{interval:g}"]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)


# -- terminal bytes and CPU vs watch curl ------------------------------------------------------------------------


def measure_terminal_load(sizes: Sizes) -> list[Row]:
    world = ["--seed", "7", "--static", "--plan", "enterprise"]
    with start_sim_process(*world, keys=BENCH_KEYS) as sim, scratch_dir() as scratch:
        projects = all_items(sim, "projects", CONTROL_KEY)
        pattern = project_names_pattern([p["name"] for p in projects])
        resource_ids = [r["id"] for p in projects[:3] for r in _first_page(sim, p["id"])]
        cftui = Terminal(cftui_command(sim), width=120, height=40, env=isolated_env(CFTUI_KEY, scratch))
        watch = Terminal(watch_curl_command(sim.base_url, BASELINE_KEY), width=120, height=40)
        try:
            for terminal in (cftui, watch):
                terminal.start()
                terminal.wait_for_text(pattern, timeout=60)
            time.sleep(STARTUP_SETTLE_S)
            idle = {name: _window(t, sizes.terminal_seconds) for name, t in (("cftui", cftui), ("watch", watch))}
            with Trickle(sim, resource_ids, every=2.0):
                busy = {name: _window(t, sizes.terminal_seconds) for name, t in (("cftui", cftui), ("watch", watch))}
        finally:
            cftui.close()
            watch.close()
    name = "`watch -n 2` around `curl | jq`"
    return [
        Row(
            "terminal",
            "bytes/s written to the terminal, idle",
            f"{idle['cftui'][0]:.0f} B/s",
            f"{idle['watch'][0]:.0f} B/s",
            name,
            "120x40 pane, pipe-pane capture",
        ),
        Row(
            "terminal",
            "bytes/s written to the terminal, one change every 2 s",
            f"{busy['cftui'][0]:.0f} B/s",
            f"{busy['watch'][0]:.0f} B/s",
            name,
            "status flips and cost moves in the first 3 projects",
        ),
        Row(
            "terminal",
            "CPU while idle",
            f"{idle['cftui'][1]:.1f} %",
            f"{idle['watch'][1]:.1f} %",
            name,
            "of one core; watch's curl and jq children included",
        ),
    ]


def _window(terminal: Terminal, seconds: float) -> tuple[float, float]:
    """(bytes/s, CPU %) of `terminal` over the next `seconds`."""
    bytes_before, cpu_before, started = terminal.bytes_written(), terminal.cpu_seconds(), time.monotonic()
    time.sleep(seconds)
    elapsed = time.monotonic() - started
    bytes_rate = (terminal.bytes_written() - bytes_before) / elapsed
    cpu_percent = 100 * (terminal.cpu_seconds() - cpu_before) / elapsed
    return bytes_rate, cpu_percent


# -- running ---------------------------------------------------------------------------------------------------

PARTS: dict[str, Callable[[Sizes], list[Row]]] = {
    "first-data": measure_first_data,
    "freshness": measure_freshness,
    "terminal": measure_terminal_load,
}


def run_comparisons(sizes: Sizes, parts: list[str] | None = None) -> list[Row]:
    rows: list[Row] = []
    for name in parts or list(PARTS):
        print(f"bench compare: measuring {name}…", file=sys.stderr, flush=True)
        rows += PARTS[name](sizes)
    return rows


def cell(text: str) -> str:
    """A Markdown table cell: a `|` inside (as in `curl | jq`) must not end the cell."""
    return text.replace("|", "\\|")


def markdown_table(rows: list[Row], header: str = "| area | measure | cftui | baseline | baseline is | how |") -> str:
    lines = [header, "|---|---|---|---|---|---|"]
    for r in rows:
        cells = (r.area, r.metric, r.cftui, r.baseline, r.baseline_name, r.note)
        lines.append("| " + " | ".join(cell(c) for c in cells) + " |")
    return "\n".join(lines)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quick", action="store_true", help="smaller worlds and shorter windows (for a try-out)")
    parser.add_argument("--part", action="append", choices=sorted(PARTS), help="run only this part (repeatable)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench compare", description=__doc__.splitlines()[0])
    add_arguments(parser)
    args = parser.parse_args(argv)
    sizes = Sizes.quick() if args.quick else Sizes()
    print(markdown_table(run_comparisons(sizes, args.part)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
