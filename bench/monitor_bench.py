"""The live monitor on a Starter plan: requests it spends, 429s it meets, and how soon a change becomes an event.

A simulator with 20 projects x 50 resources runs its world sped up; the monitor (interval 5 s, budget 0.5) follows
one project and visits the others in its round (each listed whole: one page each). Afterwards every change in the
simulator's journal (`/_sim/changes`, with the real time it happened) is matched with the event that reported it,
and the delays are summarised. No status change is left out as "not observable" any more: every one
is counted as seen, missed or superseded.

    python -m bench monitor [--duration 120] [--speed 10] [--interval 5]
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bench.simproc import READ_KEY, SimServer, start_sim_process, starter_world, world_arguments
from cftui.api.client import CloudForgeClient
from cftui.api.keys import ApiKey
from cftui.monitor import Monitor
from cftui.monitor.events import ChangeEvent, EventKind

STATUS = EventKind.RESOURCE_STATUS_CHANGED.value
NEW_RESOURCE_S = 60.0  # a resource this young in another project may not have been seen yet (one round)


def _time(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


@dataclass
class Outcome:
    delays: list[float] = field(default_factory=list)
    missed: int = 0  # observable, not superseded, and no event came
    superseded: int = 0  # changed again before the next look: nothing left to see
    missed_changes: list[dict[str, Any]] = field(default_factory=list)

    def add(self, delay: float | None, change: dict[str, Any]) -> None:
        if delay is None:
            self.missed += 1
            self.missed_changes.append(change)
        else:
            self.delays.append(delay)


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def busiest_minute(times: list[float]) -> int:
    """The most requests in any 60 s window."""
    ordered, best, start = sorted(times), 0, 0
    for end, at in enumerate(ordered):
        while ordered[start] <= at - 60.0:
            start += 1
        best = max(best, end - start + 1)
    return best


class Matcher:
    """Finds, for a journal change, the first event that reports it."""

    def __init__(self, events: list[ChangeEvent], changes: list[dict[str, Any]]) -> None:
        self.by_subject: dict[tuple[str, str], list[ChangeEvent]] = defaultdict(list)
        for event in events:
            self.by_subject[(event.kind.value, event.subject_id)].append(event)
        # the next change of the same resource along the same dimension, to tell superseded changes apart
        self.next_change_at: dict[int, float] = {}
        last: dict[tuple[str, str], dict[str, Any]] = {}
        for change in changes:
            key = (_dimension(change["kind"]), change.get("resource_id") or change.get("project_id") or "")
            if key in last:
                self.next_change_at[last[key]["seq"]] = _time(change["at"])
            last[key] = change

    def first(self, kind: str, subject: str, after: float, before: float | None, test=lambda e: True) -> float | None:
        for event in self.by_subject.get((kind, subject), []):
            at = event.at.timestamp()
            if at >= after - 0.05 and (before is None or at <= before) and test(event):
                return max(0.0, at - after)
        return None

    def seen_in_error(self, resource_id: str, before: float) -> bool:
        """Whether an event told of this resource entering `error` before `before`."""
        events = self.by_subject.get((STATUS, resource_id), [])
        entered = [e.at.timestamp() for e in events if e.new == "error" and e.at.timestamp() <= before + 0.05]
        left = [e.at.timestamp() for e in events if e.old == "error" and e.at.timestamp() <= before + 0.05]
        return bool(entered) and (not left or max(entered) > max(left))

    def project_event(self, project_id: str, after: float) -> float | None:
        candidates = [
            self.first(EventKind.COST_CHANGED.value, project_id, after, None),
            self.first(EventKind.PROJECT_UPDATED.value, project_id, after, None),
        ]
        found = [c for c in candidates if c is not None]
        return min(found) if found else None


def _dimension(kind: str) -> str:
    return {"resource.created": "exists", "resource.deleted": "exists"}.get(kind, kind)


def measure(
    changes: list[dict[str, Any]], events: list[ChangeEvent], focused: str, end_seq: int
) -> tuple[Outcome, Outcome]:
    """Delays for the changes up to `end_seq` (later ones only tell whether an earlier one was superseded)."""
    matcher = Matcher(events, changes)
    near, far = Outcome(), Outcome()
    unseen: dict[str, dict[str, Any]] = {}  # resource -> its last status change that no event reported
    created_at = {c["resource_id"]: _time(c["at"]) for c in changes if c["kind"] == "resource.created"}
    for change in changes:
        if change["seq"] > end_seq:
            break
        kind, at = change["kind"], _time(change["at"])
        resource, project = change.get("resource_id"), change.get("project_id")
        superseded_at = matcher.next_change_at.get(change["seq"])
        if kind not in ("resource.status_changed", "resource.created", "resource.deleted", "cost.changed"):
            continue  # operation steps and project edits are measured by their own tests
        # Every status change is observable in every project now (one-page projects are listed whole each round):
        # the focused project's and the others' are matched alike, each against its own outcome.
        if project == focused or kind == STATUS:
            outcome = near if project == focused else far
            if superseded_at is not None and matcher.first(kind, resource, at, superseded_at) is None:
                outcome.superseded += 1
                if kind == STATUS:
                    unseen[resource] = change
                continue
            if kind == STATUS:
                before = unseen.pop(resource, None)
                if before is not None and before["old"] == change["new"]:
                    outcome.superseded += 1  # a flip and its undoing between two looks: nothing changed
                    continue
                test = lambda e, c=change: e.new == c["new"]  # noqa: E731
                delay = matcher.first(kind, resource, at, None, test)
                if delay is None:  # created and settled between two looks: the creation event tells it
                    delay = matcher.first(EventKind.RESOURCE_CREATED.value, resource, at - 60, None, test)
                if delay is None and project != focused and created_at.get(resource, -1e18) > at - NEW_RESOURCE_S:
                    # created and settled before the round came by: another project's creations are told by
                    # its project event, and the resource's first sight is a baseline
                    outcome.superseded += 1
                    continue
                outcome.add(delay, change)
            else:
                outcome.add(matcher.first(kind, resource, at, None), change)
            continue
        else:
            far.add(matcher.project_event(project, at), change)  # costs, creations and deletions show on the project
    return near, far


async def run_monitor(sim: SimServer, duration: float, interval: float, tail: float) -> dict[str, Any]:
    client = CloudForgeClient(sim.base_url, ApiKey.parse(READ_KEY))
    monitor = Monitor(client, interval=interval, budget=0.5, owns_client=True)
    events: list[ChangeEvent] = []
    monitor.add_listener(lambda update: events.extend(update.events))
    task = asyncio.create_task(monitor.run())
    ready = asyncio.Event()
    monitor.add_listener(lambda update: update.snapshot.projects is not None and ready.set())
    await ready.wait()
    focused = monitor.snapshot.projects.value[0].id
    monitor.focus_project(focused)
    await asyncio.to_thread(sim.control, "DELETE", "stats")
    start_seq = (await asyncio.to_thread(sim.control, "GET", "changes?since=0&limit=1"))["last_seq"]
    started = time.monotonic()
    await asyncio.sleep(duration)
    elapsed = time.monotonic() - started
    stats = await asyncio.to_thread(sim.control, "GET", "stats")
    end_seq = (await asyncio.to_thread(sim.control, "GET", "changes?since=0&limit=1"))["last_seq"]
    await asyncio.sleep(tail)  # let changes made near the end be seen (these requests are not counted)
    snapshot = monitor.snapshot
    await monitor.aclose()
    await task
    journal = await asyncio.to_thread(sim.control, "GET", f"changes?since={start_seq}")
    return {
        "elapsed": elapsed,
        "stats": stats,
        "changes": journal["changes"],  # through the tail, so that what happened next is known
        "end_seq": end_seq,
        "events": events,
        "focused": focused,
        "effective_interval": snapshot.effective_interval,
    }


def report(result: dict[str, Any], interval: float, verbose: bool = False) -> str:
    stats, elapsed = result["stats"], result["elapsed"]
    per_minute = stats["requests"] * 60.0 / elapsed
    busiest = busiest_minute([_time(r["at"]) for r in stats["recent"]])
    near, far = measure(result["changes"], result["events"], result["focused"], result["end_seq"])
    counted = sum(1 for c in result["changes"] if c["seq"] <= result["end_seq"])
    near_p95, far_p95 = percentile(near.delays, 0.95), percentile(far.delays, 0.95)
    rows = [
        ("requests per minute (average)", f"{per_minute:.1f}", "<= 50 (half of Starter's 100)", per_minute <= 50.5),
        ("requests in the busiest 60 s", str(busiest), "<= 50", busiest <= 50),
        ("429 responses", str(stats["by_status"].get("429", 0)), "0", stats["by_status"].get("429", 0) == 0),
        ("effective interval (s)", f"{result['effective_interval']:.1f}", f"asked {interval:g}", True),
        (
            "focused: delay median / p95 (s)",
            f"{percentile(near.delays, 0.5):.2f} / {near_p95:.2f}",
            f"p95 <= {interval + 2:g}",
            near_p95 <= interval + 2,
        ),
        (
            "focused: changes seen / missed / superseded",
            f"{len(near.delays)} / {near.missed} / {near.superseded}",
            "none missed",
            near.missed == 0,
        ),
        (
            "others: delay median / p95 (s)",
            f"{percentile(far.delays, 0.5):.2f} / {far_p95:.2f}",
            "p95 <= 60",
            far_p95 <= 60,
        ),
        (
            "others: status changes, costs, creations: seen / missed / superseded",
            f"{len(far.delays)} / {far.missed} / {far.superseded}",
            "none missed",
            far.missed == 0,
        ),
    ]
    lines = [
        f"Monitor benchmark: Starter plan, 20 projects x 50 resources, {elapsed:.0f} s window, "
        f"{counted} changes in the world",
        "",
        "| measure | value | target | met |",
        "|---|---|---|---|",
    ]
    lines += [f"| {name} | {value} | {target} | {'yes' if ok else 'NO'} |" for name, value, target, ok in rows]
    if verbose:
        for where, outcome in (("focused", near), ("others", far)):
            for change in outcome.missed_changes:
                lines.append(f"missed ({where}): {change}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench monitor", description=__doc__.splitlines()[0])
    world_arguments(parser, duration=120.0, speed=10.0, tail=60.0)
    parser.add_argument("--interval", type=float, default=5.0, help="the monitor's interval (default 5)")
    args = parser.parse_args(argv)
    flags = starter_world(args.seed)
    with start_sim_process(*flags, "--speed", str(args.speed)) as sim:
        result = asyncio.run(run_monitor(sim, args.duration, args.interval, args.tail))
    print(report(result, args.interval, args.verbose))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
