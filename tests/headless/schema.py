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
