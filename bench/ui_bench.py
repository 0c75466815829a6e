"""The dashboard at scale, in a real terminal: 1,000 projects x 100 resources, plus one of 5,000 resources.

`cftui` runs in a 120x40 tmux pane (`bench.terminal.Terminal`, which records every byte the app writes
with `pipe-pane`) against `cftui sim --projects 1000 --resources 100 --static --plan enterprise`. Measured:

- first data on screen: from starting the process to the first project name in the pane;
- the 5,000-resource tree: from the key press that selects that project to its rows on screen
  (includes fetching 50 pages from the simulator);
- key press to repaint: `j`/`k` in the resource tree, from `send-keys` to the app's first byte of output (p50/p95);
- bytes per changed row: terminal output caused by one visible resource changing status (its row highlighted,
  then unhighlighted, and its line in the event feed), measured against a window of the same length without a
  change, so whatever is written without one (the status line's age, once the data is stale) is not counted;
- bytes while idle: terminal output per second while nothing changes (the dashboard should write nothing).

    python -m bench ui [--projects 1000] [--resources 100] [--big 5000] [--presses 60]

These are measurements for the README, not tests: nothing here fails on a slow machine.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable
from typing import Any

from bench.simproc import READ_KEY, SimServer, start_sim_process
from bench.terminal import Terminal

BIG_NAME = re.compile(r"2 Resources · (\S+) · (\d+)")


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def wait_until(condition: Callable[[], Any], timeout: float, poll: float = 0.01) -> float:
    """Seconds until `condition()` held (raises after `timeout`)."""
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > timeout:
            raise TimeoutError("condition not met")
        time.sleep(poll)
    return time.monotonic() - start


def bytes_in(terminal: Terminal, seconds: float) -> int:
    before = terminal.bytes_written()
    time.sleep(seconds)
    return terminal.bytes_written() - before


def first_data(sim: SimServer, names: list[str], command: list[str], env: dict[str, str]) -> tuple[float, Terminal]:
    terminal = Terminal(command, width=120, height=40, env=env)
    started = time.monotonic()
    terminal.start()
    pattern = re.compile("|".join(re.escape(n) for n in names[:20]))
    terminal.wait_for_text(pattern, timeout=60, interval=0.02)
    return time.monotonic() - started, terminal


def big_tree(terminal: Terminal, big_name: str, big_count: int) -> float:
    """Time from the key press that selects the big project to its rows on screen.

    The big project costs the most, so it is first in the list (sorted by cost) and selected at start: the cursor
    moves off it (`j`), waits for the other project's tree, then comes back (`k`) with the clock running.
    """
    terminal.wait_for_text(f"{big_name} · {big_count}", timeout=120, interval=0.05)
    terminal.send_keys("j")
    terminal.wait_for_screen(
        lambda screen: (m := BIG_NAME.search(screen)) is not None and m.group(1) != big_name, timeout=60
    )
    terminal.wait_for_quiet(quiet_for=0.3, timeout=30)
    started = time.monotonic()
    terminal.send_keys("k")
    terminal.wait_for_text(f"{big_name} · {big_count}", timeout=60, interval=0.01)
    terminal.wait_for_text("▼ Compute", timeout=60, interval=0.01)
    return time.monotonic() - started


def key_latencies(terminal: Terminal, presses: int) -> list[float]:
    terminal.send_keys("2")
    terminal.wait_for_quiet(quiet_for=0.3, timeout=30)
    latencies = []
    for index in range(presses):
        before = terminal.bytes_written()
        sent = time.monotonic()
        terminal.send_keys("j" if index % 10 < 5 else "k")
        try:
            wait_until(lambda b=before: terminal.bytes_written() > b, timeout=5, poll=0.0005)
        except TimeoutError:
            continue
        latencies.append(time.monotonic() - sent)
        time.sleep(0.05)
    return latencies


ROW = re.compile(r"● running\s+(\S+)\s")


def visible_resource(terminal: Terminal, sim: SimServer, project_id: str) -> str:
    """The id of a running resource whose row is on screen now."""
    names = ROW.findall(terminal.screen_text())
    page, by_name = 1, {}
    while True:
        body = sim.get(f"projects/{project_id}/resources", per_page=100, page=page).json()
        by_name.update({r["name"]: r["id"] for r in body["data"]})
        if page * 100 >= body["meta"]["total"]:
            break
        page += 1
    return next(by_name[name] for name in names if name in by_name)


def changed_row_bytes(terminal: Terminal, sim: SimServer, project_id: str, window: float) -> tuple[int, int]:
    """Bytes written in a window where one visible resource changes status, and in one where nothing changes."""
    victim = visible_resource(terminal, sim, project_id)
    quiet = bytes_in(terminal, window)
    before = terminal.bytes_written()
    sim.control("POST", "mutate", {"action": "set_status", "resource_id": victim, "status": "stopped"})
    time.sleep(window)
    return terminal.bytes_written() - before, quiet


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench ui", description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--resources", type=int, default=100)
    parser.add_argument("--big", type=int, default=5000, help="resources in the one big project")
    parser.add_argument("--presses", type=int, default=60)
    parser.add_argument("--interval", type=float, default=5.0, help="the dashboard's refresh interval")
    parser.add_argument("--settle", type=float, default=30.0, help="seconds to wait before the byte counts")
    args = parser.parse_args(argv)

    sim_flags = ["--seed", "7", "--static", "--plan", "enterprise", "--projects", str(args.projects)]
    sim_flags += ["--resources", str(args.resources)]
    print(f"starting the simulator: {args.projects} projects x {args.resources} resources …", flush=True)
    with start_sim_process(*sim_flags, start_timeout=120) as sim:
        added = sim.control("POST", "mutate", {"action": "add_projects", "count": 1, "resources": args.big})
        big_id = added["project_ids"][0]
        big = sim.get(f"projects/{big_id}").json()["data"]
        names = [p["name"] for p in sim.get("projects", per_page=100).json()["data"]]
        command = [sys.executable, "-m", "cftui", "--api-url", sim.base_url, "--no-history"]
        command += ["--interval", str(args.interval)]
        env = {"CLOUDFORGE_API_KEY": READ_KEY}
        first, terminal = first_data(sim, names, command, env)
        print(f"first data on screen after {first:.2f} s", flush=True)
        try:
            tree = big_tree(terminal, big["name"], args.big)
            print(f"big tree after {tree:.2f} s", flush=True)
            latencies = key_latencies(terminal, args.presses)
            print(f"{len(latencies)} key presses timed", flush=True)
            time.sleep(args.settle)  # let the monitor's first sweep of every project finish
            idle_seconds = 10.0
            idle = bytes_in(terminal, idle_seconds)
            window = 3 * args.interval  # the change is seen at the next poll, its highlight ends 4 s later
            changed, quiet = changed_row_bytes(terminal, sim, big_id, window)
        finally:
            terminal.close()
    rows = [
        ("first data on screen", f"{first:.2f} s", "from process start, 1,000 projects"),
        (f"{args.big:,}-resource tree", f"{tree:.2f} s", "from the key press that selects it to its rows"),
        ("key press to repaint p50", f"{percentile(latencies, 0.5) * 1000:.1f} ms", f"{len(latencies)} presses"),
        ("key press to repaint p95", f"{percentile(latencies, 0.95) * 1000:.1f} ms", "j/k in the resource tree"),
        ("bytes per changed row", f"{changed - quiet:,} B", "row highlighted, unhighlighted, and its event line"),
        ("bytes while idle", f"{idle / idle_seconds:,.0f} B/s", "a static world, polled every 5 s"),
    ]
    width = max(len(r[0]) for r in rows)
    print()
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:>10}  {note}")
    return 0
