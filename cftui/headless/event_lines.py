"""One line per change event: `<time> <kind> <summary>` for people, `ChangeEvent.to_json()` for tools."""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from cftui.api.sanitize import one_line, sanitize_text
from cftui.headless.output import format_time
from cftui.monitor.events import ChangeEvent, EventKind
from cftui.monitor.summaries import money_json


def event_summary(event: ChangeEvent) -> str:
    if event.summary:
        return event.summary
    if event.old is not None or event.new is not None:
        return f"{event.subject_name or event.subject_id}: {event.old or '-'} -> {event.new or '-'}"
    return event.subject_name or event.subject_id


def names_a_project(event: ChangeEvent) -> bool:
    """Whether a text line should say which project: not when the event is about the project itself."""
    return event.project_id is not None and event.subject_id != event.project_id


def project_label(event: ChangeEvent, names: Mapping[str, str]) -> str | None:
    """The project's name as known (from the project list, or carried by the event), else its id."""
    if not names_a_project(event):
        return None
    assert event.project_id is not None
    carried = event.data.get("project_name")
    return names.get(event.project_id) or (carried if isinstance(carried, str) and carried else event.project_id)


def text_line(event: ChangeEvent, project: str | None = None) -> str:
    """`<time> <kind> [<project> / ]<summary>[ (pushed)]`: a line read alone says where the change happened."""
    where = f"{one_line(project)} / " if project else ""
    pushed = " (pushed)" if event.source == "push" else ""  # told by a webhook delivery before polling saw it
    return f"{format_time(event.at)} {event.kind.value} {where}{one_line(event_summary(event))}{pushed}"


MONEY_KINDS = frozenset({EventKind.COST_CHANGED, EventKind.COST_THRESHOLD_EXCEEDED})  # old/new are amounts


def _json_default(value: Any) -> str | None:
    # event data may hold Decimals (costs, exact) or datetimes: both travel as strings
    if hasattr(value, "isoformat"):
        return format_time(value)
    if isinstance(value, Decimal):
        return money_json(value)
    return sanitize_text(str(value))


def _as_money(text: Any) -> Any:
    """An amount written by an older cftui ("25779.8") in the one JSON money format ("25779.80")."""
    try:
        return money_json(Decimal(str(text))) if text is not None else None
    except InvalidOperation:
        return text


def jsonl_line(event: ChangeEvent) -> str:
    """One JSON object on one line; strings are sanitised already, and JSON escapes any control left. Amounts
    are strings with two decimals, also in events replayed from a history written before that was so."""
    body = event.to_json()
    if event.kind in MONEY_KINDS:
        body["old"], body["new"] = _as_money(event.old), _as_money(event.new)
        if "threshold" in body["data"]:
            body["data"] = {**body["data"], "threshold": _as_money(body["data"]["threshold"])}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), default=_json_default)
