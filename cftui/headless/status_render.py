"""`cftui status` output: JSON (schema `cftui.status/1`), plain aligned text, or a rich table on a terminal."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from cftui.api.models import Project, Resource
from cftui.api.sanitize import one_line
from cftui.headless.output import fit_cell, format_money, format_time, plain_table
from cftui.headless.status_report import ProjectReport, StatusReport, shown_resources
from cftui.monitor.summaries import money
from cftui.text import STATUS_GLYPHS  # the dashboard's glyphs

SCHEMA = "cftui.status/1"
STATUS_STYLES = {"running": "green", "active": "green", "stopped": "dim", "pending": "yellow",
                 "provisioning": "yellow", "archived": "dim", "error": "bold red"}  # fmt: skip
UNKNOWN_STATUS_STYLE = "magenta"  # a status the reference does not know: worth a look, not an error
PROJECT_HEADERS = ("PROJECT", "ID", "STATUS", "RESOURCES", "BY STATUS", "PROBLEMS", "MONTHLY COST")
RESOURCE_HEADERS = ("RESOURCE", "ID", "TYPE", "STATUS", "PROVIDER", "REGION", "MONTHLY COST", "OPERATION")


# --- JSON -----------------------------------------------------------------------------------------------


def resource_json(resource: Resource) -> dict[str, Any]:
    return {
        "id": resource.id,
        "name": resource.name,
        "type": resource.type,
        "category": resource.category,
        "status": resource.status,
        "problem": resource.is_problem,
        "provider": resource.provider,
        "region": resource.region,
        "monthly_cost": format_money(resource.monthly_cost),
        "operation_id": resource.operation_id,
    }


def project_json(report: ProjectReport, problems_only: bool) -> dict[str, Any]:
    project = report.project
    body: dict[str, Any] = {
        "id": project.id,
        "name": project.name,
        "status": project.status,
        "resource_count": report.resource_count,
        "by_status": dict(report.by_status) if report.by_status is not None else None,
        "problems": report.problems,
        "errors": report.errors,
        "monthly_cost": format_money(project.monthly_cost),
    }
    if report.show_resources:
        body["resources"] = [resource_json(r) for r in shown_resources(report, problems_only)]
    return body


def report_json(report: StatusReport) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "generated_at": format_time(report.generated_at),
        "api_url": report.api_url,
        "api_version": report.api_version,
        "healthy": report.healthy,
        "error_count": report.error_count,
        "problem_count": report.problem_count,
        "problems_only": report.problems_only,
        "projects": [project_json(p, report.problems_only) for p in report.projects],
    }


# --- shared wording -----------------------------------------------------------------------------------


def by_status_text(report: ProjectReport) -> str:
    if report.by_status is None:
        return "unknown"
    return ", ".join(f"{status} {count}" for status, count in report.by_status.items()) or "none"


def verdict(report: StatusReport) -> str:
    if report.healthy:
        extra = f"; {report.problem_count} in an unknown status" if report.problem_count else ""
        return f"healthy: no resource in error{extra}"
    noun = "resource" if report.error_count == 1 else "resources"
    return f"TROUBLE: {report.error_count} {noun} in error"


def _count(value: int | None) -> str:
    return "-" if value is None else str(value)


def _money(project_or_resource: Project | Resource) -> str:
    if project_or_resource.cost_invalid:
        return "invalid"  # the API sent a cost no bill can have (non-finite, negative, absurd)
    return format_money(project_or_resource.monthly_cost) or "-"


def _heading(report: StatusReport) -> str:
    return f"CloudForge status at {format_time(report.generated_at)} from {one_line(report.api_url)}"


# --- plain text (a pipe: no colour, no box drawing) -----------------------------------------------------


def render_plain(report: StatusReport) -> str:
    rows = [
        (p.project.name, p.project.id, p.project.status, _count(p.resource_count), by_status_text(p),
         str(p.problems), _money(p.project))
        for p in report.projects
    ]  # fmt: skip
    parts = [_heading(report), ""]
    if rows:
        parts.append(plain_table(PROJECT_HEADERS, rows, right_aligned=frozenset({3, 5, 6})))
    else:
        parts.append("no projects in trouble" if report.problems_only else "no projects")
    for project in report.projects:
        resources = shown_resources(project, report.problems_only)
        if not project.show_resources:
            continue
        parts += ["", f"resources of {fit_cell(project.project.name)} ({fit_cell(project.project.id)}):"]
        if resources:
            parts.append(plain_table(RESOURCE_HEADERS, [_resource_row(r) for r in resources], frozenset({6})))
        else:
            parts.append("  none in trouble" if report.problems_only else "  none")
    parts += ["", verdict(report)]
    return "\n".join(parts)


def _resource_row(resource: Resource) -> tuple[str, ...]:
    return (resource.name, resource.id, resource.type, resource.status, resource.provider or "-",
            resource.region or "-", _money(resource), resource.operation_id or "-")  # fmt: skip


# --- rich (a terminal): every API string is a Text, so nothing from the API is read as markup ------------


def _status_text(status: str) -> Text:
    return Text(status, style=STATUS_STYLES.get(status, UNKNOWN_STATUS_STYLE))


def compact_by_status(report: ProjectReport) -> Text:
    """`95● 2■ 3✖`: counts with the dashboard's glyphs (a status without one keeps its word: `1 degraded`)."""
    if report.by_status is None:
        return Text("unknown", style="dim")
    parts = []
    # errors first: when the cell is cut at the right, what matters most is still there
    ordered = sorted(report.by_status.items(), key=lambda item: item[0] != "error")
    for status, count in ordered:
        glyph = STATUS_GLYPHS.get(status)
        label = f"{count}{glyph}" if glyph else f"{count} {status}"
        parts.append(Text(label, style=STATUS_STYLES.get(status, UNKNOWN_STATUS_STYLE)))
    return Text(" ").join(parts) if parts else Text("none", style="dim")


def _legend(report: StatusReport) -> Text:
    """The glyphs used in the table, each with its word (so the table reads without colour too)."""
    seen = {status for p in report.projects for status in (p.by_status or {}) if status in STATUS_GLYPHS}
    words = [f"{glyph} {status}" for status, glyph in STATUS_GLYPHS.items() if status in seen]
    return Text("  ".join(words), style="dim")


def _rich_cost(subject: Project | Resource) -> str:
    return "invalid" if subject.cost_invalid else money(subject.monthly_cost, missing="-")


WIDE_TABLE = 100  # from this many columns the table also shows project ids and whole header words


def projects_table(report: StatusReport, width: int = WIDE_TABLE) -> Table:
    """One line per project: the name and the counts by status are cut with "…" rather than wrapped, and share
    what the fixed columns leave. Below WIDE_TABLE columns the ids are left out (a name works with `--project`
    too) so that 80 columns hold a row."""
    wide = width >= WIDE_TABLE
    rows = [
        (Text(p.project.name), Text(p.project.id), _status_text(p.project.status), Text(_count(p.resource_count)),
         compact_by_status(p), Text(str(p.problems), style="bold red" if p.problems else "green"),
         Text(_rich_cost(p.project)))
        for p in report.projects
    ]  # fmt: skip
    headers = ("Project", "ID", "Status", "Resources" if wide else "Res", "By status",
               "Problems" if wide else "Prob", "Monthly cost")  # fmt: skip
    natural = [max([len(h), *(row[i].cell_len for row in rows)]) for i, h in enumerate(headers)]
    shown = [i for i in range(len(headers)) if wide or i != 1]
    # each column is followed by one cell of padding, and columns are parted by the box's (blank) rule
    fixed = sum(natural[i] for i in shown if i not in (0, 4)) + 2 * len(shown) - 1
    name_width, by_status_width = _share(max(0, width - fixed), natural[0], natural[4])
    table = Table(
        title=Text(_heading(report)), title_justify="left", caption=_legend(report), caption_justify="left",
        box=box.SIMPLE_HEAD, show_edge=False, expand=False, padding=(0, 1, 0, 0),
    )  # fmt: skip
    for i in shown:
        flexible = {0: name_width, 4: by_status_width}.get(i)
        table.add_column(headers[i], justify="right" if i in (3, 5, 6) else "left", no_wrap=True,
                         overflow="ellipsis", width=flexible if flexible is not None else natural[i])  # fmt: skip
    for row in rows:
        table.add_row(*(row[i] for i in shown))
    return table


def _share(room: int, name: int, by_status: int) -> tuple[int, int]:
    """Widths for the name and by-status columns: both whole when they fit, else cut in proportion (3:2), each at
    least 8 cells wide (the table is then wider than the terminal rather than unreadable)."""
    name, by_status = min(name, 40), by_status
    if name + by_status <= room:
        return name, by_status
    name_share = max(8, min(name, room * 3 // 5))
    return name_share, max(8, min(by_status, room - name_share))


def resources_table(project: ProjectReport, problems_only: bool) -> Table:
    title = Text.assemble("Resources of ", Text(project.project.name, style="bold"), f" ({project.project.id})")
    table = Table(title=title, title_justify="left")
    for header, justify in (("Resource", "left"), ("ID", "left"), ("Type", "left"), ("Status", "left"),
                            ("Provider", "left"), ("Region", "left"), ("Monthly cost", "right"),
                            ("Operation", "left")):  # fmt: skip
        table.add_column(header, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for r in shown_resources(project, problems_only):
        cost = Text(_rich_cost(r))
        table.add_row(Text(r.name), Text(r.id), Text(r.type), _status_text(r.status), Text(r.provider or "-"),
                      Text(r.region or "-"), cost, Text(r.operation_id or "-"))  # fmt: skip
    return table


def render_rich(report: StatusReport, console: Console) -> None:
    parts: list[Any] = [projects_table(report, console.width)]
    parts += [resources_table(p, report.problems_only) for p in report.projects if p.show_resources]
    parts.append(Text(verdict(report), style="green" if report.healthy else "bold red"))
    console.print(Group(*parts))
