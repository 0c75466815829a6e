"""The whole organisation on a Starter key (issue 11): every status change in every project, every operation
anywhere, the requests it costs, beside a naive poller given the same load, in the same world.

A simulator with the Starter plan runs a busy world of 20 projects x 50 resources plus one project of 200 (more
than one page); the monitor (interval 5 s, budget 0.5) focuses the first project. A naive poller with its own key
lists every project's resources every `--poller-interval` seconds (the same ~50 requests a minute). Afterwards
every change in the simulator's journal (`/_sim/changes`) is matched with what each of them reported:

- a status change is *seen* when an event reports its new status (cftui: with the right old status: the status
  the resource had at the monitor's previous look), *superseded* when it was changed again before the monitor
  looked at its project (nothing left to see), and *missed* otherwise;
- an operation is *found* when any event names it, *within the longest gap* when that came within the longest
  time measured between two full looks of the same project (plus SLACK for the poll that follows the look) of its
  start, and *over before any look* when it ended before its project's next look. An operation that starts and
  ends between two looks of its project cannot be seen by any poller: the operations that lasted at least the
  longest gap (so were running at some look, whenever they started) are counted apart.

`--old-sweep REF` also runs the monitor of git revision REF (bench/baselines/old_sweep.py) on its own key, same
focus and budget, and compares both on the same subsets of the other projects' status changes (into `error`, into
or out of it, all), matched the same plain way. The report ends with the requests per minute by purpose.

    python -m bench coverage [--duration 600] [--speed 1] [--tail 90] [--old-sweep eef50ea^]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import sys
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from bench.baselines.naive_poller import NaivePoller, SeenChange
from bench.baselines.old_sweep import ROOT, extracted
from bench.monitor_bench import busiest_minute, percentile
from bench.push_bench import EVENTS as PUSH_EVENTS
from bench.simproc import SimServer, start_sim_process, starter_world, world_arguments
from cftui.api.client import CloudForgeClient
from cftui.api.client_events import RequestFinished
from cftui.api.keys import ApiKey
from cftui.monitor import Monitor
from cftui.monitor.events import ChangeEvent
from cftui.monitor.push import PushFeed
from cftui.monitor.push_listen import parse_listen
from cftui.monitor.state import Changed, MonitorUpdate

CFTUI_KEY = "cf_read_bench0000000000000cova"
POLLER_KEY = "cf_read_bench0000000000000covb"
OLD_KEY = "cf_read_bench0000000000000covc"
HOOK_KEY = "cf_test_bench0000000000000covd"  # `--push` only: registers the webhook (a write)
KEYS = {"read": CFTUI_KEY, "poller": POLLER_KEY, "old": OLD_KEY}
PUSH_SECRET = "bench-coverage-push-secret-0123456789"
STATUS = "resource.status_changed"
FINAL_KINDS = ("operation.completed", "operation.failed", "operation.cancelled")
SLACK = 5.0  # seconds an event may come after the next change and still belong to the look before it


def _time(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


@dataclass
class StatusOutcome:
    seen: int = 0
    right_old: int = 0
    superseded: int = 0
    missed: int = 0
    before_first_look: int = 0  # changes before the monitor's first look at the project (the baseline)
    delays: list[float] = field(default_factory=list)
    missed_changes: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Observed:
    events: list[ChangeEvent] = field(default_factory=list)
    # requests by what they were for (focused project, round, project list, operations, single resources),
    # counted in the measurement window only
    split: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    counting: bool = False
    focused: str = ""
    looks: dict[str, set[float]] = field(default_factory=lambda: defaultdict(set))  # project -> full-look times
    oldest_ages: list[float] = field(default_factory=list)  # sampled: age of the oldest project's information
    round_seconds: list[float] = field(default_factory=list)
    requests: list[tuple[float, str]] = field(default_factory=list)  # (wall time, purpose), in the window
    # (project, look time) -> the round that look's visit promised for the next (Monitor.visit_promise)
    promises: dict[tuple[str, float], float] = field(default_factory=dict)
    promise_of: Any = None  # Monitor.visit_promise

    def __call__(self, update: MonitorUpdate) -> None:
        self.events.extend(update.events)
        if Changed.ORG in update.changed:
            for project_id, at in update.snapshot.org.project_seen_at.items():
                stamp = at.timestamp()
                if stamp not in self.looks[project_id] and self.promise_of is not None:
                    promise = self.promise_of(project_id)
                    if promise is not None:
                        self.promises[(project_id, stamp)] = promise
                self.looks[project_id].add(stamp)


def request_purpose(path: str, focused: str) -> str:
    """What a request was for, from its path: the split of the budget the report shows."""
    parts = path.strip("/").split("/")
    if parts[0] == "operations":
        return "operations"
    if parts == ["projects"]:
        return "project list"
    if len(parts) >= 4 and parts[2] == "resources":
        return "single resources"
    if len(parts) == 3 and parts[2] == "resources":
        return "focused project" if parts[1] == focused else "round (other projects)"
    return "other"


def _looked_between(looks: set[float], start: float, end: float | None) -> bool:
    return any(start < at and (end is None or at < end) for at in looks)


def status_changes(
    changes: list[dict[str, Any]], end_seq: int | None = None
) -> tuple[list[dict[str, Any]], dict[int, float]]:
    """The journal's status changes (up to `end_seq` if given) in order, and by seq the time of the same resource's
    next one among them: a report after that belongs to the next change, not this one."""
    statuses = [c for c in changes if c["kind"] == STATUS and (end_seq is None or c["seq"] <= end_seq)]
    following: dict[int, float] = {}
    last: dict[str, dict[str, Any]] = {}
    for change in statuses:
        if change["resource_id"] in last:
            following[last[change["resource_id"]]["seq"]] = _time(change["at"])
        last[change["resource_id"]] = change
    return statuses, following


def first_in_window(times: Iterable[float], at: float, nxt: float | None, early: float = 0.0) -> float | None:
    """The first of `times` from `at` (less `early`) until the next change at `nxt` (plus SLACK), if any."""
    return min((t for t in times if t >= at - early and (nxt is None or t <= nxt + SLACK)), default=None)


def measure_statuses(
    changes: list[dict[str, Any]], observed: Observed, projects: set[str], end_seq: int
) -> StatusOutcome:
    by_resource: dict[str, list[ChangeEvent]] = defaultdict(list)
    for event in observed.events:
        if event.kind.value == STATUS:
            by_resource[event.subject_id].append(event)
    statuses, following = status_changes(changes)
    born = {c["resource_id"]: _time(c["at"]) for c in changes if c["kind"] == "resource.created"}
    outcome = StatusOutcome()
    unseen_old: dict[str, str] = {}  # resource -> old status of its earliest change no event told
    for change in statuses:
        if change["seq"] > end_seq or change["project_id"] not in projects:
            continue
        resource, at, nxt = change["resource_id"], _time(change["at"]), following.get(change["seq"])
        limit = None if nxt is None else nxt + SLACK
        match = next(
            (
                e
                for e in by_resource.get(resource, [])
                if e.new == change["new"]
                and e.at.timestamp() >= at - 0.05
                and (limit is None or e.at.timestamp() <= limit)
            ),
            None,
        )
        looks = observed.looks.get(change["project_id"], set())
        if not any(look < at for look in looks):
            outcome.before_first_look += 1  # part of the baseline the first look takes: nothing to report
            continue
        expected_old = unseen_old.pop(resource, change["old"])
        created = born.get(resource)
        if created is not None and not _looked_between(looks, created, at):
            outcome.before_first_look += 1  # created and settled between two looks: its first sight is a baseline
            continue
        if match is None and expected_old == change["new"]:
            outcome.superseded += 1  # a flip and its undoing between two looks: nothing changed
            continue
        if match is not None:
            outcome.seen += 1
            outcome.right_old += match.old == expected_old
            outcome.delays.append(max(0.0, match.at.timestamp() - at))
        elif _looked_between(looks, at + 0.5, nxt):
            outcome.missed += 1
            outcome.missed_changes.append(change)
        else:
            outcome.superseded += 1
            unseen_old[resource] = expected_old
    return outcome


@dataclass
class OperationOutcome:
    started: int = 0
    found: int = 0
    within_round: int = 0
    over_before_look: int = 0
    missed: int = 0
    ended: int = 0
    end_reported: int = 0
    found_delays: list[float] = field(default_factory=list)
    lasting: int = 0  # operations that lasted at least the longest gap (or had not ended by the window's end)
    lasting_within_round: int = 0
    # the operations that lasted at least one round and were not found within it: (id, project, start, found after)
    late: list[tuple[str, str, float, float | None]] = field(default_factory=list)
    end_delays: list[float] = field(default_factory=list)  # the end's journal time to its event


def measure_operations(
    changes: list[dict[str, Any]], observed: Observed, round_seconds: float, end_seq: int
) -> OperationOutcome:
    by_operation: dict[str, list[ChangeEvent]] = defaultdict(list)
    for event in observed.events:
        if event.kind.value.startswith("operation."):
            by_operation[event.subject_id].append(event)
    ends = {c["operation_id"]: c for c in changes if c["kind"] in ("operation.completed", "operation.failed")}
    ends.update({c["operation_id"]: c for c in changes if c["kind"] == "operation.cancelled"})
    outcome = OperationOutcome()
    for change in changes:
        if change["kind"] != "operation.started" or change["seq"] > end_seq:
            continue
        outcome.started += 1
        operation_id, at = change["operation_id"], _time(change["at"])
        events = by_operation.get(operation_id, [])
        end = ends.get(operation_id)
        if events:
            outcome.found += 1
            delay = max(0.0, min(e.at.timestamp() for e in events) - at)
            outcome.found_delays.append(delay)
            outcome.within_round += delay <= round_seconds + SLACK
        elif end is not None and not _looked_between(
            observed.looks.get(change["project_id"], set()), at + 0.5, _time(end["at"])
        ):
            outcome.over_before_look += 1
        else:
            outcome.missed += 1
        if end is None or _time(end["at"]) - at >= round_seconds:
            outcome.lasting += 1
            in_time = bool(events) and outcome.found_delays[-1] <= round_seconds + SLACK
            outcome.lasting_within_round += in_time
            if not in_time:
                found_after = outcome.found_delays[-1] if events else None
                outcome.late.append((operation_id, change["project_id"], at, found_after))
        if end is not None and events:
            outcome.ended += 1
            finals = [e.at.timestamp() for e in events if e.kind.value in ("operation.completed", "operation.failed")]
            outcome.end_reported += bool(finals)
            if finals:
                outcome.end_delays.append(max(0.0, min(finals) - _time(end["at"])))
    return outcome


def measured_round(looks: dict[str, set[float]], projects: set[str], start: float, end: float) -> list[float]:
    """The time between two consecutive full looks of the same project, for each look of `projects` in the window:
    the round as it really went (the planned `round_seconds` is what the budget promised)."""
    gaps: list[float] = []
    for project_id in projects:
        times = sorted(t for t in looks.get(project_id, ()) if start <= t <= end)
        gaps += [b - a for a, b in itertools.pairwise(times)]
    return gaps


def promised_gaps(observed: Observed, projects: set[str], start: float, end: float) -> list[tuple[float, float]]:
    """(gap between two consecutive looks of a project, the round the first look's visit promised), in the window."""
    pairs = []
    for project_id in projects:
        times = sorted(t for t in observed.looks.get(project_id, ()) if start <= t <= end)
        for a, b in itertools.pairwise(times):
            promise = observed.promises.get((project_id, a))
            if promise is not None:
                pairs.append((b - a, promise))
    return pairs


def stated_round_operations(changes: list[dict[str, Any]], observed: Observed, end_seq: int) -> tuple[int, int]:
    """Operations lasting at least the round their project's last look before their start promised (or not ended):
    (how many, how many found within that round plus SLACK)."""
    by_operation: dict[str, float] = {}
    for event in observed.events:
        if event.kind.value.startswith("operation."):
            at = event.at.timestamp()
            by_operation[event.subject_id] = min(at, by_operation.get(event.subject_id, at))
    ends = {c["operation_id"]: _time(c["at"]) for c in changes if c["kind"] in FINAL_KINDS}
    lasting = found = 0
    for change in changes:
        if change["kind"] != "operation.started" or change["seq"] > end_seq:
            continue
        at, project_id = _time(change["at"]), change["project_id"]
        before = [t for t in observed.looks.get(project_id, ()) if t <= at]
        promise = observed.promises.get((project_id, max(before))) if before else None
        if promise is None:
            continue
        end = ends.get(change["operation_id"])
        if end is not None and end - at < promise:
            continue
        lasting += 1
        first = by_operation.get(change["operation_id"])
        found += first is not None and first - at <= promise + SLACK
    return lasting, found


def first_reports(
    changes: list[dict[str, Any]], reports: list[tuple[str, str, float]], keep, end_seq: int
) -> tuple[int, dict[int, float]]:
    """For the status changes `keep(change)` selects: how many there were, and by journal seq the delay to the first
    report `(resource id, new status, time)` of it (before the resource's next change, plus SLACK). The same plain
    matching for every monitor compared, so the figures compare like with like."""
    by_resource: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for resource_id, new, at in reports:
        by_resource[resource_id].append((new, at))
    statuses, following = status_changes(changes)
    selected = [c for c in statuses if c["seq"] <= end_seq and keep(c)]
    delays: dict[int, float] = {}
    for change in selected:
        at, nxt = _time(change["at"]), following.get(change["seq"])
        same = (t for new, t in by_resource.get(change["resource_id"], []) if new == change["new"])
        first = first_in_window(same, at, nxt, early=0.05)
        if first is not None:
            delays[change["seq"]] = max(0.0, first - at)
    return len(selected), delays


def poller_statuses(changes: list[dict[str, Any]], seen: list[SeenChange], end_seq: int) -> tuple[int, int, list]:
    """(status changes, of them seen, delays) for the naive poller: a `status` line for the resource after it."""
    by_resource: dict[str, list[float]] = defaultdict(list)
    for change in seen:
        if change.what == "status":
            by_resource[change.resource_id].append(change.seen_at)
    statuses, following = status_changes(changes, end_seq)
    delays = []
    for change in statuses:
        at = _time(change["at"])
        first = first_in_window(by_resource.get(change["resource_id"], []), at, following.get(change["seq"]))
        if first is not None:
            delays.append(first - at)
    return len(statuses), len(delays), delays


async def _old_sweep(sim: SimServer, old_tree: Path, focus: str, seconds: float, sink: list[dict[str, Any]]) -> None:
    """Another version's monitor (bench/baselines/old_sweep.py) on its own key: its events into `sink`."""
    env = {**os.environ, "PYTHONPATH": f"{old_tree}{os.pathsep}{ROOT}", "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "bench.baselines.old_sweep", "--api-url", sim.base_url, "--key", OLD_KEY]
    process = await asyncio.create_subprocess_exec(
        *command,
        "--focus",
        focus,
        "--duration",
        str(seconds),
        stdout=asyncio.subprocess.PIPE,
        env=env,
        cwd=old_tree,  # `python -m` puts the working directory first on the path: it must not be this checkout
    )
    assert process.stdout is not None
    try:
        async for line in process.stdout:
            with contextlib.suppress(ValueError):
                sink.append(json.loads(line))
        await process.wait()
    finally:
        if process.returncode is None:  # interrupted: the child goes too
            process.terminate()


async def _register_webhook(sim: SimServer, url: str) -> None:
    """`--push`: the simulator's webhook, every event type, pointed at cftui's receiver (a write key's job)."""
    body = {"url": url, "events": list(PUSH_EVENTS), "secret": PUSH_SECRET}
    async with httpx.AsyncClient(timeout=10) as http:
        response = await http.post(
            f"{sim.base_url}/webhooks", json=body, headers={"Authorization": f"Bearer {HOOK_KEY}"}
        )
    response.raise_for_status()


async def run(
    sim: SimServer,
    duration: float,
    tail: float,
    poller_interval: float,
    old_tree: Path | None = None,
    push: bool = False,
) -> dict[str, Any]:
    added = await asyncio.to_thread(
        sim.control, "POST", "mutate", {"action": "add_projects", "count": 1, "resources": 200}
    )
    big = added["project_ids"][0]
    client = CloudForgeClient(sim.base_url, ApiKey.parse(CFTUI_KEY))
    feed = PushFeed(parse_listen("127.0.0.1:0"), PUSH_SECRET) if push else None
    monitor = Monitor(client, interval=5.0, budget=0.5, owns_client=True, push=feed)
    observed = Observed()
    observed.promise_of = monitor.visit_promise
    monitor.add_listener(observed)

    def count(event: object) -> None:
        if observed.counting and isinstance(event, RequestFinished):
            purpose = request_purpose(event.path, observed.focused)
            if purpose == "operations":
                subject = monitor.snapshot.org.operation_subjects.get(event.path.rsplit("/", 1)[-1])
                focused_op = subject is not None and subject.project_id == observed.focused
                purpose = "operations (focused project)" if focused_op else "operations (elsewhere)"
            observed.split[purpose] += 1
            observed.requests.append((time.time(), purpose))

    client.add_listener(count)
    task = asyncio.create_task(monitor.run())
    poller = NaivePoller(sim.base_url, POLLER_KEY, interval=poller_interval)
    ready = asyncio.Event()
    monitor.add_listener(lambda update: update.snapshot.projects is not None and ready.set())
    await ready.wait()
    assert monitor.snapshot.projects is not None
    projects = [p.id for p in monitor.snapshot.projects.value]
    focused = projects[0]
    observed.focused = focused
    monitor.focus_project(focused)
    if push:
        await _register_webhook(sim, f"http://{monitor.snapshot.push.listen}/webhook")
    poller_started = time.monotonic()
    poller_task = asyncio.create_task(poller.run(duration + tail))
    old_events: list[dict[str, Any]] = []
    old_task = None
    if old_tree is not None:
        old_task = asyncio.create_task(_old_sweep(sim, old_tree, focused, duration + tail, old_events))
    await asyncio.to_thread(sim.control, "DELETE", "stats")
    start_seq = (await asyncio.to_thread(sim.control, "GET", "changes?since=0&limit=1"))["last_seq"]
    started = time.monotonic()
    window_start = time.time()
    observed.counting = True
    while time.monotonic() - started < duration:
        await asyncio.sleep(1.0)
        snapshot = monitor.snapshot
        seen = snapshot.org.project_seen_at
        if seen and len(seen) >= len(projects):
            observed.oldest_ages.append(time.time() - min(at.timestamp() for at in seen.values()))
        if snapshot.org.round_seconds is not None:
            observed.round_seconds.append(snapshot.org.round_seconds)
    elapsed = time.monotonic() - started
    window_end = time.time()
    observed.counting = False
    pushed = monitor.snapshot.push
    stats = await asyncio.to_thread(sim.control, "GET", "stats")
    end_seq = (await asyncio.to_thread(sim.control, "GET", "changes?since=0&limit=1"))["last_seq"]
    await asyncio.sleep(tail)
    await monitor.aclose()
    await task
    await poller_task
    if old_task is not None:
        await old_task
    poller_seconds = time.monotonic() - poller_started
    journal = await asyncio.to_thread(sim.control, "GET", f"changes?since={start_seq}")
    return {
        "elapsed": elapsed,
        "stats": stats,
        "changes": journal["changes"],
        "end_seq": end_seq,
        "observed": observed,
        "focused": focused,
        "big": big,
        "others": [p for p in projects if p not in (focused, big)],
        "poller": poller,
        "poller_seconds": poller_seconds,
        "old_events": old_events if old_tree is not None else None,
        "window": (window_start, window_end),
        "push": pushed if push else None,
    }


def report(result: dict[str, Any], verbose: bool = False) -> str:
    stats, elapsed, observed = result["stats"], result["elapsed"], result["observed"]
    ours = [r for r in stats["recent"] if str(r.get("key") or "").endswith(CFTUI_KEY[-4:])]
    per_minute = len(ours) * 60.0 / elapsed
    busiest = busiest_minute([_time(r["at"]) for r in ours])
    ours_429 = sum(1 for r in ours if r["status"] == 429)
    rounds = sorted(observed.round_seconds) or [float("nan")]
    round_seconds = percentile(rounds, 0.5)
    gaps = measured_round(observed.looks, set(result["others"]), *result["window"])
    real_round = percentile(gaps, 0.5) if gaps else round_seconds
    others = measure_statuses(result["changes"], observed, set(result["others"]), result["end_seq"])
    focused = measure_statuses(result["changes"], observed, {result["focused"]}, result["end_seq"])
    big = measure_statuses(result["changes"], observed, {result["big"]}, result["end_seq"])
    longest_gap = max(gaps) if gaps else real_round
    # an operation lasting the longest gap between two looks is running at some look, whenever it started
    operations = measure_operations(result["changes"], observed, longest_gap, result["end_seq"])
    total, poller_seen, poller_delays = poller_statuses(
        result["changes"], result["poller"].stats.changes, result["end_seq"]
    )
    everyone = measure_statuses(
        result["changes"], observed, {result["focused"], result["big"], *result["others"]}, result["end_seq"]
    )
    poller = result["poller"].stats
    poller_rate = poller.requests * 60.0 / result["poller_seconds"]

    def delays(values: list[float]) -> str:
        return f"{percentile(values, 0.5):.1f} / {percentile(values, 0.95):.1f}" if values else "none"

    def breakdown(o: StatusOutcome) -> str:
        return f"{o.seen} ({o.right_old} right old) / {o.missed} / {o.superseded}"

    ages = observed.oldest_ages
    kept = promised_gaps(observed, set(result["others"]), *result["window"])
    big_kept = promised_gaps(observed, {result["big"]}, *result["window"])
    lasting, lasting_found = stated_round_operations(result["changes"], observed, result["end_seq"])

    def within(pairs: list[tuple[float, float]], slack: float = 0.0) -> str:
        return f"{100.0 * sum(g <= p + slack for g, p in pairs) / max(1, len(pairs)):.0f} %"

    def gap_figures(pairs: list[tuple[float, float]]) -> str:
        values = sorted(g for g, _ in pairs)
        if not values:
            return "none"
        promised = sorted(p for _, p in pairs)
        return (f"promised {percentile(promised, 0.5):.0f} (max {promised[-1]:.0f}); gaps {percentile(values, 0.5):.0f}"
                f" / {percentile(values, 0.95):.0f} / {values[-1]:.0f}; within the promise {within(pairs)}, +1 s "
                f"{within(pairs, 1.0)}, +5 s {within(pairs, 5.0)}; longest over its promise "
                f"{max(g - p for g, p in pairs):+.1f} s")  # fmt: skip

    rows = [
        ("requests per minute (average) / busiest 60 s", f"{per_minute:.1f} / {busiest}", "<= 50",
         busiest <= 50, f"{poller_rate:.1f}"),
        ("429 responses", str(ours_429), "0", ours_429 == 0, str(poller.rate_limited)),
        ("one round over the other projects, planned / measured between two looks, median / p95 (s)",
         f"{round_seconds:.0f} / {real_round:.0f} / {percentile(gaps, 0.95):.0f}", "", True,
         f"{poller_interval_of(result):.0f}"),
        ("other projects: round each visit promised (median, max) / gaps between two looks median / p95 / max (s)",
         gap_figures(kept), "all within the promise", bool(kept) and all(g <= p for g, p in kept), "—"),
        ("200-resource project: the same", gap_figures(big_kept), "", True, "—"),
        ("operations lasting at least the round promised before their start: found within it (+5 s)",
         f"{lasting_found} of {lasting}", "all", lasting_found == lasting, "—"),
        ("oldest project's information, median / max (s)",
         f"{percentile(ages, 0.5):.0f} / {max(ages) if ages else float('nan'):.0f}", "", True, "—"),
        ("other projects (one page): status changes seen / missed / superseded", breakdown(others), "none missed",
         others.missed == 0 and others.right_old == others.seen, "—"),
        ("other projects: status change to event, median / p95 (s)", delays(others.delays), "", True, "—"),
        ("200-resource project: seen / missed / superseded", breakdown(big), "none missed",
         big.missed == 0 and big.right_old == big.seen, "—"),
        ("focused project: seen / missed / superseded", breakdown(focused), "none missed", focused.missed == 0, "—"),
        ("all status changes reported (of all in the journal)", f"{everyone.seen} of {total}", "", True,
         f"{poller_seen} of {total}"),
        ("all status changes: delay median / p95 (s)", delays(everyone.delays), "", True, delays(poller_delays)),
        (f"operations started / found / within the longest gap ({longest_gap:.0f} s) / over before any look / missed",
         f"{operations.started} / {operations.found} / {operations.within_round} / {operations.over_before_look}"
         f" / {operations.missed}", "none missed", operations.missed == 0, "—"),
        ("operations found: delay median / p95 (s)", delays(operations.found_delays), "", True, "—"),
        ("operations that lasted at least the longest gap between two looks: found within it",
         f"{operations.lasting_within_round} of {operations.lasting}", "all",
         operations.lasting_within_round == operations.lasting, "—"),
        ("operations found and ended: end reported; end to event median / p95 (s)",
         f"{operations.end_reported} of {operations.ended}; {delays(operations.end_delays)}", "all",
         operations.end_reported == operations.ended, "—"),
    ]  # fmt: skip
    if result.get("old_events") is not None:
        rows += like_for_like_rows(result, delays)
    if result.get("push") is not None:
        pushed = result["push"]
        by_push = sum(1 for e in observed.events if e.source == "push")
        rows.append((
            "push: deliveries accepted / refused; pushes confirmed / contradicted / left to polling; events pushed",
            f"{pushed.accepted} / {sum(pushed.refused.values())}; {pushed.confirmed} / {pushed.contradicted} / "
            f"{pushed.unconfirmed}; {by_push}", "", True, "—",
        ))  # fmt: skip
    counted = sum(1 for c in result["changes"] if c["seq"] <= result["end_seq"])
    lines = [
        f"Coverage benchmark: Starter plan, 20 projects x 50 resources + 1 x 200, {elapsed:.0f} s window, "
        f"{counted} changes in the world; naive poller every {poller_interval_of(result):.0f} s with its own key",
        "",
        "| measure | cftui | target | met | naive poller (same load) |",
        "|---|---|---|---|---|",
    ]
    lines += [f"| {n} | {v} | {t} | {'yes' if ok else 'NO'} | {p} |" for n, v, t, ok, p in rows]
    minutes = elapsed / 60.0
    split = ", ".join(f"{name} {n / minutes:.1f}" for name, n in sorted(observed.split.items(), key=lambda i: -i[1]))
    lines += ["", f"cftui's requests per minute by purpose: {split}"]
    if verbose:
        for name, outcome in (("others", others), ("big", big), ("focused", focused)):
            for change in outcome.missed_changes:
                lines.append(f"missed ({name}): {change}")
        lines += diagnosis(result, operations, round_seconds)
    return "\n".join(lines)


def diagnosis(result: dict[str, Any], operations: OperationOutcome, planned: float) -> list[str]:
    """What the verbose report adds: each lasting operation not found within a round (which project, when, and
    its project's looks around it), and each gap between two looks of a project longer than the planned round
    with the requests sent during it, by purpose (what the round was waiting for)."""
    observed, start = result["observed"], result["window"][0]
    lines = [""]
    for operation_id, project_id, at, found_after in operations.late:
        where = (
            "200-resource project"
            if project_id == result["big"]
            else "focused"
            if project_id == result["focused"]
            else "other project"
        )
        looks = sorted(t - at for t in observed.looks.get(project_id, ()) if at - 120 < t < at + 180)
        shown = "none" if found_after is None else f"{found_after:.1f} s"
        lines.append(f"late operation {operation_id} ({where}) at +{at - start:.0f} s, found after {shown}; "
                     f"looks of its project (s from its start): {[round(t, 1) for t in looks]}")  # fmt: skip
    long_gaps = []
    for project_id in result["others"]:
        times = sorted(t for t in observed.looks.get(project_id, ()) if start <= t <= result["window"][1])
        long_gaps += [(b - a, a, b, project_id) for a, b in itertools.pairwise(times) if b - a > planned]
    for gap, a, b, project_id in sorted(long_gaps, reverse=True)[:25]:
        spent: dict[str, int] = defaultdict(int)
        for at, purpose in observed.requests:
            if a < at <= b:
                spent[purpose] += 1
        split = ", ".join(f"{name} {n}" for name, n in sorted(spent.items(), key=lambda i: -i[1]))
        lines.append(
            f"gap {gap:.1f} s ({project_id}, from +{a - start:.0f} s): {sum(spent.values())} requests: {split}"
        )
    return lines


def like_for_like_rows(result: dict[str, Any], delays) -> list[tuple[str, str, str, bool, str]]:
    """The current monitor against the old version's (same world, same focus, same budget, own key), on the same
    subsets of the other one-page projects' status changes, matched the same plain way."""
    others = set(result["others"])
    events = result["observed"].events
    new_reports = [(e.subject_id, str(e.new), e.at.timestamp()) for e in events if e.kind.value == STATUS]
    old_events = result["old_events"]
    old_reports = [(e["subject_id"], str(e["new"]), float(e["at"])) for e in old_events if e["kind"] == STATUS]
    subsets = (
        ("into error", lambda c: c["project_id"] in others and c["new"] == "error"),
        ("into or out of error", lambda c: c["project_id"] in others and "error" in (c["new"], c["old"])),
        ("every status change", lambda c: c["project_id"] in others),
    )
    rows = []
    for name, keep in subsets:
        total, new = first_reports(result["changes"], new_reports, keep, result["end_seq"])
        _, old = first_reports(result["changes"], old_reports, keep, result["end_seq"])
        both = set(new) & set(old)
        rows.append((
            f"other projects, changes {name}: reported of {total}; delay median / p95 (s); "
            f"on the {len(both)} both reported",
            f"{len(new)}; {delays(list(new.values()))}; {delays([new[s] for s in both])}",
            "at least as good as the old sweep",
            len(new) >= len(old) and (not both or percentile([new[s] for s in both], 0.5)
                                       <= percentile([old[s] for s in both], 0.5)),
            f"old sweep: {len(old)}; {delays(list(old.values()))}; {delays([old[s] for s in both])}",
        ))  # fmt: skip
    return rows


def raw_figures(result: dict[str, Any]) -> dict[str, Any]:
    """The samples behind the summary, for pooling several runs (`--save`): the delays of the other projects'
    changes into `error` (ours and, with --old-sweep, the old sweep's), the gaps between two looks, the plan."""
    others = set(result["others"])
    events = result["observed"].events
    keep = lambda c: c["project_id"] in others and c["new"] == "error"  # noqa: E731
    new_reports = [(e.subject_id, str(e.new), e.at.timestamp()) for e in events if e.kind.value == STATUS]
    total, new = first_reports(result["changes"], new_reports, keep, result["end_seq"])
    figures: dict[str, Any] = {"into_error_total": total, "into_error_ours": list(new.values())}
    if result.get("old_events") is not None:
        old_reports = [(e["subject_id"], str(e["new"]), float(e["at"])) for e in result["old_events"]
                       if e["kind"] == STATUS]  # fmt: skip
        _, old = first_reports(result["changes"], old_reports, keep, result["end_seq"])
        figures["into_error_old"] = list(old.values())
        figures["into_error_both"] = [(new[s], old[s]) for s in set(new) & set(old)]
    figures["gaps"] = measured_round(result["observed"].looks, others, *result["window"])
    figures["planned_round"] = sorted(result["observed"].round_seconds)
    return figures


def poller_interval_of(result: dict[str, Any]) -> float:
    return float(result["poller"].interval)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench coverage", description=__doc__.splitlines()[0])
    world_arguments(parser, duration=600.0, speed=1.0, tail=90.0)
    parser.add_argument("--poller-interval", type=float, default=28.0, help="naive poller's cycle (~50 requests/min)")
    parser.add_argument(
        "--old-sweep",
        metavar="REF",
        help="also run the monitor of git revision REF beside it (e.g. eef50ea^, before issue 11) and compare",
    )
    parser.add_argument("--save", metavar="FILE", help="also write the raw samples (JSON) to pool several runs")
    parser.add_argument(
        "--push",
        action="store_true",
        help="with webhooks: the simulator's pushes delivered to cftui's receiver (polling goes on beside them)",
    )
    args = parser.parse_args(argv)
    flags = starter_world(args.seed)
    keys = {**KEYS, "hook": HOOK_KEY} if args.push else KEYS
    with contextlib.ExitStack() as stack:
        old_tree = stack.enter_context(extracted(args.old_sweep)) if args.old_sweep else None
        sim = stack.enter_context(start_sim_process(*flags, "--speed", str(args.speed), keys=keys))
        result = asyncio.run(run(sim, args.duration, args.tail, args.poller_interval, old_tree, args.push))
    print(report(result, args.verbose))
    if args.save:
        Path(args.save).write_text(json.dumps(raw_figures(result)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
