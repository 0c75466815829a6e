"""`cftui status`: one snapshot of the projects, as a table, plain text or JSON; usable as a monitoring check.

Exit codes: 0 nothing in `error`, 1 something in `error`, 2 the answer is not known (settings, key, API).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from cftui.headless.exit_codes import ExitCode

if TYPE_CHECKING:
    from cftui.config import Settings
    from cftui.headless.status_report import StatusReport


COMMAND = "status"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--project",
        action="append",
        default=[],
        metavar="NAME|ID",
        dest="projects",
        help="report only this project, with its resources (repeatable; an id or an exact name)",
    )
    parser.add_argument(
        "--problems",
        action="store_true",
        help="show only projects in trouble, each with its resources in error or in an unknown status",
    )
    parser.add_argument(
        "--archived",
        action="store_true",
        help="also report archived projects (left out by default, as on the dashboard; one named with --project "
        "is always reported)",
    )
    parser.add_argument(
        "-o",
        "--format",
        choices=("table", "json"),
        default="table",
        help="table (a rich table on a terminal, plain aligned text on a pipe) or json (schema cftui.status/1)",
    )


def run(args: argparse.Namespace) -> int:
    import asyncio

    from cftui.headless.output import say_error, silence_stdout
    from cftui.headless.session import CommandFailed, load_settings

    settings = load_settings(COMMAND, args)
    if settings is None:
        return ExitCode.FAILURE
    try:
        report = asyncio.run(_collect(settings, tuple(args.projects), args.problems, args.archived))
    except CommandFailed as failure:
        say_error(COMMAND, str(failure))
        return ExitCode.FAILURE
    try:
        _print(report, args.format)
    except BrokenPipeError:
        silence_stdout()
    return ExitCode.OK if report.healthy else ExitCode.TROUBLE


async def _collect(
    settings: Settings, wanted: tuple[str, ...], problems_only: bool, include_archived: bool
) -> StatusReport:
    """Two passes of the monitor: the project list (one request), then every resource of the selected projects (one
    request per page: 1 + N for N projects of one page). Archived projects are not listed unless asked for."""
    from datetime import UTC, datetime

    from cftui.api.errors import ApiError
    from cftui.headless.session import CommandFailed, api_failure, open_monitor, snapshot_failure
    from cftui.headless.status_report import UnknownProjects, build_report, select_projects

    try:
        async with open_monitor(settings) as monitor:
            first = await monitor.poll_once(others=False)
            if failure := snapshot_failure(first):
                raise CommandFailed(failure)
            assert first.projects is not None  # snapshot_failure says so otherwise
            selected = select_projects(first.projects.value, wanted, include_archived=include_archived)
            snapshot = await monitor.poll_once(tuple(p.id for p in selected), others=False, project_list=False)
            if failure := snapshot_failure(snapshot):
                raise CommandFailed(failure)
    except ApiError as error:
        raise CommandFailed(api_failure(error)) from None
    except UnknownProjects as error:
        raise CommandFailed(str(error)) from None
    missing = [p for p in selected if p.id not in snapshot.resources]
    if missing:
        raise CommandFailed(f"The resources of project {missing[0].id} could not be listed; try again.")
    return build_report(
        projects=list(selected),
        resources={pid: fetched.value for pid, fetched in snapshot.resources.items()},
        # --problems lists every problem resource, in every project (with --project: in those named)
        show_resources=bool(wanted) or problems_only,
        problems_only=problems_only,
        generated_at=datetime.now(UTC),
        api_url=settings.api_url,
        api_version=snapshot.api_version,
    )


def _print(report: StatusReport, output_format: str) -> None:
    import json
    import sys

    from cftui.headless.output import is_terminal
    from cftui.headless.status_render import render_plain, render_rich, report_json

    if output_format == "json":
        sys.stdout.write(json.dumps(report_json(report), ensure_ascii=False, indent=2) + "\n")
    elif is_terminal():
        from rich.console import Console

        render_rich(report, Console(highlight=False))
    else:
        sys.stdout.write(render_plain(report) + "\n")
    sys.stdout.flush()
