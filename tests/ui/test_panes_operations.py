"""OperationsPane in a small host App, fed MonitorUpdates built from real model objects."""

from __future__ import annotations

import asyncio
import concurrent.futures
from dataclasses import replace
from datetime import timedelta

from rich.cells import cell_len
from textual.widgets import Static

from cftui.api.sanitize import sanitize_tree as sanitized
from cftui.monitor.state import ResourcesChanged
from cftui.ui.widgets.operation_card import OperationLogView
from cftui.ui.widgets.operations import MAX_FINISHED_CARDS, OperationCard, OperationsPane, timing_text
from tests.builders import T0, log_line, operation, project, resource, snapshot, update
from tests.hostile import NASTY_RAW
from tests.polling import until
from tests.ui.panes_app import FrozenClock, PanesApp, rendered_text

SIZE = (120, 40)


def shows(log: OperationLogView) -> bool:
    """The log is laid out and each row on screen starts with its line cut to the log's width (a row ends with
    the scrollbar's column)."""
    if log.content_width <= 0:  # not laid out yet (maybe not even mounted)
        return False
    rows, shown = rendered_text(log).splitlines(), log.shown_lines()
    if not rows or not shown:
        return False
    return all(row.startswith(line.rstrip()) for row, line in zip(rows, shown[-len(rows) :], strict=False))


def world(*ops, names: dict[str, str] | None = None):
    names = names or {"res_web1": "web-1"}
    resources = [resource(rid, name, operation_id="op_1") for rid, name in names.items()]
    return snapshot(projects=[project("proj_a", "shop")], resources={"proj_a": resources}, operations=ops)


async def test_running_operation_shows_bar_status_type_resource_and_times() -> None:
    clock = FrozenClock(T0 + timedelta(seconds=65))
    app = PanesApp(clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        app.feed(update(world(operation("op_1", progress=45))))
        await pilot.pause()
        pane = app.query_one(OperationsPane)
        assert pane.watched_ids == ("op_1",)
        text = rendered_text(pane)
        assert "▶ in progress" in text
        assert "update_resource on web-1" in text
        assert "op_1" in text and "res_web1" in text
        assert "[█████████░░░░░░░░░░░]  45%" in text
        assert "elapsed 1m 05s" in text
        assert "left in 3m 55s" in text
        assert "ETA 14:05:00" in text


async def test_time_left_counts_down_with_the_clock_and_stops_when_finished() -> None:
    clock = FrozenClock(T0 + timedelta(seconds=10))
    app = PanesApp(clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        app.feed(update(world(operation("op_1"))))
        await pilot.pause()
        pane = app.query_one(OperationsPane)
        assert "left in 4m 50s" in rendered_text(pane)
        clock.advance(60)
        await until(pilot, lambda: "left in 3m 50s" in rendered_text(pane))
        assert "elapsed 1m 10s" in rendered_text(pane)
        done = operation(
            "op_1", status="completed", progress=100, completed_at=(T0 + timedelta(seconds=90)).isoformat()
        )
        app.feed(update(world(done)))
        await pilot.pause()
        text = rendered_text(pane)
        assert "✔ completed" in text and "took 1m 30s" in text and "100%" in text
        clock.advance(600)
        await pilot.pause(1.2)  # a tick would rewrite the text; a finished operation must not change
        assert "took 1m 30s" in rendered_text(pane)


def test_timing_text_for_queued_and_unknown_eta() -> None:
    now = T0 + timedelta(seconds=5)
    assert timing_text(operation("op_q", status="pending", started=None), now) == "queued, not started yet"
    assert "time left unknown" in timing_text(operation("op_u", eta=None), now)
    assert "due now" in timing_text(operation("op_late", eta=T0), now)


async def test_log_lines_stream_once_each_in_order() -> None:
    app = PanesApp()
    async with app.run_test(size=SIZE) as pilot:
        first = [log_line(1, "Initializing resource update"), log_line(2, "Draining connections")]
        second = [log_line(3, "Applying configuration"), log_line(4, "Health checks passing")]
        op = operation("op_1", logs=first)
        app.feed(update(world(op), new_log_lines={"op_1": first}))
        # the same snapshot again, with nothing new: nothing is written twice
        app.feed(update(world(op)))
        op2 = operation("op_1", progress=80, logs=first + second)
        app.feed(update(world(op2), new_log_lines={"op_1": second}))
        await pilot.pause()
        card = app.query_one(OperationsPane).card("op_1")
        assert card is not None
        assert list(card.log_view.lines) == [
            "14:00:01  Initializing resource update",
            "14:00:02  Draining connections",
            "14:00:03  Applying configuration",
            "14:00:04  Health checks passing",
        ]
        assert "Health checks passing" in rendered_text(card.log_view)


async def test_completion_and_failure_are_announced_once_with_severity() -> None:
    app = PanesApp()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        pane = app.query_one(OperationsPane)
        pane.expect("op_a")
        pane.expect("op_b")
        running_a = operation("op_a", rid="res_web1")
        running_b = operation("op_b", rid="res_web1", otype="restart")
        app.feed(update(world(running_a, running_b)))
        await pilot.pause()
        assert list(app._notifications) == []
        ok = operation("op_a", status="completed", progress=100)
        failed = operation("op_b", status="failed", progress=60, otype="restart", error="disk quota [red]exceeded[/]")
        app.feed(update(world(ok, failed)))
        app.feed(update(world(ok, failed)))  # seen again: no second announcement
        await pilot.pause()
        notes = list(app._notifications)
        assert len(notes) == 2
        by_title = {n.title: n for n in notes}
        assert by_title["Operation completed"].severity == "information"
        assert "op_a (update_resource on web-1 in shop) completed" in by_title["Operation completed"].message
        failure = by_title["Operation failed"]
        assert failure.severity == "error"
        assert failure.markup is False
        assert "disk quota [red]exceeded[/]" in failure.message
        text = rendered_text(app.query_one(OperationsPane))
        assert "✖ failed" in text and "error: disk quota [red]exceeded[/]" in text


async def test_hostile_text_is_shown_literally_and_clicking_it_does_nothing() -> None:
    app = PanesApp()
    async with app.run_test(size=SIZE) as pilot:
        names = {"res_web1": NASTY_RAW["click"]}
        logs = [log_line(i, text) for i, text in enumerate(NASTY_RAW.values())]
        op = operation("op_1", otype=NASTY_RAW["markup"], logs=logs)
        app.feed(update(world(op, names=names), new_log_lines={"op_1": logs}))
        await pilot.pause()
        pane = app.query_one(OperationsPane)
        card = pane.card("op_1")
        assert card is not None
        header = rendered_text(card.header)
        assert "[bold red]alert[/] db" in header
        assert "[@click=app.quit]click me" in header
        # clicking on the would-be link: if it were markup, the app would quit
        column = header.index("[@click") + 3
        await pilot.click(card.header, offset=(column, 0))
        await pilot.pause()
        assert app.is_running
        log = card.log_view
        log_lines = log.full_lines
        assert len(log_lines) == len(NASTY_RAW)
        # on screen, a line longer than the log is cut with an ellipsis (a bare cut reads as a typo), to the
        # columns beside the scrollbar, once the log is laid out and painted at its width
        await until(pilot, lambda: shows(log), what="the log painted at its laid-out width")
        assert log.content_width == log.size.width - 1  # the scrollbar's column is not written over
        shown = log.shown_lines()
        assert all(cell_len(line) <= log.content_width for line in shown)
        assert shown[-1].endswith("…") and shown[-1][:-1] in log_lines[-1]
        assert cell_len(shown[-1]) == log.content_width
        expected = [sanitized(text) for text in NASTY_RAW.values()]
        for line, text in zip(log_lines, expected, strict=True):
            assert line.endswith(text)
            assert "\x1b" not in line and "\x07" not in line and "\u202e" not in line
        assert "oops [/] x" in rendered_text(card.log_view)
        assert "\\x1b]2;pwned\\x07" in log_lines[4]


async def test_log_lines_are_cut_again_to_the_new_content_width_when_the_pane_narrows() -> None:
    app = PanesApp()
    async with app.run_test(size=SIZE) as pilot:
        logs = [log_line(1, "step " + "x" * 200), log_line(2, "数据库-🚀-" * 20)]
        app.feed(update(world(operation("op_1", logs=logs)), new_log_lines={"op_1": logs}))
        card = app.query_one(OperationsPane).card("op_1")
        assert card is not None
        log = card.log_view
        await until(pilot, lambda: shows(log), what="the log painted at 120 columns")
        wide = log.content_width
        await pilot.resize_terminal(80, 24)
        await until(pilot, lambda: 0 < log.content_width < wide and shows(log), what="the log painted again at 80")
        assert [cell_len(line) for line in log.shown_lines()] == [log.content_width] * 2
        assert all(line.endswith("…") for line in log.shown_lines())
        assert log.full_lines[0].endswith("x" * 200)  # the whole line is kept for a wider pane


async def test_long_and_wide_names_do_not_break_the_pane() -> None:
    app = PanesApp()
    async with app.run_test(size=(80, 24)) as pilot:
        names = {"res_web1": NASTY_RAW["long"] + NASTY_RAW["wide"]}
        app.feed(update(world(operation("op_1"), names=names)))
        await pilot.pause()
        card = app.query_one(OperationsPane).card("op_1")
        assert card is not None
        assert card.resource_name is not None and len(card.resource_name) <= 60
        assert card.resource_name.endswith("…")
        assert app.is_running


async def test_expected_operation_shows_at_once_and_fills_in_later() -> None:
    app = PanesApp()
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(OperationsPane)
        assert "No operations watched" in rendered_text(pane)
        app.action_watch_operation("op_new")
        await pilot.pause()
        assert pane.watched_ids == ("op_new",)
        assert "waiting" in rendered_text(pane) and "No operations watched" not in rendered_text(pane)
        app.feed(update(world(operation("op_new", progress=10))))
        await pilot.pause()
        assert "▶ in progress" in rendered_text(pane)


async def test_old_finished_operations_leave_but_running_ones_stay() -> None:
    app = PanesApp()
    async with app.run_test(size=SIZE) as pilot:
        done = [operation(f"op_{i:02d}", status="completed", progress=100) for i in range(30)]
        running = operation("op_live")
        app.feed(update(world(running, *done)))
        await pilot.pause()
        ids = app.query_one(OperationsPane).watched_ids
        assert "op_live" in ids
        assert len(ids) == 21 and ids[-1] == "op_29"


async def test_an_update_that_changes_nothing_repaints_nothing() -> None:
    app = PanesApp()
    async with app.run_test(size=SIZE) as pilot:
        op = operation("op_1", status="completed", progress=100)
        app.feed(update(world(op)))
        card = app.query_one(OperationsPane).card("op_1")
        assert card is not None
        # the card is laid out and painted before repaints are counted
        await until(
            pilot,
            lambda: card.log_view.content_width > 0 and "✔ completed" in rendered_text(card.header),
            what="the card laid out and painted",
        )
        repaints: list[str] = []

        def counted(widget):
            original = widget.refresh

            def counting(*args, **kwargs):
                repaints.append(type(widget).__name__)
                return original(*args, **kwargs)

            return counting

        for widget in (card, card.header, card.progress, card.log_view):
            widget.refresh = counted(widget)  # type: ignore[method-assign]
        app.feed(update(world(op)))
        await asyncio.sleep(0)
        await pilot.pause()
        assert repaints == []


async def test_operations_found_on_resources_are_shown_quietly_and_capped() -> None:
    app = PanesApp()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        pane = app.query_one(OperationsPane)
        pane.expect("op_mine")
        background = [operation(f"op_bg{i:02d}") for i in range(14)]
        app.feed(update(world(operation("op_mine"), *background)))
        await pilot.pause()
        assert pane.watched_ids[0] == "op_mine"
        assert len(pane.watched_ids) == 1 + 10
        overflow = pane.query_one("#operations-overflow", Static)
        assert overflow.display and str(overflow.content) == "4 more operations running on resources are not shown."
        card = pane.card("op_bg00")
        assert card is not None and "op_bg00 · res_web1 · found on web-1 in shop" in rendered_text(card.ids)
        ended = [operation(f"op_bg{i:02d}", status="completed", progress=100) for i in range(14)]
        app.feed(update(world(operation("op_mine", status="failed", progress=70), *ended)))
        await pilot.pause()
        notes = list(app._notifications)
        assert [n.title for n in notes] == ["Operation failed"]  # only the one the user asked for
        assert not overflow.display


async def test_an_operation_found_on_a_resource_names_it_and_its_project() -> None:
    """`found on a resource` named nothing: the card names the resource and its project once they are known, from
    the organisation's view (a project never opened) or from the loaded resources."""
    from cftui.monitor.state import OrgView, ResourceRef

    app = PanesApp()
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(OperationsPane)
        unloaded = snapshot(projects=[project("proj_a", "shop")], operations=[operation("op_bg", resource_id="res_x")])
        app.feed(update(unloaded))
        await pilot.pause()
        card = pane.card("op_bg")
        assert card is not None and "op_bg · res_x · found on a resource" in rendered_text(card.ids)
        ref = ResourceRef("proj_b", "billing", "res_x", "ledger-db", "rds_instance", "running", None, T0)
        seen = replace(unloaded, org=OrgView(resources={"res_x": ref}, operation_subjects={"op_bg": ref}))
        app.feed(update(seen))
        await until(pilot, lambda: "found on ledger-db in billing" in rendered_text(card.ids), what="the names")
        assert "op_bg · res_x · found on ledger-db in billing" in rendered_text(card.ids)


async def test_an_operation_the_api_does_not_know_stops_waiting() -> None:
    app = PanesApp()
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(OperationsPane)
        pane.expect("op_nope")
        sentence = "Operation op_nope was not found (request req_1); it is no longer watched."
        snap = replace(world(), operation_errors={"op_nope": sentence})
        app.feed(update(snap))
        await pilot.pause()
        card = pane.card("op_nope")
        assert card is not None and card.is_finished
        assert "✖ not found" in rendered_text(card.header)
        assert "was not found (request req_1)" in rendered_text(card.progress)


async def test_watch_op_ids_from_the_command_line_count_as_asked_for() -> None:
    app = PanesApp()
    app.initial_watches = ("op_cli",)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        app.feed(update(world(operation("op_cli", status="completed", progress=100))))
        await pilot.pause()
        assert [n.title for n in app._notifications] == ["Operation completed"]


async def test_operations_asked_for_come_first() -> None:
    app = PanesApp()
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(OperationsPane)
        app.feed(update(world(operation("op_bg1"), operation("op_bg2"))))
        await pilot.pause()
        pane.expect("op_new")
        pane.expect("op_bg2")  # found on a resource first, then asked for
        await pilot.pause()
        shown = [card.operation_id for card in pane.query(OperationCard)]
        assert shown == ["op_new", "op_bg2", "op_bg1"]
        assert pane.watched_ids == ("op_new", "op_bg2", "op_bg1")
        card = pane.card("op_bg2")
        assert card is not None and "found on a resource" not in rendered_text(card.ids)


async def test_the_resource_name_fills_in_when_its_project_loads() -> None:
    app = PanesApp()
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(OperationsPane)
        pane.expect("op_1")
        op = operation("op_1")
        app.feed(update(snapshot(operations=[op])))
        await pilot.pause()
        card = pane.card("op_1")
        assert card is not None and "update_resource on" not in rendered_text(card.header)
        loaded = world(op)
        app.feed(replace(update(loaded), changed=frozenset({ResourcesChanged("proj_a")})))
        await pilot.pause()
        assert "update_resource on web-1" in rendered_text(card.header)


async def test_finished_operations_past_the_cap_are_not_made_again_on_every_update() -> None:
    """A busy organisation: the monitor reports more finished operations than the pane keeps. Those that left the
    pane stay gone; before, every update made their cards again and removed the oldest, so the cards on screen were
    new objects each time and the pane's queue filled with mounts faster than it could take them (the soak test's
    freeze: 30 s without processing a message)."""
    app = PanesApp(clock=FrozenClock(T0 + timedelta(minutes=10)))
    count = MAX_FINISHED_CARDS + 5
    names = {f"res_{i}": f"web-{i}" for i in range(count)}
    ops = [operation(f"op_{i}", status="completed", progress=100, rid=f"res_{i}") for i in range(count)]
    async with app.run_test(size=SIZE) as pilot:
        app.feed(update(world(*ops, names=names)))
        await pilot.pause()
        pane = app.query_one(OperationsPane)
        kept = {op_id: pane.card(op_id) for op_id in pane.watched_ids}
        assert len(kept) == MAX_FINISHED_CARDS
        for _ in range(3):
            app.feed(update(world(*ops, names=names)))
            await pilot.pause()
        assert {op_id: pane.card(op_id) for op_id in pane.watched_ids} == kept  # the very same cards, none made anew
        assert len(pane.query(OperationCard)) == MAX_FINISHED_CARDS


async def test_writing_a_log_does_no_work_off_the_event_loop() -> None:
    """The soak's crash: Textual's `Log` measured each write in a thread worker, and when the pane dropped the card
    while that thread ran, the thread's look-up of its app failed and the worker's error ended the dashboard. The
    operation log starts no thread: nothing reaches the loop's executor while lines are written and cards leave."""
    app = PanesApp()
    async with app.run_test(size=SIZE) as pilot:
        submitted: list[object] = []

        class RecordingExecutor(concurrent.futures.ThreadPoolExecutor):
            def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def]
                submitted.append(fn)
                return super().submit(fn, *args, **kwargs)

        asyncio.get_running_loop().set_default_executor(RecordingExecutor(max_workers=1))
        lines = [log_line(1, "Initializing resource update")]
        app.feed(update(world(operation("op_1", logs=lines)), new_log_lines={"op_1": lines}))
        await pilot.pause()
        card = app.query_one(OperationsPane).card("op_1")
        assert card is not None
        card.write_logs([log_line(2, "Draining connections")])
        await pilot.pause()
        done = [operation(f"op_{i:02d}", status="completed", progress=100, logs=lines) for i in range(25)]
        app.feed(update(world(*done), new_log_lines={op.id: lines for op in done}))
        await pilot.pause()
        assert submitted == []
        assert app.is_running and card.log_view.full_lines[-1].endswith("Draining connections")
