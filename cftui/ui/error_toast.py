"""The words of the toast a burst of resources going to `error` raises: it names projects and resources."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from cftui.api.sanitize import one_line
from cftui.monitor.events import ChangeEvent
from cftui.ui.format import truncate

# the title of the toast; held while the help is up, a newer one of this title replaces the older (it counts both)
RESOURCE_ERROR_TITLE = "Resource error"

NAMES_IN_NOTIFICATION = 3
TOAST_NAME_WIDTH = 24  # a toast names each resource in at most this many cells (its line in the feed has it all)
TOAST_PROJECT_WIDTH = 16


def error_summary(broken: Sequence[ChangeEvent], project_of: Callable[[ChangeEvent], str | None]) -> str:
    """`shop/web-1 went to error (res_web1).` or `3 resources in 2 projects went to error: shop/web-1, …`."""

    def named(event: ChangeEvent) -> str:
        name = truncate(one_line(event.subject_name or event.subject_id), TOAST_NAME_WIDTH)
        project = project_of(event)
        return f"{truncate(one_line(project), TOAST_PROJECT_WIDTH)}/{name}" if project else name

    if len(broken) == 1:
        return f"{named(broken[0])} went to error ({one_line(broken[0].subject_id)})."
    projects = {event.project_id for event in broken if event.project_id}
    where = f" in {len(projects)} project{'s' if len(projects) != 1 else ''}" if projects else ""
    names = [named(event) for event in broken[:NAMES_IN_NOTIFICATION]]
    more = len(broken) - len(names)
    return f"{len(broken)} resources{where} went to error: {', '.join(names)}" + (f" and {more} more." if more else ".")
