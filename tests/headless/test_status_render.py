"""`cftui status` rendering on constructed snapshots: JSON schema, plain text, rich table, --problems."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime

import pytest
from rich.console import Console

from cftui.headless.status_render import SCHEMA, render_plain, render_rich, report_json
from cftui.headless.status_report import UnknownProjects, build_report, select_projects
from tests.builders import project, resource
from tests.hostile import HOSTILE_NAME, MARKUP, assert_no_raw_controls

NOW = datetime(2026, 11, 28, 12, 0, 0, tzinfo=UTC)


def make_report(*, errors: int = 1, show: bool = True, problems_only: bool = False, name: str = "prod"):
    prod = project("proj_1", name, cost="1234.5")
    calm = project("proj_2", "calm", cost=10)
    prod_resources = [resource("res_ok", "web-ok"), resource("res_hib", status="hibernating")]
    prod_resources += [resource(f"res_err{i}", f"db-{i}", status="error", cost=0.1) for i in range(errors)]
    return build_report(
        projects=[prod, calm],
        resources={"proj_1": prod_resources, "proj_2": [resource("res_c", status="stopped")]},
        show_resources=show,
        problems_only=problems_only,
        generated_at=NOW,
        api_url="http://127.0.0.1:1/v2",
    )


def test_json_schema_counts_and_exact_cents() -> None:
    body = report_json(make_report(errors=2))
    assert body["schema"] == SCHEMA == "cftui.status/1"
    assert body["generated_at"] == "2026-11-28T12:00:00Z"
    assert body["healthy"] is False and body["error_count"] == 2 and body["problem_count"] == 3
    calm, prod = body["projects"]  # sorted by name
    assert prod["monthly_cost"] == "1234.50" and calm["monthly_cost"] == "10.00"
    assert prod["by_status"] == {"running": 1, "error": 2, "hibernating": 1}
    assert prod["resource_count"] == sum(prod["by_status"].values()) == 4
    assert prod["problems"] == 3 and prod["errors"] == 2
    first = prod["resources"][0]
    assert set(first) == {"id", "name", "type", "category", "status", "problem", "provider", "region",
                          "monthly_cost", "operation_id"}  # fmt: skip
    assert first["problem"] is True and first["monthly_cost"] == "0.10"
    json.dumps(body)  # serialisable as is


def test_resources_only_with_project_and_problems_filter() -> None:
    assert "resources" not in report_json(make_report(show=False))["projects"][0]
    body = report_json(make_report(problems_only=True))
    assert [p["id"] for p in body["projects"]] == ["proj_1"]
    assert {r["id"] for r in body["projects"][0]["resources"]} == {"res_err0", "res_hib"}


def test_healthy_when_nothing_in_error_even_with_unknown_status() -> None:
    report = make_report(errors=0)
    assert report.healthy and report_json(report)["problem_count"] == 1
    assert "healthy" in render_plain(report).splitlines()[-1]


def test_select_projects_by_id_or_name_and_unknown() -> None:
    projects = [project("proj_1", "prod"), project("proj_2", "calm")]
    assert [p.id for p in select_projects(projects, ["calm"])] == ["proj_2"]
    assert [p.id for p in select_projects(projects, ["proj_1", "calm"])] == ["proj_1", "proj_2"]
    with pytest.raises(UnknownProjects, match="'nope'"):
        select_projects(projects, ["prod", "nope"])


def test_plain_text_is_aligned_and_inert() -> None:
    text = render_plain(make_report(name=HOSTILE_NAME))
    assert_no_raw_controls(text)
    assert "\\x1b]2;pwned\\x07" in text and MARKUP in text  # shown, not obeyed
    lines = text.splitlines()
    header = next(line for line in lines if line.startswith("PROJECT"))
    calm_row = next(line for line in lines if line.startswith("calm"))
    assert calm_row.index("proj_2") == header.index("ID")
    assert lines[-1] == "TROUBLE: 1 resource in error"


def test_rich_table_draws_api_text_literally() -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=200, color_system="truecolor")
    render_rich(make_report(name=HOSTILE_NAME), console)
    out = buffer.getvalue()
    assert "┃" in out or "│" in out  # a table was drawn
    assert_no_raw_controls(out, allow_sgr=True)
    assert MARKUP in out  # not parsed as markup
    assert "\\x1b]2;pwned" in out
    assert "TROUBLE: 1 resource in error" in out
