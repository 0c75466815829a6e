"""The whole organisation as text: problem rows, how old each project's information is, how long a round takes.

Pure functions over a `Snapshot` (no Textual here): the problems view, the status line and tests share them.
The monitor's `OrgView` is the source; the resources of projects the dashboard has loaded are newer than the
organisation-wide look whenever their list was fetched later, so they win for their project.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from cftui.api.models import RESOURCE_STATUSES, Project
from cftui.api.sanitize import one_line
from cftui.monitor.state import ResourceRef, Snapshot
from cftui.ui.format import duration

# a round or an oldest look shorter than this is not worth a word on the status line (small organisations)
ROUND_WORTH_SAYING_S = 60.0
NAMES_LISTED = 5  # projects not looked at yet, named before "and N more"


def severity_rank(status: str) -> int:
    """0 for `error`, 1 for a status the API reference does not know, 2 for the rest."""
    if status == "error":
        return 0
    return 1 if status not in RESOURCE_STATUSES else 2


def problem_order(ref: ResourceRef) -> tuple[int, float, str, str, str]:
    """Severity, then age: oldest first (a status it already had at cftui's first look counts as oldest); ties
    by project, name and id, so the rows keep their order from one refresh to the next."""
    since = ref.status_since.timestamp() if ref.status_since is not None else float("-inf")
    return severity_rank(ref.status), since, ref.project_name.casefold(), ref.name.casefold(), ref.resource_id


def _project_names(snapshot: Snapshot) -> dict[str, str]:
    projects = snapshot.projects.value if snapshot.projects is not None else ()
    return {p.id: p.name for p in projects}


def project_seen_at(snapshot: Snapshot) -> dict[str, datetime]:
    """Project id -> when its whole resource list was last read (the organisation sweep or the dashboard's own)."""
    seen = dict(snapshot.org.project_seen_at)
    for project_id, fetched in snapshot.resources.items():
        known = seen.get(project_id)
        if known is None or fetched.fetched_at > known:
            seen[project_id] = fetched.fetched_at
    return seen


def archived_ids(snapshot: Snapshot) -> frozenset[str]:
    """The archived projects of the project list."""
    projects = snapshot.projects.value if snapshot.projects is not None else ()
    return frozenset(p.id for p in projects if p.is_archived)


def org_problems(snapshot: Snapshot, *, include_archived: bool = True) -> list[ResourceRef]:
    """Every resource in `error` or an unknown status across the organisation, by severity then age (those of
    archived projects only with `include_archived`)."""
    problems = _all_problems(snapshot)
    if include_archived:
        return problems
    archived = archived_ids(snapshot)
    return [ref for ref in problems if ref.project_id not in archived]


def _all_problems(snapshot: Snapshot) -> list[ResourceRef]:
    org = snapshot.org
    by_id: dict[str, ResourceRef] = {ref.resource_id: ref for ref in org.problems}
    names = _project_names(snapshot)
    for project_id, fetched in snapshot.resources.items():
        org_look = org.project_seen_at.get(project_id)
        if org_look is not None and org_look >= fetched.fetched_at:
            continue  # the organisation's look is as new: it already says everything
        # the dashboard's list is newer: it decides which of this project's resources are problems now
        for resource_id in [rid for rid, ref in by_id.items() if ref.project_id == project_id]:
            del by_id[resource_id]
        for resource in fetched.value:
            if not resource.is_problem:
                continue
            known = org.resources.get(resource.id)
            since = known.status_since if known is not None and known.status == resource.status else None
            name = names.get(project_id, project_id)
            by_id[resource.id] = ResourceRef.seen(project_id, name, resource, fetched.fetched_at, since)
    return sorted(by_id.values(), key=problem_order)


def live_projects(snapshot: Snapshot, *, include_archived: bool = False) -> tuple[Project, ...]:
    """The projects the view accounts for: every project in the list but archived ones (unless included: the
    dashboard shows them on `a`, as `cftui status --archived` reports them)."""
    projects = snapshot.projects.value if snapshot.projects is not None else ()
    return tuple(p for p in projects if include_archived or not p.is_archived)


@dataclass(frozen=True, slots=True)
class Coverage:
    """How much of the organisation cftui has looked at, and how long ago."""

    total: int
    seen: int
    not_seen: tuple[str, ...]  # names of projects never looked at
    oldest_name: str | None
    oldest_at: datetime | None
    round_seconds: float | None
    archived_left_out: int = 0  # archived projects not counted (nor their problems shown)


def coverage(snapshot: Snapshot, *, include_archived: bool = False) -> Coverage:
    projects = live_projects(snapshot, include_archived=include_archived)
    seen_at = project_seen_at(snapshot)
    not_seen = tuple(one_line(p.name or p.id) for p in projects if p.id not in seen_at)
    looked = [(seen_at[p.id], p) for p in projects if p.id in seen_at]
    oldest = min(looked, key=lambda pair: pair[0]) if looked else None
    return Coverage(
        total=len(projects),
        seen=len(looked),
        not_seen=not_seen,
        oldest_name=one_line(oldest[1].name or oldest[1].id) if oldest else None,
        oldest_at=oldest[0] if oldest else None,
        round_seconds=snapshot.org.round_seconds,
        archived_left_out=0 if include_archived else len(archived_ids(snapshot)),
    )


def coarse_age(then: datetime | None, now: datetime) -> str:
    """An age that changes at most once a minute: `<1m`, `4m`, `2h 05m`, `3d 04h` (`never` for None)."""
    if then is None:
        return "never"
    return coarse_seconds((now - then).total_seconds())


def coarse_seconds(seconds: float) -> str:
    if seconds < 60:
        return "<1m"
    if seconds < 3600:
        return f"{int(seconds // 60)}m"
    return duration(seconds)


def bound_text(seconds: float) -> str:
    """The whole minutes a bound stays under: `2m` for 78 s, `3m` for 120 s (so `under 2m` is always true)."""
    return coarse_seconds((math.floor(seconds / 60.0) + 1) * 60.0)


def round_text(seconds: float | None) -> str:
    """The status line's compact `<6m` (it says a round only once it may take a minute or more)."""
    return "unknown" if seconds is None else f"<{bound_text(seconds)}"


def round_sentence(seconds: float | None) -> str:
    """The problems view's words for a round's bound: `under a minute`, `under 4m` (never `<1m`)."""
    if seconds is None:
        return "how long a full round takes is not known yet"
    if seconds < 60:
        return "a full round takes under a minute"
    return f"a full round takes under {bound_text(seconds)}"


def coverage_lines(cover: Coverage, now: datetime) -> list[str]:
    """What the problems view says above its rows about how complete and how old its picture is."""
    if cover.total == 0:
        return ["No projects known yet: the organisation has not been read."]
    parts = [f"looked at {cover.seen} of {cover.total} projects"]
    if cover.oldest_at is not None:
        oldest = coarse_age(cover.oldest_at, now)
        # which project is oldest changes with every look in a quick round: named only once it is a minute old
        parts.append(f"oldest look {oldest} ago" + ("" if oldest == "<1m" else f" ({cover.oldest_name})"))
    parts.append(round_sentence(cover.round_seconds))
    lines = [" · ".join(parts)]
    if cover.not_seen:
        names = ", ".join(cover.not_seen[:NAMES_LISTED])
        more = len(cover.not_seen) - NAMES_LISTED
        lines.append(f"not looked at yet: {names}" + (f" and {more} more" if more > 0 else ""))
    return lines


def archived_note(cover: Coverage) -> str:
    """` · 1 archived project left out (a on the dashboard)`: the monitor looks at archived projects too, but they
    stay out of sight unless the project list shows them, as `cftui status` leaves them out unless asked."""
    count = cover.archived_left_out
    if not count:
        return ""
    return f" · {count} archived project{'' if count == 1 else 's'} left out (a on the dashboard)"


def status_line_round(snapshot: Snapshot, now: datetime) -> str | None:
    """`round <6m · oldest 5m old` (the oldest look at a project), once a round over every project may take a
    minute or more (large organisations): then the other projects' information may be that old, whatever the
    focused project's age says. The oldest look is left out while it is under a minute (the round's bound says as
    much, in fewer columns: the line fits 80 columns)."""
    round_s = snapshot.org.round_seconds
    if round_s is None or round_s < ROUND_WORTH_SAYING_S:
        return None
    cover = coverage(snapshot)
    text = f"round {round_text(round_s)}"
    oldest = coarse_age(cover.oldest_at, now)
    if cover.oldest_at is not None and oldest != "<1m":
        text += f" · oldest {oldest} old"
    if cover.not_seen:
        text += f" · {len(cover.not_seen)} not looked at yet"
    return text


def since_text(ref: ResourceRef, now: datetime) -> str:
    """When the problem began, as far as cftui knows: `14:03 (12m)`, or `first look` when it was already so."""
    if ref.status_since is None:
        return "first look"
    return f"{ref.status_since.strftime('%H:%M')} ({coarse_age(ref.status_since, now)})"
