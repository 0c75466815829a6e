"""Open a resource's detail from anywhere: at once when its project's resources are loaded, else after loading them.

The problems view, the operations pane and the events feed name resources of projects the dashboard has not
opened. Asking for one selects its project (the monitor then reads it first) and opens the detail when the
project's list arrives; a newer list without the resource ends the wait with a sentence saying it is gone.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from cftui.api.sanitize import one_line

if TYPE_CHECKING:
    from cftui.api.models import Resource
    from cftui.monitor.state import Snapshot
    from cftui.ui.app import CloudForgeApp


def find_resource(snapshot: Snapshot | None, project_id: str, resource_id: str) -> Resource | None:
    fetched = snapshot.resources.get(project_id) if snapshot is not None else None
    return next((r for r in fetched.value if r.id == resource_id), None) if fetched is not None else None


class ResourceOpener:
    """The one resource waiting for its project to load (a new request replaces it)."""

    def __init__(self, app: CloudForgeApp) -> None:
        self.app = app
        self.pending: tuple[str, str, datetime] | None = None  # project id, resource id, asked at

    def open(self, project_id: str, resource_id: str) -> None:
        from cftui.ui.widgets.project_list import ProjectList
        from cftui.ui.widgets.resource_tree import ResourceTree

        app = self.app
        tree = app.query_one(ResourceTree)
        resource = tree.resource(resource_id) if tree.project_id == project_id else None
        resource = resource or find_resource(app.latest_snapshot, project_id, resource_id)
        if resource is not None:
            self.pending = None
            self._push(project_id, resource)
            return
        self.pending = (project_id, resource_id, app.now())
        # the dashboard follows: its project is selected (the tree shows it when it arrives)
        app.query_one(ProjectList).select_project(project_id)
        if app.monitor is not None:
            app.monitor.focus_project(project_id)
        app.notify(
            f"Loading {self._project_name(project_id)} to open {one_line(resource_id)}…",
            title="Opening",
            markup=False,
            timeout=4,
        )

    def check(self, snapshot: Snapshot) -> None:
        """Called with each update: open the waiting resource once its project's list holds it."""
        if self.pending is None:
            return
        project_id, resource_id, asked_at = self.pending
        fetched = snapshot.resources.get(project_id)
        if fetched is None:
            return
        resource = find_resource(snapshot, project_id, resource_id)
        if resource is not None:
            self.pending = None
            # after this update is dispatched, from the app's own queue (an update may come from outside it)
            self.app.call_later(self._push, project_id, resource)
        elif fetched.fetched_at > asked_at:
            self.pending = None
            self.app.notify(
                f"{one_line(resource_id)} is no longer in {self._project_name(project_id)}.",
                severity="warning",
                markup=False,
                timeout=6,
            )

    def _push(self, project_id: str, resource: Resource) -> None:
        from cftui.ui.screens.detail import ResourceDetailScreen

        self.app.push_screen(ResourceDetailScreen(project_id, resource, now=self.app.now))

    def _project_name(self, project_id: str) -> str:
        snapshot = self.app.latest_snapshot
        projects = snapshot.projects.value if snapshot is not None and snapshot.projects is not None else ()
        return one_line(next((p.name for p in projects if p.id == project_id), project_id))
