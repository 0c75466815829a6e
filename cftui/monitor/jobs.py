"""The engine's jobs: each fetches one thing, feeds the change tracker and the data store, and says what changed.

Job keys (job_keys.py): `ProjectsJob` (the project list), `ResourcesJob` (the focused project's full list),
`SweepJob` (another project's visit in the round: its full list, or for a project of more than one page its
`status=error` list between full lists), `CheckJob` (one resource that left `error`) and `OperationJob`.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from cftui.api.errors import NotFound, ValidationFailed
from cftui.api.models import Operation, OperationLog, Resource
from cftui.api.sanitize import one_line
from cftui.monitor.clock import SYSTEM_CLOCK, Clock
from cftui.monitor.diff import ChangeTracker
from cftui.monitor.events import ChangeEvent
from cftui.monitor.history import SampleRow
from cftui.monitor.job_keys import PROJECTS, CheckJob, JobKey, OperationJob, ProjectsJob, ResourcesJob, SweepJob
from cftui.monitor.operations import OperationRegistry
from cftui.monitor.state import Change, Changed, OperationChanged, ResourcesChanged
from cftui.monitor.store import DataStore

if TYPE_CHECKING:
    from cftui.api.client import CloudForgeClient


V = TypeVar("V")
PER_PAGE = 100  # what the client asks for: a project of at most this many resources is one request to list whole
# Projects of several pages are listed whole on every visit while their extra pages add at most this share of
# requests to a round of one request a project (else every k-th visit, k from the budget)
FULL_LIST_SHARE = 0.1
MAX_FULL_EVERY = 8  # a project of several pages is listed whole at least every this many visits
MAX_ENDED_REMEMBERED = 1000
MAX_OPERATION_ERRORS = 50  # why an operation is no longer watched: the latest ones are enough to show


def _remember(memory: dict[str, V], key: str, value: V, limit: int) -> None:
    """Set `key` as the newest entry of `memory`, forgetting the oldest beyond `limit` (dicts keep order)."""
    memory.pop(key, None)
    memory[key] = value
    while len(memory) > limit:
        del memory[next(iter(memory))]


@dataclass(slots=True)
class JobResult:
    events: list[ChangeEvent] = field(default_factory=list)
    changed: set[Change] = field(default_factory=set)
    new_log_lines: dict[str, tuple[OperationLog, ...]] = field(default_factory=dict)
    samples: list[SampleRow] = field(default_factory=list)


class Jobs:
    def __init__(
        self,
        client: CloudForgeClient,
        tracker: ChangeTracker,
        store: DataStore,
        operations: OperationRegistry,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self._client = client
        self._clock = clock
        self._tracker = tracker
        self._store = store
        self._operations = operations
        self._pages: dict[JobKey, int] = {}  # job key -> pages its last run took
        self._checks: dict[CheckJob, None] = {}  # resources that left `error`, to read one by one (in order)
        # every listed project, least recently swept first (never swept before all), with the time (monotonic) by
        # which its next visit is due: its last visit's start plus the round planned then (-inf: never visited).
        # The next sweep, and how late it is, are found without scanning a thousand projects.
        self._sweep_order: OrderedDict[str, float] = OrderedDict()
        self.round_bound = math.inf  # the round as planned now (set from the plan): each visit's promise
        self.promised: dict[str, float] = {}  # project -> the round its last visit promised (seconds)
        self.last_sweep_start = -math.inf
        self._resource_counts: dict[str, int | None] = {}  # the project list's resource_count, by project
        self._big: dict[str, int] = {}  # projects whose full list took more than one page -> pages
        self._visits_since_full: dict[str, int] = {}  # big projects: error-list visits since the last full list
        self.spare_per_round = 0.0  # requests a round can spend beyond one per project (set from the plan)
        self.filter_ignored = False  # the server answered `status=error` with other statuses: list whole always
        self._discovered: list[str] = []
        self._missing_operations: OrderedDict[str, None] = OrderedDict()  # ids that answered 404, bounded
        # ended operations, remembered (boundedly) so that a resource still naming one does not revive it
        self._ended_operations: OrderedDict[str, None] = OrderedDict()
        # False for a one-shot pass (`cftui status`): an operation found there is a baseline, not news, so that
        # repeated one-shot runs do not each record the same "found an operation" event in the history
        self.announce_found_operations = True

    # --- bookkeeping for the scheduler -------------------------------------------------------------------

    def cost_of(self, key: JobKey) -> int:
        """Requests the job is expected to cost: the pages it took last time (1 for single objects)."""
        if isinstance(key, SweepJob):
            project_id = key.project_id
            return self._pages_of(project_id) if self.wants_full_list(project_id) else max(1, self._pages.get(key, 1))
        return max(1, self._pages.get(key, 1))

    # --- coverage first: which list each visit of another project reads ---------------------------------------

    def _pages_of(self, project_id: str) -> int:
        """Pages of the project's full list: as it took last time, else as its resource count says."""
        if project_id in self._big:
            return self._big[project_id]
        count = self._resource_counts.get(project_id)
        return max(1, math.ceil(count / PER_PAGE)) if count else 1

    def full_every(self, project_id: str) -> int:
        """A full list every k-th visit: 1 for a project of one page (the full list costs what the error list
        costs, and tells everything), or when the round's spare requests pay for it; else k grows with the pages
        (about two requests a visit on average), at most MAX_FULL_EVERY."""
        pages = self._pages_of(project_id)
        if pages <= 1 or self.filter_ignored:
            return 1
        big = max(1, len(self._big))
        # listed whole every visit when the round's spare requests pay for it, or when the extra pages of every big
        # project make the round at most FULL_LIST_SHARE longer (one 2-page project among 20: one round's bound)
        if (pages - 1) * big <= max(self.spare_per_round, FULL_LIST_SHARE * len(self._sweep_order)):
            return 1
        return min(MAX_FULL_EVERY, max(2, math.ceil(pages / 2)))

    def wants_full_list(self, project_id: str) -> bool:
        if project_id not in self._visits_since_full:
            return True  # never listed whole: the first look learns every status (and the pages)
        return self._visits_since_full[project_id] + 1 >= self.full_every(project_id)

    def largest_full_every(self, exclude: frozenset[str]) -> int:
        """The largest k among the projects of several pages (1 when every project fits one page)."""
        return max((self.full_every(p) for p in self._big if p not in exclude), default=1)

    def sweep_cost(self, exclude: frozenset[str]) -> float:
        """Requests one round over the other projects is expected to cost, on average."""
        extra = 0.0
        for project_id, pages in self._big.items():
            if project_id not in exclude:
                every = self.full_every(project_id)
                extra += (pages + every - 1) / every - 1
        return self.sweep_count(exclude) + extra

    def check_keys(self) -> list[CheckJob]:
        return list(self._checks)

    def next_sweep_project(self, exclude: frozenset[str]) -> str | None:
        """The untracked project looked at least recently (never looked at comes first)."""
        return next((project_id for project_id in self._sweep_order if project_id not in exclude), None)

    def visit_due_by(self, project_id: str) -> float:
        """When the round's next visit of this project is due (monotonic): a round, as planned at its last visit,
        after that visit started (-inf: never visited)."""
        return self._sweep_order.get(project_id, -math.inf)

    def sweep_count(self, exclude: frozenset[str]) -> int:
        """How many listed projects the sweep covers."""
        return len(self._sweep_order) - sum(1 for project_id in exclude if project_id in self._sweep_order)

    def take_discovered_operations(self) -> list[str]:
        """Operations to poll now: found on a resource, or seen to have left their resource."""
        found, self._discovered = self._discovered, []
        return found

    # --- running ----------------------------------------------------------------------------------------------

    async def run(self, key: JobKey) -> JobResult:
        match key:
            case ProjectsJob():
                return await self._projects()
            case ResourcesJob(project_id):
                return await self._resources(project_id)
            case SweepJob(project_id):
                return await self._sweep(project_id)
            case OperationJob(operation_id):
                return await self._operation(operation_id)
            case CheckJob() if key in self._checks:  # not answered by a full list meanwhile
                return await self._check(key)
        return JobResult()

    async def _projects(self) -> JobResult:
        listed = await self._client.list_projects()
        self._pages[PROJECTS] = listed.pages
        at = self._clock.now()
        events = self._tracker.observe_projects(listed.items, at)
        samples = self._store.set_projects(tuple(listed.items), at)
        self._resource_counts = {p.id: p.resource_count for p in listed.items}
        present = set(self._resource_counts)
        for check in list(self._checks):
            if check.project_id not in present:
                del self._checks[check]
        for project_id in [p for p in self._sweep_order if p not in present]:
            del self._sweep_order[project_id]
            self.promised.pop(project_id, None)
            self._pages.pop(SweepJob(project_id), None)
            self._pages.pop(ResourcesJob(project_id), None)
            self._big.pop(project_id, None)
            self._visits_since_full.pop(project_id, None)
        new = [p for p in self._store.project_ids() if p not in self._sweep_order]
        for project_id in reversed(new):  # never swept: ahead of every swept one, in the list's order
            self._sweep_order[project_id] = -math.inf
            self._sweep_order.move_to_end(project_id, last=False)
        return JobResult(events, {Changed.PROJECTS}, {}, samples)

    async def _resources(self, project_id: str) -> JobResult:
        key = ResourcesJob(project_id)
        listed = await self._client.list_resources(project_id)
        self._pages[key] = listed.pages
        at = self._clock.now()
        events, missing = self._tracker.observe_listing(project_id, listed.items, at, absence_unsure=listed.pages > 1)
        samples = self._store.set_resources(project_id, tuple(listed.items), at)
        self._note_full_pages(project_id, listed.pages)
        self._answered_by_full_list(project_id, missing)
        self._discover(listed.items, project_id)
        return JobResult(events, {ResourcesChanged(project_id)}, {}, samples)

    async def _sweep(self, project_id: str) -> JobResult:
        self.last_sweep_start = self._clock.monotonic()
        if project_id in self._sweep_order:
            self._sweep_order[project_id] = self.last_sweep_start + self.round_bound
            self._sweep_order.move_to_end(project_id)
            self.promised[project_id] = self.round_bound
        if project_id in self._tracker.tracked:
            return JobResult()  # focused meanwhile: its full list covers it
        full = self.wants_full_list(project_id)
        listed = await self._client.list_resources(project_id, status=None if full else "error")
        if not full and any(r.status != "error" for r in listed.items):
            # The server ignored the filter: what came back is every resource (all pages were read), so it is
            # read as a full list, never as a list of errors (no false changes, no running resource counted).
            full = True
            if not self.filter_ignored:
                self.filter_ignored = True
                self._store.note("The API ignores the status filter; other projects are listed whole instead.")
        at = self._clock.now()
        if project_id in self._tracker.tracked:
            return JobResult()
        changed: set[Change] = set()
        if full:
            self._note_full_pages(project_id, listed.pages)
            events, missing = self._tracker.observe_listing(
                project_id, listed.items, at, absence_unsure=listed.pages > 1
            )
            self._answered_by_full_list(project_id, missing)
            if self._store.refresh_kept(project_id, tuple(listed.items), at):
                changed.add(ResourcesChanged(project_id))
        else:
            self._pages[SweepJob(project_id)] = listed.pages
            self._visits_since_full[project_id] = self._visits_since_full.get(project_id, 0) + 1
            events, left = self._tracker.observe_errors(project_id, listed.items, at)
            for resource_id in left:
                self._checks[CheckJob(project_id, resource_id)] = None
            for resource in listed.items:
                self._store.replace_resource(project_id, resource.id, resource, at)
        if full:
            self._poll_ended_operations(project_id, listed.items)
        count = len(self._tracker.known_errors(project_id))
        if self._store.problem_counts.get(project_id) != count:
            changed.add(Changed.PROBLEMS)
        self._store.set_problem_count(project_id, count)
        self._discover(listed.items, project_id)
        return JobResult(events, changed, {}, [])

    def _answered_by_full_list(self, project_id: str, missing: set[str]) -> None:
        """A full list answers the project's pending checks, except for the resources it missed: a list of several
        pages can miss one that moved between its pages, so each is read on its own (a 404 is its deletion)."""
        for check in [c for c in self._checks if c.project_id == project_id]:
            del self._checks[check]
        for resource_id in sorted(missing):
            self._checks[CheckJob(project_id, resource_id)] = None

    def _poll_ended_operations(self, project_id: str, resources: tuple[Resource, ...]) -> None:
        """An operation found in this project whose resource no longer carries it has probably ended: poll it now
        rather than at its calm period, so that its end is reported within the round."""
        carried = {r.id: r.operation_id for r in resources}
        for watched in self._operations.active():
            moved = watched.resource_id is not None and carried.get(watched.resource_id) != watched.operation_id
            if watched.project_id == project_id and moved:
                self._discovered.append(watched.operation_id)

    def _note_full_pages(self, project_id: str, pages: int) -> None:
        self._visits_since_full[project_id] = 0
        if pages > 1:
            self._big[project_id] = pages
        else:
            self._big.pop(project_id, None)

    async def _check(self, key: CheckJob) -> JobResult:
        resource = await self._client.get_resource(key.project_id, key.resource_id)
        return self._checked(key, resource)

    def _checked(self, key: CheckJob, resource: Resource | None) -> JobResult:
        project_id, resource_id = key.project_id, key.resource_id
        at = self._clock.now()
        self._checks.pop(key, None)
        events = self._tracker.observe_resource(project_id, resource_id, resource, at)
        self._store.replace_resource(project_id, resource_id, resource, at)
        if project_id not in self._tracker.tracked:
            self._store.set_problem_count(project_id, len(self._tracker.known_errors(project_id)))
        if resource is not None:
            self._discover([resource], project_id)
        return JobResult(events, {Changed.PROBLEMS, ResourcesChanged(project_id)}, {}, [])

    async def _operation(self, operation_id: str) -> JobResult:
        watched = self._operations.watched.get(operation_id)
        if watched is None or watched.finished:
            return JobResult()
        operation = await self._client.get_operation(operation_id)
        if operation.id != operation_id:  # the API's own spelling of the id: the one asked for is followed
            operation = operation.model_copy(update={"id": operation_id})
        return self.fold_operation(operation)

    def fold_operation(self, operation: Operation) -> JobResult:
        """A watched operation as the API just answered it (its own poll, or a push's confirmation GET)."""
        operation_id = operation.id
        watched = self._operations.watched.get(operation_id)
        if watched is None or watched.finished:
            return JobResult()
        at = self._clock.now()
        found = not watched.from_user and self.announce_found_operations
        events = self._tracker.operation_changes.observe(operation, at, from_resource=found)
        lines = watched.take_new_lines(operation)
        watched.next_period(operation)
        watched.last = operation
        watched.finished = operation.is_finished
        if watched.finished:
            _remember(self._ended_operations, operation_id, None, MAX_ENDED_REMEMBERED)
        self._store.set_operation(operation, at)
        new_lines = {operation_id: lines} if lines else {}
        return JobResult(events, {OperationChanged(operation_id)}, new_lines, [])

    def trim_finished_operations(self) -> None:
        """Keep memory bounded: the oldest ended operations leave the registry, the store and the tracker."""
        dropped = self._operations.trim_finished()
        self._store.drop_operations(dropped)
        for operation_id in dropped:
            self._tracker.operation_changes.forget(operation_id)

    def _discover(self, resources: list[Resource] | tuple[Resource, ...], project_id: str) -> None:
        for resource in resources:
            if resource.operation_id:
                self.follow_operation(resource.operation_id, project_id, resource.id)

    def follow_operation(
        self, operation_id: str, project_id: str | None, resource_id: str | None, resource_name: str | None = None
    ) -> bool:
        """Watch an operation found on a resource (fetched, or told of by a push) unless it is known to have ended
        or to be missing; True when it is new (it is then among `take_discovered_operations`). `resource_name`: the
        name a push gave a resource no list has shown yet (its operation's events use it)."""
        if operation_id in self._missing_operations or operation_id in self._ended_operations:
            return False
        if not self._operations.watch(operation_id, from_user=False, project_id=project_id, resource_id=resource_id):
            return False
        self._discovered.append(operation_id)
        if resource_id:
            self._tracker.operation_changes.remember_subject(
                operation_id, resource_id, name=resource_name, project_id=project_id
            )
        return True

    # --- a 404 is an answer, not an outage ------------------------------------------------------------------------

    def not_found(self, key: JobKey, error: NotFound | ValidationFailed) -> JobResult:
        """A 404, or an operation id refused as invalid (before sending, or by a 400): an answer, not an outage."""
        if isinstance(error, ValidationFailed) and not isinstance(key, OperationJob):
            raise error
        if isinstance(key, OperationJob):
            operation_id = key.operation_id
            self._operations.forget(operation_id)
            _remember(self._missing_operations, operation_id, None, MAX_ENDED_REMEMBERED)
            self._tracker.operation_changes.forget(operation_id)
            self._store.operations.pop(operation_id, None)
            reference = f" (request {error.request_id})" if error.request_id else ""
            problem = "was not found" if isinstance(error, NotFound) else "is not a valid operation id"
            sentence = f"Operation {one_line(operation_id)} {problem}{reference}; it is no longer watched."
            _remember(self._store.operation_errors, operation_id, sentence, MAX_OPERATION_ERRORS)
            refusal = error.with_traceback(None)  # kept for its words, not its frames
            _remember(self._store.operation_refusals, operation_id, refusal, MAX_OPERATION_ERRORS)
            self._store.note(sentence)
            return JobResult([], {OperationChanged(operation_id), Changed.NOTES}, {}, [])
        if isinstance(key, CheckJob) and key in self._checks:
            return self._checked(key, None)
        if isinstance(key, ResourcesJob | SweepJob):
            project_id = key.project_id
            self._store.note(f"Project {project_id} was not found; it was probably deleted.")
            return JobResult([], {Changed.NOTES}, {}, [])
        raise error  # the project list itself: a wrong API URL, an outage for the engine
