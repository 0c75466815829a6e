"""Checks of the documented JSON shapes (docs/headless.md), field by field."""

from __future__ import annotations

import re
from typing import Any

CENTS = re.compile(r"^-?\d+\.\d\d$")
UTC_SECOND = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
PROJECT_FIELDS = {"id", "name", "status", "resource_count", "by_status", "problems", "errors", "monthly_cost"}
RESOURCE_FIELDS = {"id", "name", "type", "category", "status", "problem", "provider", "region", "monthly_cost",
                   "operation_id"}  # fmt: skip


def _money(value: Any) -> None:
    assert value is None or (isinstance(value, str) and CENTS.match(value)), value


def check_status_document(body: dict[str, Any], *, with_resources: bool) -> None:
    assert set(body) == {"schema", "generated_at", "api_url", "api_version", "healthy", "error_count",
                         "problem_count", "problems_only", "projects"}  # fmt: skip
    assert body["schema"] == "cftui.status/1"
    assert UTC_SECOND.match(body["generated_at"])
    assert isinstance(body["healthy"], bool) and body["healthy"] == (body["error_count"] == 0)
    assert isinstance(body["api_version"], str | None)
    for project in body["projects"]:
        expected = PROJECT_FIELDS | ({"resources"} if with_resources else set())
        assert set(project) == expected, set(project) ^ expected
        assert isinstance(project["id"], str) and isinstance(project["name"], str)
        assert sum(project["by_status"].values()) == project["resource_count"]
        assert project["errors"] == project["by_status"].get("error", 0) <= project["problems"]
        _money(project["monthly_cost"])
        for resource in project.get("resources", ()):
            assert set(resource) == RESOURCE_FIELDS
            assert isinstance(resource["problem"], bool)
            _money(resource["monthly_cost"])
    if not body["problems_only"]:
        assert body["error_count"] == sum(p["errors"] for p in body["projects"])
        assert body["problem_count"] == sum(p["problems"] for p in body["projects"])


EVENT_FIELDS = {"kind", "at", "subject_id", "subject_name", "project_id", "old", "new", "severity", "summary", "data"}
EVENT_FIELDS |= {"source"}  # "poll" or "push" (docs/push.md)
UTC_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
MONEY_KINDS = {"cost.changed", "cost.threshold_exceeded"}


def check_event_line(event: dict[str, Any]) -> None:
    """One line of `cftui events --format jsonl` (docs/headless.md, JSON Lines schema)."""
    assert set(event) == EVENT_FIELDS, set(event) ^ EVENT_FIELDS
    assert isinstance(event["kind"], str) and UTC_TIME.match(event["at"]), event
    assert isinstance(event["subject_id"], str) and isinstance(event["subject_name"], str)
    assert isinstance(event["project_id"], str | None)
    assert event["severity"] in {"info", "warning", "error"}
    assert isinstance(event["summary"], str) and isinstance(event["data"], dict)
    assert event["source"] in {"poll", "push"}
    for side in ("old", "new"):
        assert isinstance(event[side], str | None)
        if event["kind"] in MONEY_KINDS:
            _money(event[side])  # amounts: exact, two decimals
    if "threshold" in event["data"]:
        _money(event["data"]["threshold"])


WATCH_FIELDS = {"schema", "at", "event", "operation_id", "type", "status", "progress", "resource_id", "resource_name",
                "project_id", "project_name", "message", "seconds_left"}  # fmt: skip


def check_watch_line(record: dict[str, Any]) -> None:
    """One line of `cftui watch --format jsonl` (docs/headless.md, schema cftui.watch/1)."""
    assert set(record) == WATCH_FIELDS, set(record) ^ WATCH_FIELDS
    assert record["schema"] == "cftui.watch/1" and UTC_SECOND.match(record["at"]), record
    assert record["event"] in {"seen", "status", "log", "progress", "end"}
    for name in ("operation_id", "type", "status"):
        assert isinstance(record[name], str)
    for name in ("resource_id", "resource_name", "project_id", "project_name", "message"):
        assert isinstance(record[name], str | None)
    assert record["progress"] is None or isinstance(record["progress"], int)
    assert record["seconds_left"] is None or (isinstance(record["seconds_left"], int) and record["seconds_left"] >= 0)
    if record["event"] == "log":
        assert isinstance(record["message"], str)
