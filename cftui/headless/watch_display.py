"""How `cftui watch` shows operations: a live rich progress display on a terminal, plain lines on a pipe.

Both take the same calls: `show(operation, now, new_lines)` after every poll (with the log lines the monitor
delivered with it) and `note(sentence)` for trouble on the way (rate limits, outages), which goes to stderr.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from types import TracebackType
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, Progress, ProgressColumn, Task, TaskID
from rich.table import Column
from rich.text import Text

from cftui.api.models import Operation, OperationLog
from cftui.api.sanitize import one_line
from cftui.headless.output import format_time, say_error, silence_stdout
from cftui.headless.session import CommandFailed
from cftui.headless.watch_track import OperationTracker, describe_end, failure_reason, left_words
from cftui.monitor.operations import time_left

STATE_WIDTH = 16  # a failure's reason beyond this ends in … on the bar (a line above it carries it whole)
END_STYLES = {"completed": "bold green", "failed": "bold red", "cancelled": "bold yellow"}


class PlainWatchDisplay:
    """One line per change on stdout (plain text, or JSON Lines with `jsonl`), flushed at once (CI logs show it
    live)."""

    def __init__(
        self,
        trackers: dict[str, OperationTracker],
        command: str = "watch",
        out: TextIO | None = None,
        output_format: str = "text",
    ):
        self.trackers = trackers
        self.command = command
        self.out = sys.stdout if out is None else out
        self.jsonl = output_format == "jsonl"

    def __enter__(self) -> PlainWatchDisplay:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def show(self, operation: Operation, now: datetime, new_lines: tuple[OperationLog, ...]) -> None:
        records = self.trackers[operation.id].update(operation, now, new_lines)
        lines = [_json_line(r.to_json()) if self.jsonl else r.plain() for r in records]
        if lines:
            try:
                self.out.write("".join(line + "\n" for line in lines))
                self.out.flush()
            except BrokenPipeError:
                silence_stdout()
                raise CommandFailed("stdout was closed, so cftui stopped following (outcome not known).") from None

    def note(self, sentence: str) -> None:
        say_error(self.command, sentence)


def _json_line(body: dict[str, object]) -> str:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


class _FieldColumn(ProgressColumn):
    """A column drawn from one task field, always as `Text`, so API text is never read as markup. With
    `max_width` longer text ends in `…` rather than wrapping: a bar stays one row, even at 80 columns."""

    def __init__(self, field_name: str, style_field: str | None = None, *, max_width: int | None = None) -> None:
        super().__init__(table_column=Column(no_wrap=True, overflow="ellipsis", max_width=max_width))
        self.field_name = field_name
        self.style_field = style_field

    def render(self, task: Task) -> Text:
        style = task.fields.get(self.style_field, "") if self.style_field else ""
        return Text(str(task.fields.get(self.field_name, "")), style=style, no_wrap=True, overflow="ellipsis")


class _TimeLeftColumn(ProgressColumn):
    """Counts down to the API's `estimated_completion` (rich's own estimate knows nothing of it)."""

    def render(self, task: Task) -> Text:
        operation: Operation | None = task.fields.get("operation")
        left = None if task.finished or operation is None else time_left(operation, datetime.now(UTC))
        if left is None:
            return Text("")
        return Text(left_words(left.total_seconds()), style="cyan")


class LiveWatchDisplay:
    """A rich `Progress` with one bar per operation; log lines are printed above it as they arrive."""

    def __init__(self, trackers: dict[str, OperationTracker], console: Console, command: str = "watch") -> None:
        self.trackers = trackers
        self.console = console
        self.command = command
        narrow = console.width < 100
        bar_width = 12 if narrow else 30
        # what the other columns take at most: bar, "100%", state, "4m05s left", and the gaps between them
        others = bar_width + 4 + STATE_WIDTH + 10 + 4
        self.progress = Progress(
            _FieldColumn("label", max_width=max(16, console.width - others)),
            BarColumn(bar_width=bar_width),
            _FieldColumn("percent"),
            _FieldColumn("state", style_field="state_style", max_width=STATE_WIDTH),
            _TimeLeftColumn(),
            console=console,
            refresh_per_second=2,  # gentle on a slow SSH link; the countdown only needs seconds
            transient=False,
        )
        self.tasks: dict[str, TaskID] = {
            op_id: self.progress.add_task(
                "", total=100, label=one_line(op_id), percent="", state="waiting", state_style="dim", operation=None
            )
            for op_id in trackers
        }

    def __enter__(self) -> LiveWatchDisplay:
        self.progress.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None):
        if exc_type is not None:
            # ended early (an unknown id, a refused key): a "waiting" bar that never got an answer says nothing,
            # and would sit above the error sentence; bars that did get an answer stay, as a record
            for op_id, tracker in self.trackers.items():
                if tracker.last is None:
                    self.progress.remove_task(self.tasks[op_id])
            if not self.progress.tasks:
                self.progress.live.transient = True  # stop() then erases the display instead of leaving it
        self.progress.stop()

    def show(self, operation: Operation, now: datetime, new_lines: tuple[OperationLog, ...]) -> None:
        tracker = self.trackers[operation.id]
        for log in new_lines:
            stamp = format_time(log.timestamp or now)
            line = Text.assemble((stamp, "dim"), " ", (one_line(operation.id), "bold"), " ", one_line(log.message))
            self.progress.console.print(line)
        reason = failure_reason(operation) if operation.status != "completed" else None
        if reason and operation.is_finished and not tracker.finished:  # whole here; the bar's state may cut it
            stamp = format_time(now)
            said = one_line(describe_end(operation))
            self.progress.console.print(Text.assemble((stamp, "dim"), " ", (one_line(operation.id), "bold"), " ", said))
        tracker.last = operation
        name = tracker.name
        target = one_line(name.resource_name) if name else one_line(operation.resource_id or "")
        label = f"{one_line(operation.id)} {one_line(operation.type)}" + (f" {target}" if target else "")
        status = describe_end(operation) if operation.is_finished else operation.status
        self.progress.update(
            self.tasks[operation.id],
            completed=100 if operation.status == "completed" else operation.clamped_progress,
            label=label,
            percent=f"{operation.clamped_progress:3d}%",
            state=one_line(status),
            state_style=END_STYLES.get(operation.status, "yellow"),
            operation=operation,
        )

    def note(self, sentence: str) -> None:
        # Live redirects stderr above the display, so the note neither tears the bars nor hides in them.
        say_error(self.command, sentence)
