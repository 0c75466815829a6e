"""Plain lines for `cftui watch` and `cftui events`, and duration parsing, on constructed objects."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from cftui.api.sanitize import sanitize_text
from cftui.headless.durations import parse_duration
from cftui.headless.event_lines import jsonl_line, project_label, text_line
from cftui.headless.watch_track import OperationTracker
from cftui.monitor.events import ChangeEvent, EventKind, Severity
from tests.builders import operation
from tests.hostile import HOSTILE_NAME, assert_no_raw_controls
from tests.hostile import TITLE_ESCAPE as TITLE

NOW = datetime(2026, 11, 28, 12, 0, 0, tzinfo=UTC)
BARE: dict[str, Any] = {"rid": "res_1", "started": None, "eta": None}  # no start, no ETA unless a test gives one


def log(second: int, message: str) -> dict[str, str]:
    return {"timestamp": f"2026-11-28T12:00:{second:02d}Z", "message": message}


def said(records: list) -> list[str]:
    return [record.plain() for record in records]


def test_first_line_is_not_stamped_after_the_log_lines_it_precedes() -> None:
    """Issue 13 item 19: first seen 10 s after it started, with log lines from then: the first line carries the
    operation's start (or, without one, its first log line), so a pipe reads in time order."""
    later = NOW + timedelta(seconds=10)
    first_poll = operation("op_3", rid="res_1", started=NOW, eta=None, progress=40, logs=[log(2, "a"), log(5, "b")])
    started = said(OperationTracker("op_3").update(first_poll, later))
    assert started[0].startswith("2026-11-28T12:00:00Z op_3 update_resource")
    no_start = said(OperationTracker("op_4").update(operation("op_4", **BARE, progress=40, logs=[log(2, "a")]), later))
    assert no_start[0].startswith("2026-11-28T12:00:02Z op_4 update_resource")
    stamps = [line.split(" ", 1)[0] for line in started]
    assert stamps == sorted(stamps), started


def test_tracker_says_each_change_once() -> None:
    tracker = OperationTracker("op_1")
    eta = (NOW + timedelta(seconds=45)).isoformat()
    first = said(
        tracker.update(operation(**BARE, progress=10, estimated_completion=eta, logs=[log(1, "Starting")]), NOW)
    )
    assert first == [
        "2026-11-28T12:00:00Z op_1 update_resource on res_1: in_progress",
        "2026-11-28T12:00:01Z op_1 log: Starting",
        "2026-11-28T12:00:00Z op_1 progress 10% (about 45s left)",
    ]
    same = operation(**BARE, progress=10, estimated_completion=eta, logs=[log(1, "Starting")])
    assert tracker.update(same, NOW) == []
    later = NOW + timedelta(seconds=30)
    lines = said(tracker.update(operation(**BARE, progress=70, estimated_completion=eta,
                                          logs=[log(1, "Starting"), log(20, "x")]), later))  # fmt: skip
    assert lines == ["2026-11-28T12:00:20Z op_1 log: x", "2026-11-28T12:00:30Z op_1 progress 70% (about 15s left)"]
    end = said(tracker.update(operation(**BARE, status="failed", progress=70, error="disk full"), later))
    assert end == ["2026-11-28T12:00:30Z op_1 failed: disk full"] and tracker.finished and not tracker.succeeded


def test_an_estimate_that_has_come_says_due_now_not_about_0s_left() -> None:
    """The API's `estimated_completion` is now (or past) while the operation still runs: no `about 0s left`."""
    tracker = OperationTracker("op_5")
    lines = said(tracker.update(operation(id="op_5", progress=95, estimated_completion=NOW.isoformat()), NOW))
    assert lines[-1] == "2026-11-28T12:00:00Z op_5 progress 95% (due now)"
    past = (NOW - timedelta(seconds=30)).isoformat()
    late = said(tracker.update(operation(id="op_5", progress=98, estimated_completion=past), NOW))
    assert late == ["2026-11-28T12:00:00Z op_5 progress 98% (due now)"]
    soon = (NOW + timedelta(seconds=2)).isoformat()
    near = said(tracker.update(operation(id="op_5", progress=99, estimated_completion=soon), NOW))
    assert near == ["2026-11-28T12:00:00Z op_5 progress 99% (about 2s left)"]


def test_the_terminal_display_counts_down_to_due_now() -> None:
    from rich.progress import Progress

    from cftui.headless.watch_display import _TimeLeftColumn

    progress = Progress()
    column = _TimeLeftColumn()
    past = (datetime.now(UTC) - timedelta(seconds=5)).isoformat()
    due = progress.add_task("op_6", total=100, operation=operation(id="op_6", estimated_completion=past))
    ahead = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    later = progress.add_task("op_7", total=100, operation=operation(id="op_7", estimated_completion=ahead))
    tasks = {task.id: task for task in progress.tasks}
    assert column.render(tasks[due]).plain == "due now"
    assert column.render(tasks[later]).plain.endswith(" left")  # 59m59s or 1h00m, however fast this runs


def test_tracker_on_an_already_completed_operation_and_hostile_logs() -> None:
    tracker = OperationTracker("op_2")
    lines = said(
        tracker.update(operation("op_2", **BARE, status="completed", progress=100, logs=[log(3, HOSTILE_NAME)]), NOW)
    )
    assert lines[0] == "2026-11-28T12:00:00Z op_2 update_resource on res_1"
    assert lines[-1] == "2026-11-28T12:00:00Z op_2 completed"
    assert tracker.succeeded
    assert_no_raw_controls("\n".join(lines))
    assert "\\x1b]2;pwned" in lines[1]


def event(**fields) -> ChangeEvent:
    base = dict(kind=EventKind.RESOURCE_STATUS_CHANGED, at=NOW, subject_id="res_1", subject_name="web-1",
                project_id="proj_1", old="running", new="error", severity=Severity.ERROR,
                summary="web-1: running -> error")  # fmt: skip
    return ChangeEvent(**{**base, **fields})


def test_event_text_and_jsonl_lines() -> None:
    assert text_line(event()) == "2026-11-28T12:00:00Z resource.status_changed web-1: running -> error"
    assert text_line(event(summary="")) == "2026-11-28T12:00:00Z resource.status_changed web-1: running -> error"
    # a line read alone names the project: by its name when known, else the one the event carries, else its id
    named = "2026-11-28T12:00:00Z resource.status_changed checkout / web-1: running -> error"
    assert text_line(event(), project_label(event(), {"proj_1": "checkout"})) == named
    carried = event(kind=EventKind.OPERATION_COMPLETED, data={"project_name": "from-event"})
    assert project_label(carried, {}) == "from-event"
    assert project_label(event(), {}) == "proj_1"
    about_project = event(kind=EventKind.PROJECT_UPDATED, subject_id="proj_1", subject_name="checkout")
    assert project_label(about_project, {"proj_1": "checkout"}) is None, "a project event names it already"
    assert_no_raw_controls(text_line(event(), TITLE))  # a project name is made one safe line too
    hostile = event(summary=sanitize_text(f"{HOSTILE_NAME}\nsecond line"), data={"cost": Decimal("1.10")})
    line = text_line(hostile)
    assert "\n" not in line and "\\n" in line
    assert_no_raw_controls(line)
    raw = jsonl_line(hostile)
    assert "\n" not in raw
    assert_no_raw_controls(raw)
    decoded = json.loads(raw)
    assert decoded == {**hostile.to_json(), "data": {"cost": "1.10"}}
    assert ChangeEvent.from_json(decoded).summary == hostile.summary


@pytest.mark.parametrize(("text", "seconds"), [("90", 90), ("90s", 90), ("15m", 900), ("1h30m", 5400), ("2d", 172800)])
def test_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "abc", "1x", "-5", "0", "1h-3m", "nan"])
def test_bad_durations_say_what_is_accepted(text: str) -> None:
    with pytest.raises(ValueError, match="duration"):
        parse_duration(text)
