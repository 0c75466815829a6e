"""What `cftui status` reports, as plain values built from a monitor snapshot (no I/O, no rendering)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from cftui.api.models import RESOURCE_STATUSES, Project, Resource

ERROR_STATUS = "error"


@dataclass(frozen=True, slots=True)
class ProjectReport:
    project: Project
    resources: tuple[Resource, ...] | None  # every resource listed; None when they could not be listed
    by_status: Mapping[str, int] | None
    problems: int  # resources in `error` or in a status the reference does not know
    errors: int  # resources in `error`
    show_resources: bool  # named with --project: its resources are part of the report

    @property
    def resource_count(self) -> int | None:
        # counted from the listing, so that it always equals the sum of by_status
        return len(self.resources) if self.resources is not None else self.project.resource_count

    @property
    def in_trouble(self) -> bool:
        return self.problems > 0


@dataclass(frozen=True, slots=True)
class StatusReport:
    generated_at: datetime
    api_url: str
    api_version: str | None
    projects: tuple[ProjectReport, ...]  # what is shown (after --problems)
    error_count: int  # resources in `error` across the selection (before --problems)
    problem_count: int
    problems_only: bool

    @property
    def healthy(self) -> bool:
        return self.error_count == 0


class UnknownProjects(LookupError):
    """`--project` named something that is neither a project id nor a project name."""

    def __init__(self, wanted: Sequence[str]) -> None:
        self.wanted = tuple(wanted)
        names = ", ".join(repr(w) for w in self.wanted)
        super().__init__(f"no project has the id or name {names}; run `cftui status` to see them all")


def select_projects(
    projects: Iterable[Project], wanted: Sequence[str], *, include_archived: bool = True
) -> tuple[Project, ...]:
    """The projects named by id or exact name (a name shared by several selects them all), in listing order.
    With none named: all of them, archived ones only with `include_archived` (a project named is always kept)."""
    projects = tuple(projects)
    if not wanted:
        return projects if include_archived else tuple(p for p in projects if not p.is_archived)
    missing = [w for w in wanted if not any(w in (p.id, p.name) for p in projects)]
    if missing:
        raise UnknownProjects(missing)
    return tuple(p for p in projects if p.id in wanted or p.name in wanted)


def status_order(statuses: Iterable[str]) -> list[str]:
    """Known statuses in the reference's order, then any others alphabetically."""
    known = [s for s in RESOURCE_STATUSES if s in statuses]
    return known + sorted(s for s in set(statuses) if s not in RESOURCE_STATUSES)


def _resource_sort_key(resource: Resource) -> tuple[bool, str, str]:
    return (not resource.is_problem, resource.name.casefold(), resource.id)


def project_report(project: Project, resources: Sequence[Resource] | None, show_resources: bool) -> ProjectReport:
    if resources is None:
        return ProjectReport(project, None, None, 0, 0, show_resources)
    counts = Counter(r.status for r in resources)
    by_status = {status: counts[status] for status in status_order(counts)}
    return ProjectReport(
        project=project,
        resources=tuple(sorted(resources, key=_resource_sort_key)),
        by_status=by_status,
        problems=sum(1 for r in resources if r.is_problem),
        errors=counts.get(ERROR_STATUS, 0),
        show_resources=show_resources,
    )


def build_report(
    *,
    projects: Sequence[Project],
    resources: Mapping[str, Sequence[Resource]],
    show_resources: bool,
    problems_only: bool,
    generated_at: datetime,
    api_url: str,
    api_version: str | None = None,
) -> StatusReport:
    """`projects` is the selection; `resources` maps project id to every resource listed for it."""
    reports = [project_report(p, resources.get(p.id), show_resources) for p in projects]
    reports.sort(key=lambda r: (r.project.is_archived, r.project.name.casefold(), r.project.id))
    shown = [r for r in reports if r.in_trouble] if problems_only else reports
    return StatusReport(
        generated_at=generated_at,
        api_url=api_url,
        api_version=api_version,
        projects=tuple(shown),
        error_count=sum(r.errors for r in reports),
        problem_count=sum(r.problems for r in reports),
        problems_only=problems_only,
    )


def shown_resources(report: ProjectReport, problems_only: bool) -> tuple[Resource, ...]:
    """The resources listed under a project: all of them, or with --problems only those in trouble."""
    if not report.show_resources or report.resources is None:
        return ()
    return tuple(r for r in report.resources if r.is_problem) if problems_only else report.resources
