"""The benchmark report reads the other benchmarks' printed tables and prints one valid Markdown table."""

from __future__ import annotations

import pytest

from bench.compare import Row, markdown_table
from bench.report import PartOutput, aligned_rows, markdown_rows, monitor_rows, ui_rows

MONITOR_OUTPUT = """Monitor benchmark: Starter plan, 20 projects x 50 resources, 120 s window, 300 changes in the world

| measure | value | target | met |
|---|---|---|---|
| requests per minute (average) | 49.0 | <= 50 (half of Starter's 100) | yes |
| 429 responses | 0 | 0 | yes |
"""

UI_OUTPUT = """starting the simulator: 1000 projects x 100 resources …
first data on screen after 2.14 s
60 key presses timed

first data on screen        2.14 s  from process start, 1,000 projects
5,000-resource tree         0.70 s  from the key press that selects it to its rows
bytes while idle           378 B/s  the status line's once-a-second tick
"""


def test_markdown_rows_skip_header_and_rule() -> None:
    assert markdown_rows(MONITOR_OUTPUT) == [
        ["requests per minute (average)", "49.0", "<= 50 (half of Starter's 100)", "yes"],
        ["429 responses", "0", "0", "yes"],
    ]


def test_aligned_rows_read_the_last_block() -> None:
    assert aligned_rows(UI_OUTPUT) == [
        ["first data on screen", "2.14 s", "from process start, 1,000 projects"],
        ["5,000-resource tree", "0.70 s", "from the key press that selects it to its rows"],
        ["bytes while idle", "378 B/s", "the status line's once-a-second tick"],
    ]


def test_ui_rows_get_their_baselines_and_targets() -> None:
    rows = ui_rows(PartOutput("ui", UI_OUTPUT, 1.0, 0), floor_first_data="0.98 s", watch_idle="8 B/s")
    by_name = {row.metric: row for row in rows}
    assert by_name["first data on screen"].baseline == "0.98 s"
    assert "target < 2 s" in by_name["first data on screen"].baseline_name
    assert by_name["bytes while idle"].baseline == "8 B/s"
    assert by_name["5,000-resource tree"].baseline_name == "target < 1 s"


def test_monitor_rows_carry_target_and_verdict() -> None:
    rows = monitor_rows(PartOutput("monitor", MONITOR_OUTPUT, 1.0, 0))
    assert rows[0].cftui == "49.0" and rows[0].baseline_name.startswith("target <= 50") and rows[0].note == "met: yes"


def test_a_pipe_inside_a_cell_does_not_break_the_table() -> None:
    table = markdown_table([Row("terminal", "idle", "1 B/s", "2 B/s", "`watch` around `curl | jq`")])
    body = table.splitlines()[2]
    assert body.count(" | ") == 5  # six cells, the escaped pipe is not a separator
    assert "curl \\| jq" in body


def test_bench_with_only_report_options_runs_the_report(monkeypatch: pytest.MonkeyPatch) -> None:
    import bench.__main__ as bench_main

    ran: list[list[str]] = []

    class FakeReport:
        @staticmethod
        def main(argv: list[str]) -> int:
            ran.append(argv)
            return 0

    monkeypatch.setattr(bench_main.importlib, "import_module", lambda name: FakeReport)
    assert bench_main.main(["--write", "docs/benchmarks.md"]) == 0
    assert bench_main.main([]) == 0
    assert ran == [["--write", "docs/benchmarks.md"], []]
    assert bench_main.main(["--help"]) == 0 and len(ran) == 2, "--help prints the list of benchmarks"
