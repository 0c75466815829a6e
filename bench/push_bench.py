"""Push against polling alone: requests a minute, how soon a change becomes an event, and push stopping mid-run.

Three runs on the same world (a Starter-plan simulator, 20 projects x 50 resources, seed and speed fixed), each a
live monitor with the default settings following one project:

1. polling alone;
2. with the webhook receiver, the simulator's webhook pointed at it (push healthy);
3. with push healthy, then the webhook deleted half-way (push stopped): how long until the mode says silent and
   the sweep of the other projects is back at its full pace.

A fourth measure floods the receiver with 1,000 badly signed deliveries from another process and reports the worst
delay of the monitor's event loop meanwhile.

    python -m bench push [--duration 90] [--speed 10] [--silence 20]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx

from bench.simproc import READ_KEY, TEST_KEY, SimServer, start_sim_process
from cftui.api.client import CloudForgeClient
from cftui.api.client_events import ClientEvent, RequestFinished
from cftui.api.keys import ApiKey
from cftui.monitor import Monitor
from cftui.monitor.events import ChangeEvent
from cftui.monitor.push import PushFeed
from cftui.monitor.push_listen import parse_listen
from cftui.monitor.state import MonitorUpdate, PushMode

SECRET = "bench-push-secret-0123456789abcdef"
EVENTS = ["resource.created", "resource.updated", "resource.deleted", "resource.status_changed",
          "operation.completed", "operation.failed", "cost.threshold_exceeded"]  # fmt: skip


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


@dataclass
class Run:
    requests: list[tuple[float, str]] = field(default_factory=list)  # (monotonic time, "sweep" | "op" | "other")
    events: list[ChangeEvent] = field(default_factory=list)
    modes: list[tuple[float, PushMode]] = field(default_factory=list)
    stopped_at: float | None = None
    started: float = 0.0
    saved_shown: float = 0.0
    confirmed: int = 0
    contradicted: int = 0

    def per_minute(self, start: float, end: float, only: str | None = None) -> float:
        count = sum(1 for at, what in self.requests if start <= at < end and (only is None or what == only))
        return count * 60.0 / max(end - start, 1e-9)


async def _register(sim: SimServer, url: str) -> str:
    """The webhook, with its cost threshold at the median project's cost: projects drift across it now and then."""
    headers = {"Authorization": f"Bearer {TEST_KEY}"}
    async with httpx.AsyncClient(timeout=10) as client:
        listed = (await client.get(f"{sim.base_url}/projects", params={"per_page": 100}, headers=headers)).json()
        costs = sorted(float(p.get("monthly_cost") or 0) for p in listed["data"])
        threshold = costs[len(costs) // 2] if costs else 10_000.0
        response = await client.post(
            f"{sim.base_url}/webhooks",
            json={"url": url, "events": EVENTS, "secret": SECRET, "cost_threshold": threshold},
            headers=headers,
        )
    response.raise_for_status()
    return str(response.json()["data"]["id"])


async def _delete(sim: SimServer, hook_id: str) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        await client.delete(f"{sim.base_url}/webhooks/{hook_id}", headers={"Authorization": f"Bearer {TEST_KEY}"})


async def one_run(sim: SimServer, duration: float, *, push: bool, stop_after: float | None, silence: float) -> Run:
    run = Run()
    client = CloudForgeClient(sim.base_url, ApiKey.parse(READ_KEY))

    focused: list[str] = []

    def on_request(event: ClientEvent) -> None:
        if isinstance(event, RequestFinished):
            path = event.path
            is_sweep = "/resources" in path and path.count("/") == 3 and not (focused and focused[0] in path)
            what = "sweep" if is_sweep else "op" if path.startswith("/operations") else "other"
            run.requests.append((time.monotonic(), what))

    client.add_listener(on_request)
    feed = PushFeed(parse_listen("127.0.0.1:0"), SECRET, silence_s=silence) if push else None
    monitor = Monitor(client, owns_client=True, push=feed)

    def on_update(update: MonitorUpdate) -> None:
        run.events.extend(update.events)
        mode = update.snapshot.push.mode
        if not run.modes or run.modes[-1][1] is not mode:
            run.modes.append((time.monotonic(), mode))
        if mode is PushMode.PUSH:
            run.saved_shown = max(run.saved_shown, update.snapshot.push.saved_per_minute)

    monitor.add_listener(on_update)
    task = asyncio.create_task(monitor.run())
    first_look = asyncio.Event()
    monitor.add_listener(lambda update: first_look.set() if update.snapshot.projects else None)
    await first_look.wait()
    assert monitor.snapshot.projects is not None
    focused.append(monitor.snapshot.projects.value[0].id)
    monitor.focus_project(focused[0])
    hook_id = await _register(sim, f"http://{monitor.snapshot.push.listen}/webhook") if push else None
    run.started = time.monotonic()
    while time.monotonic() - run.started < duration:
        await asyncio.sleep(0.2)
        if (
            hook_id
            and stop_after is not None
            and run.stopped_at is None
            and time.monotonic() - run.started > stop_after
        ):
            await _delete(sim, hook_id)
            run.stopped_at = time.monotonic()
    run.confirmed, run.contradicted = monitor.snapshot.push.confirmed, monitor.snapshot.push.contradicted
    await monitor.aclose()
    await task
    return run


async def push_latency(sim: SimServer, run: Run) -> dict[str, list[float]]:
    """Seconds from the journal's record of a change to its pushed event: status changes, operations' ends, and cost
    thresholds (from the project's last cost change the journal recorded before the event)."""
    async with httpx.AsyncClient(timeout=10) as client:
        journal = (await client.get(f"{sim.root_url}/_sim/changes", params={"since": 0, "limit": 100000})).json()

    def at(change: dict[str, Any]) -> float:
        return datetime.fromisoformat(change["at"].replace("Z", "+00:00")).timestamp()

    changes = journal["changes"]
    statuses = {(c["resource_id"], c["new"]): at(c) for c in changes if c["kind"] == "resource.status_changed"}
    ends = {c["operation_id"]: at(c) for c in changes if c["kind"] in ("operation.completed", "operation.failed")}
    costs: dict[str, list[float]] = {}
    for change in changes:
        if change["kind"] == "cost.changed" and change.get("project_id"):
            costs.setdefault(change["project_id"], []).append(at(change))
    delays: dict[str, list[float]] = {"status": [], "operation": [], "threshold": []}
    for event in run.events:
        if event.source != "push":
            continue
        shown = event.at.timestamp()
        kind = event.kind.value
        if kind == "resource.status_changed" and (event.subject_id, event.new) in statuses:
            delays["status"].append(shown - statuses[(event.subject_id, event.new)])
        elif kind in ("operation.completed", "operation.failed") and event.subject_id in ends:
            delays["operation"].append(shown - ends[event.subject_id])
        elif kind == "cost.threshold_exceeded":
            before = [t for t in costs.get(event.subject_id, []) if t <= shown]
            if before:
                delays["threshold"].append(shown - max(before))
    return delays


async def flood_lag(count: int = 1000) -> tuple[float, dict[str, Any]]:
    feed = PushFeed(parse_listen("127.0.0.1:0"), SECRET)
    feed.connect(None, lambda changes: None, lambda: None)  # type: ignore[arg-type]
    await feed.start()
    url = f"http://{feed.receiver.bound}/webhook"
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.push.flooder", url, str(count), "50", stdout=asyncio.subprocess.PIPE
    )
    worst = 0.0
    started = time.monotonic()
    waiter = asyncio.create_task(process.communicate())
    while not waiter.done():
        before = time.monotonic()
        await asyncio.sleep(0.01)
        worst = max(worst, time.monotonic() - before - 0.01)
    out, _ = await waiter
    took = time.monotonic() - started
    await feed.stop()
    return worst, {"codes": json.loads(out), "seconds": round(took, 2)}


def _sim_args(args: argparse.Namespace) -> list[str]:
    return ["--plan", "starter", "--projects", "20", "--resources", "50", "--seed", str(args.seed),
            "--speed", str(args.speed)]  # fmt: skip


async def measure(args: argparse.Namespace) -> dict[str, Any]:
    results: dict[str, Any] = {}
    with start_sim_process(*_sim_args(args)) as sim:
        polling = await one_run(sim, args.duration, push=False, stop_after=None, silence=args.silence)
    with start_sim_process(*_sim_args(args)) as sim:
        pushed = await one_run(sim, args.duration, push=True, stop_after=None, silence=args.silence)
        latency = await push_latency(sim, pushed)
    with start_sim_process(*_sim_args(args)) as sim:
        stopping = await one_run(sim, args.duration, push=True, stop_after=args.duration / 2, silence=args.silence)
    warm = 20.0  # the first seconds list every project once: not the steady state
    for name, run in (("polling", polling), ("push", pushed)):
        end = run.started + args.duration
        results[name] = {
            "per_minute": round(run.per_minute(run.started + warm, end), 1),
            "sweep_per_minute": round(run.per_minute(run.started + warm, end, only="sweep"), 1),
            "operations_per_minute": round(run.per_minute(run.started + warm, end, only="op"), 1),
        }
    results["push"]["saved_shown"] = pushed.saved_shown
    results["push"]["confirmed"], results["push"]["contradicted"] = pushed.confirmed, pushed.contradicted
    results["latency"] = {
        kind: {"median": percentile(values, 0.5), "p95": percentile(values, 0.95), "n": len(values)}
        for kind, values in latency.items()
    }
    silent_at = next((at for at, mode in stopping.modes if mode is PushMode.SILENT and at > (stopping.stopped_at or 0)),
                     None)  # fmt: skip
    first_sweep = next(
        (at for at, what in stopping.requests if what == "sweep" and silent_at and at >= silent_at), None
    )
    results["stop"] = {
        "silent_after": round(silent_at - stopping.stopped_at, 1) if silent_at and stopping.stopped_at else None,
        "first_sweep_after_silent": round(first_sweep - silent_at, 2) if first_sweep and silent_at else None,
        "sweep_per_minute_after": round(
            stopping.per_minute(silent_at, stopping.started + args.duration, only="sweep"), 1
        ) if silent_at else None,
    }  # fmt: skip
    worst, flood = await flood_lag()
    results["flood"] = {"worst_loop_delay_ms": round(worst * 1000, 1), **flood}
    return results


def table(results: dict[str, Any], args: argparse.Namespace) -> str:
    poll, push, stop, lat = results["polling"], results["push"], results["stop"], results["latency"]
    saving = 100.0 * (1 - push["per_minute"] / poll["per_minute"]) if poll["per_minute"] else float("nan")
    latency_rows = [
        (f"pushed {what} -> event: median / p95", f"{lat[kind]['median']:.2f} s / {lat[kind]['p95']:.2f} s",
         f"{lat[kind]['n']} changes; journal time to event time")
        for kind, what in (("status", "status change"), ("operation", "operation's end"), ("threshold", "threshold"))
    ]  # fmt: skip
    rows = [
        ("requests per minute, polling alone", f"{poll['per_minute']}",
         f"sweep {poll['sweep_per_minute']}, operations {poll['operations_per_minute']}"),
        ("requests per minute, push healthy", f"{push['per_minute']}",
         f"sweep {push['sweep_per_minute']}, operations {push['operations_per_minute']}"),
        ("saving with push", f"{saving:.0f} %", f"status line showed up to {push['saved_shown']}/min saved"),
        *latency_rows,
        ("pushes confirmed / contradicted", f"{push['confirmed']} / {push['contradicted']}", "targeted GETs"),
        ("push stopped: silent after", f"{stop['silent_after']} s", f"silence threshold {args.silence:g} s"),
        ("push stopped mid-run: first sweep after silent", f"{stop['first_sweep_after_silent']} s",
         "full pace within one interval (5 s)"),
        ("push stopped: sweep requests a minute after", f"{stop['sweep_per_minute_after']}",
         f"polling alone: {poll['sweep_per_minute']}"),
        ("flood of 1,000 bad deliveries: worst loop delay", f"{results['flood']['worst_loop_delay_ms']} ms",
         f"{results['flood']['codes']} in {results['flood']['seconds']} s"),
    ]  # fmt: skip
    world = f"Starter plan, 20 projects x 50 resources, speed {args.speed:g}, {args.duration:g} s a run"
    head = f"Push benchmark: {world}\n\n| measure | value | note |\n|---|---|---|"
    return head + "\n" + "\n".join(f"| {a} | {b} | {c} |" for a, b, c in rows)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench push", description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=90.0)
    parser.add_argument("--speed", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--silence", type=float, default=20.0, help="silence threshold for this run (default 60 s)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    results = asyncio.run(measure(args))
    print(json.dumps(results, indent=2) if args.json else table(results, args))
    return 0
