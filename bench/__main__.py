"""`python -m bench NAME [options]`: run one benchmark. Add yours to BENCHMARKS (module with `main(argv) -> int`).

`python -m bench` alone (or with report's options only) runs `report`: every benchmark, one Markdown table (see
bench/report.py).
"""

from __future__ import annotations

import importlib
import sys

BENCHMARKS: dict[str, tuple[str, str]] = {
    "monitor": ("bench.monitor_bench", "the live monitor on a Starter plan: requests, 429s, change-to-event delay"),
    "push": ("bench.push_bench", "webhooks (push) against polling alone: requests, event delay, push stopped, flood"),
    "coverage": (
        "bench.coverage_bench",
        "the whole organisation on a Starter key: every status change, every operation",
    ),
    "compare": ("bench.compare", "cftui against naive pollers, watch+curl and a bare Textual app"),
    "ui": ("bench.ui_bench", "the dashboard at 1,000 projects x 100 resources: first data, big tree, keys, bytes"),
    "report": ("bench.report", "every benchmark above, one Markdown table with each figure beside its baseline"),
}


def usage() -> str:
    lines = ["usage: python -m bench NAME [options]", "", "benchmarks:"]
    lines += [f"  {name:<10} {text}" for name, (_, text) in BENCHMARKS.items()]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help")):
        argv = ["report", *argv]  # `python -m bench [--quick] [--write FILE]` runs everything
    if argv[0] in ("-h", "--help") or argv[0] not in BENCHMARKS:
        print(usage(), file=sys.stderr if argv and argv[0] not in ("-h", "--help") else sys.stdout)
        return 0 if argv and argv[0] in ("-h", "--help") else 2
    module = importlib.import_module(BENCHMARKS[argv[0]][0])
    return int(module.main(argv[1:]) or 0)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
