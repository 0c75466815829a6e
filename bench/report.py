"""Every benchmark, one Markdown table: each figure of cftui beside its baseline from the same run.

`python -m bench` (or `python -m bench report`) runs, one after another (never two at once: they measure time,
CPU and bytes on a shared machine):

- `bench/compare.py` — cftui against the alternatives: the floor for time to first data and memory, naive
  pollers for API load and freshness, `watch -n 2 curl | jq` for terminal bytes and idle CPU;
- `python -m bench ui` — the dashboard's scale figures at 1,000 projects x 100 resources (issue 5, point 11);
- `python -m bench monitor` — the engine's budget and change-to-event delays on a Starter plan.

The two others' outputs are read back from their own printed tables, so each stays runnable alone.
`--write docs/benchmarks.md` also records the table with the machine it ran on.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.compare import Row, Sizes, markdown_table, run_comparisons

# Targets from the issues, shown where the alternative is the requirement rather than another tool.
UI_TARGETS = {
    "first data on screen": "target < 2 s",
    "tree": "target < 1 s",
    "key press to repaint p95": "target < 50 ms",
    "bytes per changed row": "target < 2 KB",
    "bytes while idle": "target 0 B/s when nothing changes",
}
MARKDOWN_ROW = re.compile(r"^\|(.+)\|\s*$")
ALIGNED_ROW = re.compile(r"^(\S.*?)\s{2,}(\S.*?)(?:\s{2,}(.*))?$")


@dataclass(frozen=True, slots=True)
class PartOutput:
    name: str
    text: str
    seconds: float
    exit_code: int


def run_part(name: str, args: list[str]) -> PartOutput:
    """Run `python -m bench NAME ARGS` as its own process and keep what it printed."""
    print(f"bench report: running `python -m bench {name} {' '.join(args)}`…", file=sys.stderr, flush=True)
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "bench", name, *args], capture_output=True, text=True, check=False, timeout=1800
    )
    if result.returncode != 0:
        print(result.stdout[-2000:], result.stderr[-4000:], sep="\n", file=sys.stderr)
    return PartOutput(name, result.stdout, time.monotonic() - started, result.returncode)


def markdown_rows(text: str) -> list[list[str]]:
    """The body rows of the first Markdown table in `text` (header and rule dropped)."""
    rows = [
        [cell.strip() for cell in m.group(1).split("|")]
        for line in text.splitlines()
        if (m := MARKDOWN_ROW.match(line))
    ]
    return [row for row in rows[2:] if row]


def aligned_rows(text: str) -> list[list[str]]:
    """Rows of the last block of `name  value  note` lines (columns split by two or more spaces)."""
    blocks = [block for block in text.strip().split("\n\n") if block.strip()]
    if not blocks:
        return []
    rows = []
    for line in blocks[-1].splitlines():
        match = ALIGNED_ROW.match(line.strip())
        if match:
            rows.append([match.group(1), match.group(2), match.group(3) or ""])
    return rows


def ui_rows(output: PartOutput, floor_first_data: str, watch_idle: str) -> list[Row]:
    rows: list[Row] = []
    for name, value, note in aligned_rows(output.text):
        target = next((t for key, t in UI_TARGETS.items() if key in name), "")
        baseline, baseline_name = "—", target
        if name.startswith("first data"):
            baseline, baseline_name = floor_first_data, f"bare Textual app + one GET ({target})"
        elif name.startswith("bytes while idle"):
            baseline, baseline_name = watch_idle, f"`watch -n 2` around `curl | jq` ({target})"
        rows.append(Row("scale (1,000 x 100)", name, value, baseline, baseline_name, note))
    return rows


def monitor_rows(output: PartOutput) -> list[Row]:
    rows: list[Row] = []
    for cells in markdown_rows(output.text):
        if len(cells) >= 4:
            measure, value, target, met = cells[:4]
            rows.append(Row("monitor (Starter)", measure, value, "—", f"target {target}", f"met: {met}"))
    return rows


def machine() -> dict[str, str]:
    cpu = "unknown"
    with open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory_kib = 0
    with open("/proc/meminfo") as info:
        for line in info:
            if line.startswith("MemTotal:"):
                memory_kib = int(line.split()[1])
    import textual

    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": str(os.cpu_count()),
        "cpu": cpu,
        "ram": f"{memory_kib / 1024 / 1024:.1f} GiB",
        "python": platform.python_version(),
        "textual": textual.__version__,
        "os": f"{platform.system()} {platform.release()}",
    }


def table(rows: list[Row]) -> str:
    return markdown_table(rows, "| area | measure | cftui | baseline (same run) | baseline is | how / note |")


def machine_line(info: dict[str, str]) -> str:
    return (
        f"{info['date']}: {info['cpus']} CPUs ({info['cpu']}), {info['ram']} RAM, {info['os']}, "
        f"Python {info['python']}, Textual {info['textual']}"
    )


def write_document(path: Path, rows_table: str, info: dict[str, str], quick: bool, extra: str) -> None:
    template = (Path(__file__).parent / "baselines" / "benchmarks_template.md").read_text()
    scope = "quick (smaller worlds, shorter windows)" if quick else "full"
    text = template.format(machine=machine_line(info), table=rows_table, scope=scope, parts=extra)
    path.write_text(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench report", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller worlds and shorter windows (a try-out)")
    parser.add_argument("--skip", action="append", default=[], choices=("compare", "ui", "monitor"))
    parser.add_argument(
        "--write", type=Path, metavar="FILE", help="also write the Markdown document (docs/benchmarks.md)"
    )
    args = parser.parse_args(argv)
    sizes = Sizes.quick() if args.quick else Sizes()

    rows: list[Row] = []
    if "compare" not in args.skip:
        rows += run_comparisons(sizes)
    floor = next((r.baseline for r in rows if r.metric.startswith("time to first data")), "—")
    watch_idle = next((r.baseline for r in rows if r.metric.endswith("idle") and r.area == "terminal"), "—")
    parts: list[PartOutput] = []
    if "ui" not in args.skip:
        ui_args = ["--projects", "200", "--big", "1000", "--presses", "20", "--settle", "10"] if args.quick else []
        parts.append(run_part("ui", ui_args))
        rows += ui_rows(parts[-1], floor, watch_idle)
    if "monitor" not in args.skip:
        monitor_args = ["--duration", "30", "--tail", "20"] if args.quick else []
        parts.append(run_part("monitor", monitor_args))
        rows += monitor_rows(parts[-1])

    info = machine()
    rendered = table(rows)
    print(f"Machine: {machine_line(info)}\n")
    print(rendered)
    failed = [part.name for part in parts if part.exit_code != 0]
    if failed:
        print(f"\nbench report: {', '.join(failed)} failed (see stderr); their rows are missing.", file=sys.stderr)
    if args.write:
        extra = "\n".join(f"- `python -m bench {p.name}`: {p.seconds:.0f} s, exit {p.exit_code}" for p in parts)
        write_document(args.write, rendered, info, args.quick, extra)
        print(f"\nwritten to {args.write}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
