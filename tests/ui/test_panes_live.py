"""The panes on the real monitor and client, against a `cftui sim` child: operations, events, palette, nasty data."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from textual.command import CommandPalette

from cftui.api.sanitize import sanitize_text
from cftui.ui.commands import ProjectProvider, ResourceProvider
from cftui.ui.widgets.event_feed import EventFeed
from cftui.ui.widgets.operations import OperationsPane
from tests.simproc import SimServer, running_sim
from tests.ui.dashboard import open_screen
from tests.ui.live import live_app, until
from tests.ui.panes_app import rendered_text

SIZE = (120, 40)


@pytest.fixture(scope="module")
def panes_sim() -> Iterator[SimServer]:
    """A static world these tests change themselves (operations, status changes)."""
    with running_sim("--seed", "33", "--static", "--plan", "enterprise", "--projects", "3", "--resources", "20") as sim:
        yield sim


@pytest.fixture(scope="module")
def nasty_sim() -> Iterator[SimServer]:
    with running_sim("--seed", "5", "--static", "--nasty", "--plan", "enterprise", "--projects", "4") as sim:
        yield sim


def start_operation(sim: SimServer, resource_id: str, outcome: str, duration_s: float) -> str:
    body = {
        "action": "start_operation",
        "resource_id": resource_id,
        "type": "update_resource",
        "outcome": outcome,
        "duration_s": duration_s,
    }
    return sim.control("POST", "mutate", body)["change"]["operation_id"]


def loaded_resources(app: Any) -> list[Any]:
    snapshot = app.latest_snapshot
    return [r for fetched in snapshot.resources.values() for r in fetched.value] if snapshot else []


async def test_a_watched_operation_streams_its_log_once_in_order_and_is_announced(panes_sim: SimServer) -> None:
    app = live_app(panes_sim, interval=0.3)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: loaded_resources(app), timeout=20, what="resources loaded")
        target = next(r for r in loaded_resources(app) if r.status == "running" and not r.operation_id)
        op_id = start_operation(panes_sim, target.id, "completed", 120)
        app.action_watch_operation(op_id)
        pane = app.query_one(OperationsPane)
        assert op_id in pane.watched_ids
        await until(pilot, lambda: (c := pane.card(op_id)) and c.operation is not None, timeout=20)
        card = pane.card(op_id)
        assert card is not None
        # drive the operation in steps so its log grows between polls
        for _ in range(6):
            panes_sim.control("POST", "advance", {"seconds": 25})
            before = card.lines_written
            await until(pilot, lambda b=before: card.lines_written > b or card.is_finished, timeout=20)
        await until(pilot, lambda: card.is_finished, timeout=20, what="operation finished")
        await until(pilot, lambda: any("completed" in n.message for n in app._notifications), timeout=10)
        served = panes_sim.get(f"operations/{op_id}").json()["data"]
        assert served["status"] == "completed"
        expected = [sanitize_text(line["message"]) for line in served["logs"]]
        await until(pilot, lambda: len(card.log_view.full_lines) >= len(expected), timeout=10)
        shown = [line.split("  ", 1)[1] for line in card.log_view.full_lines]  # on screen, long ones end in …
        assert shown == expected  # every line once, in the API's order
        assert "✔ completed" in rendered_text(card.header)
        assert "100%" in rendered_text(card.progress)
        note = next(n for n in app._notifications if n.title == "Operation completed")
        assert op_id in note.message and note.markup is False


async def test_a_failed_operation_is_announced_as_an_error(panes_sim: SimServer) -> None:
    app = live_app(panes_sim, interval=0.3)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: loaded_resources(app), timeout=20)
        target = next(r for r in loaded_resources(app) if r.status == "running" and not r.operation_id)
        op_id = start_operation(panes_sim, target.id, "failed", 30)
        app.action_watch_operation(op_id)
        panes_sim.control("POST", "advance", {"seconds": 60})
        await until(pilot, lambda: any(n.title == "Operation failed" for n in app._notifications), timeout=20)
        note = next(n for n in app._notifications if n.title == "Operation failed")
        assert note.severity == "error" and op_id in note.message
        card = app.query_one(OperationsPane).card(op_id)
        assert card is not None and "✖ failed" in rendered_text(card.header)


async def test_a_resource_going_to_error_shows_in_the_feed_notifies_and_rings(panes_sim: SimServer) -> None:
    app = live_app(panes_sim, interval=0.3)
    app.bell_on_error = True  # as with `bell = true` in the profile
    rings: list[int] = []
    app.bell = lambda: rings.append(1)  # type: ignore[method-assign]  # count the rings instead of beeping
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: loaded_resources(app), timeout=20)
        victim = next(r for r in loaded_resources(app) if r.status == "running" and not r.operation_id)
        panes_sim.control("POST", "mutate", {"action": "set_status", "resource_id": victim.id, "status": "error"})
        feed = app.query_one(EventFeed)
        await until(pilot, lambda: any("-> error" in t and victim.name in t for t in feed.line_texts), timeout=20)
        await until(pilot, lambda: any(n.title == "Resource error" for n in app._notifications), timeout=10)
        note = next(n for n in app._notifications if n.title == "Resource error")
        assert note.severity == "error" and victim.id in note.message
        assert rings == [1]
        panes_sim.control("POST", "mutate", {"action": "set_status", "resource_id": victim.id, "status": "running"})
        await until(pilot, lambda: any("error -> running" in t for t in feed.line_texts), timeout=20)
        assert rings == [1]  # recovery is news, not an alarm


async def test_palette_providers_on_the_nasty_world(nasty_sim: SimServer) -> None:
    app = live_app(nasty_sim, interval=0.5)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: loaded_resources(app), timeout=20)
        projects = app.latest_snapshot.projects.value
        found = [hit async for hit in ProjectProvider(app.screen).discover()]
        assert len(found) == len(projects)
        for hit in found:
            assert "\x1b" not in hit.text and "\x07" not in hit.text
        resources = [hit async for hit in ResourceProvider(app.screen).search("a")]
        assert resources, "the nasty world's resources are searchable"
        hostile = [r for r in loaded_resources(app) if "[" in r.name]
        assert hostile, "the nasty world names some resources with brackets"
        await open_screen(pilot, "ctrl+p", CommandPalette)
        await pilot.press(*"[")
        await pilot.pause(0.5)
        assert app.is_running
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, CommandPalette))
        # and a hostile name in the events feed stays text
        victim = hostile[0]
        nasty_sim.control("POST", "mutate", {"action": "set_status", "resource_id": victim.id, "status": "error"})
        feed = app.query_one(EventFeed)
        await until(pilot, lambda: any(victim.name[:40] in t for t in feed.line_texts), timeout=20)
        assert app.is_running
