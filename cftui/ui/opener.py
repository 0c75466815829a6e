"""Open a resource's detail from anywhere: at once when its project's resources are loaded, else after loading them.

The problems view, the operations pane and the events feed name resources of projects the dashboard has not
opened. Asking for one selects its project (the monitor then reads it first) and opens the detail when the
project's list arrives; a newer list without the resource ends the wait with a sentence saying it is gone.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from cftui.api.sanitize import one_line
from cftui.monitor.events import ChangeEvent, EventKind

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
        from cftui.ui.widgets.projects_pane import ProjectsPane
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
        app.query_one(ProjectsPane).select_project(project_id)
        if app.monitor is not None:
            app.monitor.focus_project(project_id)
        app.notify(
            f"Loading {self._project_name(project_id)} to open {one_line(resource_id)}…",
            title="Opening",
            markup=False,
            timeout=4,
        )

    def open_event(self, event: ChangeEvent) -> None:
        """Enter on an events-feed line: its operation's card, its project, or its resource's detail."""
        app = self.app
        if event.kind.value.startswith("operation."):
            self._open_operation(event)
        elif event.subject_id == event.project_id or event.project_id is None:
            app.action_jump_to_project(event.subject_id)
        elif event.kind is EventKind.RESOURCE_DELETED:
            app.notify(f"{one_line(event.subject_name or event.subject_id)} was deleted.", markup=False, timeout=4)
        else:
            self.open(event.project_id, event.subject_id)

    def _open_operation(self, event: ChangeEvent) -> None:
        from cftui.ui.pane_grid import PaneGrid
        from cftui.ui.widgets.operations import OperationsPane

        app = self.app
        operations = app.query_one(OperationsPane)
        if operations.card(event.subject_id) is not None:
            app.query_one(PaneGrid).show("operations")
            operations.select(event.subject_id)
            return
        snapshot = app.latest_snapshot
        ref = snapshot.org.operation_subjects.get(event.subject_id) if snapshot is not None else None
        resource_id = ref.resource_id if ref is not None else event.data.get("resource_id")
        project_id = ref.project_id if ref is not None else event.project_id
        if isinstance(resource_id, str) and project_id:
            self.open(project_id, resource_id)
        else:
            app.notify(f"Operation {one_line(event.subject_id)} is no longer on screen.", markup=False, timeout=4)

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
