"""What `status` and `watch` leave in the history: no repeated "found an operation" events, and the end of an
operation that only `watch` saw is recorded once."""

from __future__ import annotations

import asyncio

from cftui.monitor.events import ChangeEvent
from cftui.monitor.history import History
from tests.headless.runner import run_piped
from tests.headless.simworld import projects, resources, running_resource_ids, start_operation
from tests.simproc import running_sim


def _recorded(api_url: str) -> list[ChangeEvent]:
    async def read() -> list[ChangeEvent]:
        history = History.for_api_url(api_url)
        try:
            return await history.recent_events(1000)
        finally:
            await history.aclose()

    return asyncio.run(read())


def _events(api_url: str) -> list[tuple[str, str]]:
    return [(e.kind.value, e.subject_id) for e in _recorded(api_url)]


def test_status_runs_record_no_operation_news_and_watch_records_the_end() -> None:
    with running_sim(
        "--seed", "7", "--static", "--speed", "40", "--plan", "enterprise", "--projects", "2", "--resources", "10"
    ) as sim:
        resource_id = running_resource_ids(sim, 1)[0]
        operation_id = start_operation(sim, resource_id, "completed", 3600)
        for _ in range(3):
            done = run_piped("status", "--format", "json", "--api-url", sim.base_url)
            assert done.code in (0, 1), done.stderr
        about_it = [kind for kind, subject in _events(sim.base_url) if subject == operation_id]
        assert about_it == [], about_it  # a one-shot look is a baseline, not news

        sim.control("POST", "advance", {"seconds": 3600})
        for _ in range(2):  # the second watch sees it already completed: not recorded twice
            done = run_piped("watch", operation_id, "--api-url", sim.base_url)
            assert done.code == 0, done.stderr
        about_it = [kind for kind, subject in _events(sim.base_url) if subject == operation_id]
        assert about_it == ["operation.completed"], about_it
        # written through the monitor's HistoryFeed, naming the resource and its project (found by `watch`)
        (end,) = [e for e in _recorded(sim.base_url) if e.subject_id == operation_id]
        owner = next(p for p in projects(sim) if any(r["id"] == resource_id for r in resources(sim, p["id"])))
        named = next(r for r in resources(sim, owner["id"]) if r["id"] == resource_id)
        assert (end.subject_name, end.project_id) == (named["name"], owner["id"])


def test_watch_records_nothing_with_no_history() -> None:
    with running_sim("--seed", "7", "--static", "--speed", "40", "--projects", "1", "--resources", "5") as sim:
        operation_id = start_operation(sim, running_resource_ids(sim, 1)[0], "failed", 1)
        done = run_piped("watch", operation_id, "--no-history", "--api-url", sim.base_url)
        assert done.code == 1, done.stderr
        assert _events(sim.base_url) == []
