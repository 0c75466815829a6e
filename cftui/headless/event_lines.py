"""One line per change event: `<time> <kind> <summary>` for people, `ChangeEvent.to_json()` for tools."""

from __future__ import annotations

import json
from typing import Any

from cftui.api.sanitize import one_line, sanitize_text
from cftui.headless.output import format_time
from cftui.monitor.events import ChangeEvent


def event_summary(event: ChangeEvent) -> str:
    if event.summary:
        return event.summary
    if event.old is not None or event.new is not None:
        return f"{event.subject_name or event.subject_id}: {event.old or '-'} -> {event.new or '-'}"
    return event.subject_name or event.subject_id


def text_line(event: ChangeEvent) -> str:
    return f"{format_time(event.at)} {event.kind.value} {one_line(event_summary(event))}"


def _json_default(value: Any) -> str:
    # event data may hold Decimals (costs, exact) or datetimes: both travel as strings
    if hasattr(value, "isoformat"):
        return format_time(value)
    return sanitize_text(str(value))


def jsonl_line(event: ChangeEvent) -> str:
    """One JSON object on one line; strings are sanitised already, and JSON escapes any control left."""
    return json.dumps(event.to_json(), ensure_ascii=False, separators=(",", ":"), default=_json_default)
