"""Command-palette providers (Ctrl+P): jump to a project or resource by name, watch an operation, themes, actions.

Each provider reads `app.latest_snapshot` and calls the app's actions by their fixed names
(`action_jump_to_project`, ...). Names from the API go into the palette as `Content`, never as markup:
Textual's `Matcher.highlight` parses its argument as markup, so hits are highlighted here with `plain_highlight`.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar, cast

from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content

from cftui.api.models import Project
from cftui.api.sanitize import one_line
from cftui.monitor.state import ResourceRef, Snapshot
from cftui.ui.format import short_money, status_badge
from cftui.ui.screens.watch_prompt import InvalidOperationId, parse_operation_id

DISCOVERY_LIMIT = 30  # what the palette lists before anything is typed
NAME_WIDTH = 80  # a 300-character name would push the help text off the screen


WORD_JOINERS = str.maketrans({"-": " ", "_": " ", ".": " "})


def searchable(text: str) -> str:
    """`cftui-high-contrast` matches "high contrast": joiners count as spaces (same length, same offsets)."""
    return text.translate(WORD_JOINERS)


def plain_help(text: str) -> str:
    """A hit's help as `Content`: the palette passes it through `Content.from_markup`, which keeps a `Content` as
    it is (text, never markup), although `Hit.help` is annotated `str`."""
    return cast(str, Content(text))


def plain_highlight(matcher: Matcher, candidate: str) -> Content:
    """Like `Matcher.highlight`, but the candidate is text, never markup."""
    content = Content(candidate)
    score, offsets = matcher.fuzzy_search.match(matcher.query, searchable(candidate))
    if not score:
        return content
    for offset in offsets:
        if not candidate[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


def call_action(app: Any, name: str, *args: Any) -> Callable[[], Any]:
    """A callback that runs `app.action_<name>(*args)`; it tells the user, not a traceback, if the app lacks it."""

    def run() -> Any:
        method = getattr(app, f"action_{name}", None)
        if method is None:
            app.notify(f"This screen cannot {name.replace('_', ' ')}.", severity="error", markup=False)
            return None
        return method(*args)

    return run


def _snapshot(app: Any) -> Snapshot | None:
    snapshot = getattr(app, "latest_snapshot", None)
    return snapshot if isinstance(snapshot, Snapshot) else None


def _name(text: str, fallback: str) -> str:
    flat = one_line(text) or one_line(fallback)
    return flat if len(flat) <= NAME_WIDTH else flat[: NAME_WIDTH - 1] + "…"


@dataclass(frozen=True)
class Candidate:
    """One thing the palette can offer: the text matched against, its help line and what choosing it does."""

    text: str
    help: str
    command: Callable[[], Any]


class CandidateProvider(Provider):
    """Fuzzy search over `candidates()`; discovery lists `discovery()` (by default the first few candidates)."""

    # Scores of equally good matches are weighed: a project outranks a resource of the same name (projects are few
    # and where people usually go), while a clearly better resource match still comes first.
    SCORE_WEIGHT: ClassVar[float] = 1.0

    @abstractmethod
    def candidates(self) -> Iterator[Candidate]:
        """Everything this provider can offer, in the order to discover it."""

    def discovery(self) -> Iterator[Candidate]:
        for index, candidate in enumerate(self.candidates()):
            if index >= DISCOVERY_LIMIT:
                return
            yield candidate

    async def discover(self) -> Hits:
        for candidate in self.discovery():
            yield DiscoveryHit(
                Content(candidate.text), candidate.command, text=candidate.text, help=plain_help(candidate.help)
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(searchable(query))
        for candidate in self.candidates():
            score = matcher.match(searchable(candidate.text))
            if score > 0:
                yield Hit(
                    score * self.SCORE_WEIGHT,
                    plain_highlight(matcher, candidate.text),
                    candidate.command,
                    text=candidate.text,
                    help=plain_help(candidate.help),
                )


class ProjectProvider(CandidateProvider):
    """Jump to a project by name (archived ones included; the app decides how to show them)."""

    def _projects(self) -> tuple[Project, ...]:
        snapshot = _snapshot(self.app)
        return snapshot.projects.value if snapshot and snapshot.projects else ()

    def _candidate(self, project: Project, problems: int) -> Candidate:
        trouble = f" · {problems} with problems" if problems else ""
        count = "?" if project.resource_count is None else str(project.resource_count)
        return Candidate(
            text=f"Project: {_name(project.name, project.id)}",
            help=f"{status_badge(project.status)} · {count} resources{trouble} · "
            f"{short_money(project.monthly_cost)}/mo · {one_line(project.id)}",
            command=call_action(self.app, "jump_to_project", project.id),
        )

    def candidates(self) -> Iterator[Candidate]:
        snapshot = _snapshot(self.app)
        problems = snapshot.problem_counts if snapshot else {}
        for project in self._projects():
            yield self._candidate(project, problems.get(project.id, 0))

    def discovery(self) -> Iterator[Candidate]:
        # projects in trouble first: that is usually why someone opens the palette at 3 a.m.
        snapshot = _snapshot(self.app)
        problems = snapshot.problem_counts if snapshot else {}
        projects = sorted(self._projects(), key=lambda p: (-problems.get(p.id, 0), p.is_archived, p.name))
        for project in projects[:DISCOVERY_LIMIT]:
            yield self._candidate(project, problems.get(project.id, 0))


class ResourceProvider(CandidateProvider):
    """Jump to a resource by name, in every project cftui has seen (loaded or looked at by the sweep)."""

    SCORE_WEIGHT = 0.9

    def _resources(self) -> Iterator[tuple[str, str, ResourceRef]]:
        snapshot = _snapshot(self.app)
        if snapshot is None:
            return
        names = {p.id: p.name for p in snapshot.projects.value} if snapshot.projects else {}
        loaded: set[str] = set()
        for project_id, fetched in snapshot.resources.items():
            for resource in fetched.value:
                loaded.add(resource.id)
                ref = ResourceRef.seen(project_id, "", resource, fetched.fetched_at)
                yield project_id, names.get(project_id, project_id), ref
        for ref in snapshot.org.resources.values():
            if ref.resource_id not in loaded:
                yield ref.project_id, names.get(ref.project_id, ref.project_name or ref.project_id), ref

    def _candidate(self, project_id: str, project_name: str, ref: ResourceRef) -> Candidate:
        return Candidate(
            text=f"Resource: {_name(ref.name, ref.resource_id)}",
            help=f"{status_badge(ref.status)} · {one_line(ref.type)} · in {_name(project_name, project_id)}"
            f" · {one_line(ref.resource_id)}",
            command=call_action(self.app, "jump_to_resource", project_id, ref.resource_id),
        )

    def candidates(self) -> Iterator[Candidate]:
        for project_id, project_name, ref in self._resources():
            yield self._candidate(project_id, project_name, ref)

    def discovery(self) -> Iterator[Candidate]:
        shown = 0
        for project_id, project_name, ref in self._resources():
            if ref.is_problem and shown < DISCOVERY_LIMIT:
                shown += 1
                yield self._candidate(project_id, project_name, ref)


class WatchOperationProvider(CandidateProvider):
    """Watch an operation: the one whose id is typed, any that a loaded resource is running, or ask for an id."""

    def _ask(self) -> Candidate:
        return Candidate(
            "Watch an operation…", "type or paste an operation id", call_action(self.app, "ask_watch_operation")
        )

    def _running(self) -> Iterator[Candidate]:
        snapshot = _snapshot(self.app)
        if snapshot is None:
            return
        watched = set(snapshot.operations)
        for fetched in snapshot.resources.values():
            for resource in fetched.value:
                op_id = resource.operation_id
                if op_id and op_id not in watched:
                    watched.add(op_id)
                    yield Candidate(
                        f"Watch {one_line(op_id)} on {_name(resource.name, resource.id)}",
                        f"running on {one_line(resource.type)} {one_line(resource.id)}",
                        call_action(self.app, "watch_operation", op_id),
                    )

    def candidates(self) -> Iterator[Candidate]:
        yield self._ask()
        yield from self._running()

    async def search(self, query: str) -> Hits:
        try:
            typed = parse_operation_id(query)
        except InvalidOperationId:
            typed = None
        if typed is not None:
            yield Hit(
                1.0,
                Content(f"Watch operation {typed}"),
                call_action(self.app, "watch_operation", typed),
                text=f"Watch operation {typed}",
                help=plain_help("follow its progress and log in the Operations pane"),
            )
        async for hit in super().search(query):
            yield hit


class ThemeProvider(CandidateProvider):
    """Change the colour theme: Textual's themes and cftui's high-contrast one."""

    def candidates(self) -> Iterator[Candidate]:
        current = self.app.theme
        for name in sorted(self.app.available_themes):
            marker = " (current)" if name == current else ""
            yield Candidate(f"Theme: {name}", f"switch colours{marker}", call_action(self.app, "set_theme", name))

    def discovery(self) -> Iterator[Candidate]:
        yield from self.candidates()


# text, action, help: dashboard actions worth finding by name
DASHBOARD_ACTIONS: tuple[tuple[str, str, str], ...] = (
    ("Toggle problems-only", "toggle_problems_only", "show only resources in error or an unknown status"),
    ("Copy the selected id", "copy_selected_id", "to the clipboard with OSC 52, and tmux's buffer in tmux (y)"),
    ("Show keys", "show_help", "every key and what it does (?)"),
    ("Project cost chart", "show_project_costs", "the selected project's cost over time, change in the hour, day (c)"),
)


class DashboardActionsProvider(CandidateProvider):
    """The dashboard's own actions, including toggling problems-only."""

    def candidates(self) -> Iterator[Candidate]:
        for text, action, help_text in DASHBOARD_ACTIONS:
            yield Candidate(text, help_text, call_action(self.app, action))


# for `App.COMMANDS = App.COMMANDS | DASHBOARD_PROVIDERS`
DASHBOARD_PROVIDERS: frozenset[type[Provider]] = frozenset(
    {DashboardActionsProvider, ProjectProvider, ResourceProvider, WatchOperationProvider, ThemeProvider}
)
