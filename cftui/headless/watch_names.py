"""Names for `cftui watch`: which resource (and project) an operation works on, found once, not polled.

An operation carries only its `resource_id`, and the API can read a resource only through its project. So the
first time an operation is seen, the project list is read and then the resources of one project after another
until the resource turns up; every resource read on the way is remembered for the next operation. The lookup is
bounded (`NAME_LOOKUP_S`); when it runs out, or the API refuses, lines carry the id alone, as before. Errors here
are never the command's errors: following the operation itself says those.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass

from cftui.api.client import CloudForgeClient
from cftui.api.errors import ApiError
from cftui.api.models import Project

NAME_LOOKUP_S = 10.0  # at most this long (in all, for all operations) spent finding names


@dataclass(frozen=True, slots=True)
class ResourceName:
    resource_name: str
    project_id: str
    project_name: str


class NameFinder:
    def __init__(self, client: CloudForgeClient, limit_s: float = NAME_LOOKUP_S) -> None:
        self._client = client
        self._left_s = limit_s
        self._known: dict[str, ResourceName] = {}
        self._projects: Iterator[Project] | None = None
        self._lock = asyncio.Lock()

    def known(self, resource_id: str | None) -> ResourceName | None:
        return self._known.get(resource_id) if resource_id else None

    async def find(self, resource_id: str | None) -> ResourceName | None:
        """The resource's name and project, or None when it cannot be found in the time left."""
        if not resource_id or resource_id in self._known or self._left_s <= 0:
            return self.known(resource_id)
        async with self._lock:
            loop = asyncio.get_running_loop()
            started = loop.time()
            try:
                async with asyncio.timeout(self._left_s):
                    await self._scan_until(resource_id)
            except (TimeoutError, ApiError):
                self._left_s = 0  # names are a nicety: stop spending requests on them
            finally:
                self._left_s -= loop.time() - started
        return self.known(resource_id)

    async def _scan_until(self, resource_id: str) -> None:
        if self._projects is None:
            listed = await self._client.list_projects()
            # active projects first: an operation runs on a live resource
            self._projects = iter(sorted(listed.items, key=lambda p: p.is_archived))
        for project in self._projects:
            resources = await self._client.list_resources(project.id)
            for resource in resources.items:
                self._known[resource.id] = ResourceName(resource.name, project.id, project.name)
            if resource_id in self._known:
                return
