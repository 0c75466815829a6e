"""Property tests: whatever text the API sends, nothing that reaches a terminal can act on it.

Hypothesis builds payloads that mix the simulator's known hostile pieces (escape sequences, C1 controls, bidi
overrides, Rich/Textual markup, wide characters) with arbitrary Unicode, and pushes them through each layer:
the sanitiser, the tolerant models, the monitor's change detection, the shared text helpers and the headless
line formats.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from rich.console import Console
from rich.text import Text

from cftui.api.models import Project, Resource
from cftui.api.sanitize import one_line, sanitize_text, sanitize_tree
from cftui.headless.event_lines import jsonl_line, text_line
from cftui.monitor.diff import ChangeTracker
from cftui.monitor.events import ChangeEvent, EventKind
from cftui.ui.format import operation_badge, status_badge, truncate
from tests.hostile import UNSAFE_CHARS, UNSAFE_IN_ONE_LINE, hostile_text

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)

json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), hostile_text())
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(hostile_text(), children, max_size=4)),
    max_leaves=20,
)


def all_strings(value: Any) -> list[str]:
    """Every string in a decoded JSON value or model dump, dictionary keys included."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for key, item in value.items() for s in (*all_strings(key), *all_strings(item))]
    if isinstance(value, list | tuple):
        return [s for item in value for s in all_strings(item)]
    return []


def resource_payload(name: str, status: str, extra: Any, resource_id: str = "res_1") -> dict[str, Any]:
    return {
        "id": resource_id,
        "type": name,
        "name": name,
        "status": status,
        "provider": name,
        "region": name,
        "configuration": {name: extra, "size": "12"},
        "tags": {name: name},
        "monthly_cost": "12.50",
        "x_unknown": extra,
    }


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_sanitised_json_holds_no_unsafe_character(value: Any) -> None:
    for text in all_strings(sanitize_tree(value)):
        assert not UNSAFE_CHARS.search(text), repr(text)


@given(hostile_text())
def test_sanitising_keeps_what_a_person_needs_to_see(text: str) -> None:
    cleaned = sanitize_text(text)
    assert not UNSAFE_CHARS.search(cleaned)
    # visible escapes, not silent deletion: every unsafe character leaves a trace of its own
    assert len(cleaned) >= len(text)
    assert not UNSAFE_IN_ONE_LINE.search(one_line(text))


@settings(max_examples=200, deadline=None)
@given(hostile_text(), hostile_text(), json_values)
def test_models_from_hostile_payloads_are_safe_or_refused(name: str, status: str, extra: Any) -> None:
    raw = sanitize_tree(resource_payload(name, status, extra))
    try:
        resource = Resource.model_validate(raw)
    except ValidationError:
        return  # refused is fine: the client turns it into a MalformedResponse, never a crash
    for text in all_strings(resource.model_dump(mode="json")):
        assert not UNSAFE_CHARS.search(text), repr(text)


@settings(max_examples=200, deadline=None)
@given(hostile_text(), hostile_text(), hostile_text())
def test_monitor_events_about_hostile_resources_are_safe(name: str, old_status: str, new_status: str) -> None:
    """The change detector's summaries and fields, built from sanitised models, stay safe in both line formats."""
    tracker = ChangeTracker()
    project = Project.model_validate(sanitize_tree({"id": "proj_1", "name": name, "status": "active"}))
    tracker.observe_projects([project], NOW)
    tracker.set_tracked(["proj_1"])
    before = Resource.model_validate(sanitize_tree(resource_payload(name, old_status, None)))
    new_status = new_status if new_status != old_status else f"{new_status}~"
    after = Resource.model_validate(sanitize_tree(resource_payload(name, new_status, None)))
    tracker.observe_resources("proj_1", [before], NOW)
    events = tracker.observe_resources("proj_1", [after], NOW)
    assert events, "a status change must be reported"
    for event in events:
        assert not UNSAFE_IN_ONE_LINE.search(text_line(event))
        line = jsonl_line(event)
        assert "\n" not in line and not UNSAFE_CHARS.search(line)
        assert not UNSAFE_CHARS.search(json.dumps(json.loads(line), ensure_ascii=False))


@given(hostile_text())
def test_text_helpers_flatten_hostile_statuses(status: str) -> None:
    safe = sanitize_text(status)
    for shown in (status_badge(safe), operation_badge(safe), truncate(one_line(safe), 12)):
        assert not UNSAFE_IN_ONE_LINE.search(shown), repr(shown)


@settings(max_examples=100, deadline=None)
@given(hostile_text())
def test_rich_text_of_api_strings_is_never_markup(name: str) -> None:
    """The way the front ends show API text (`rich.text.Text`) prints it literally, brackets and all."""
    safe = one_line(name)
    console = Console(width=400, record=True, color_system=None, force_terminal=False, legacy_windows=False)
    console.print(Text(safe), end="", soft_wrap=True)
    assert console.export_text().strip() == safe.strip()


def test_hostile_event_built_by_hand_is_flattened_by_the_text_format() -> None:
    """Even an event that skipped the client (a bug elsewhere) cannot put a raw escape on a text line."""
    event = ChangeEvent(
        kind=EventKind.RESOURCE_STATUS_CHANGED,
        at=NOW,
        subject_id="res_1",
        subject_name="\x1b]2;pwned\x07",
        old="running",
        new="error",
        summary="web \x1b[2J [bold red]x[/]\u202e",
        data={"cost": Decimal("1.50")},
    )
    line = text_line(event)
    assert "\x1b" not in line and "\u202e" not in line
    assert "[bold red]x[/]" in line  # shown literally, not interpreted
