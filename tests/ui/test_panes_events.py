"""EventFeed in a small host App: format, bounds, highlighting, notifications and the bell, hostile text."""

from __future__ import annotations

from datetime import timedelta

from textual.filter import Monochrome

from cftui.api.sanitize import sanitize_tree
from cftui.monitor.events import ChangeEvent, EventKind, Severity
from cftui.ui.widgets.event_feed import EventFeed, event_line_text
from tests.builders import T0, snapshot, status_event, update
from tests.hostile import NASTY_RAW
from tests.polling import until
from tests.ui.panes_app import PanesApp, rendered_text

SIZE = (120, 40)
EMPTY = snapshot()


def numbered(count: int) -> list[ChangeEvent]:
    return [
        ChangeEvent(
            kind=EventKind.COST_CHANGED,
            at=T0 + timedelta(seconds=i),
            subject_id=f"res_{i}",
            subject_name=f"vm-{i}",
            old="10.00",
            new="11.00",
            summary=f"event number {i}",
        )
        for i in range(count)
    ]


async def test_lines_carry_time_glyph_and_summary_newest_at_the_bottom() -> None:
    app = PanesApp()
    async with app.run_test(size=SIZE) as pilot:
        first = status_event("web-1", "running", "stopped", at=T0 + timedelta(seconds=1), pid="proj_a")
        second = status_event("db-1", "pending", "running", at=T0 + timedelta(seconds=2), pid="proj_a")
        app.feed(update(EMPTY, events=[first, second]))
        await pilot.pause()
        feed = app.query_one(EventFeed)
        # no project is selected here: each line names its resource's project (by id: the snapshot has no names)
        assert feed.line_texts == [
            "14:00:01 ⇄  running -> stopped · proj_a/web-1",
            "14:00:02 ⇄  pending -> running · proj_a/db-1",
        ]
        text = rendered_text(feed).strip().splitlines()
        assert text[-1].strip() == "14:00:02 ⇄  pending -> running · proj_a/db-1"


def test_line_text_says_the_severity_in_words() -> None:
    error = status_event("web-1", "running", "error", pid="proj_a", at=T0)
    warning = ChangeEvent(
        kind=EventKind.COST_THRESHOLD_EXCEEDED,
        at=T0,
        subject_id="proj_a",
        subject_name="shop",
        severity=Severity.WARNING,
        summary="shop: $12,500.00 is over the $10,000.00 threshold",
    )
    # what happened first, then whose it is
    assert event_line_text(error) == "14:00:00 ⇄  ERROR running -> error · web-1"
    assert event_line_text(error, "shop") == "14:00:00 ⇄  ERROR running -> error · shop/web-1"
    assert event_line_text(warning) == "14:00:00 $! WARN $12,500.00 is over the $10,000.00 threshold · shop"
    bare = ChangeEvent(kind=EventKind.RESOURCE_DELETED, at=T0, subject_id="res_9", subject_name="old-vm")
    assert event_line_text(bare) == "14:00:00 −  resource.deleted · old-vm"


async def test_ten_thousand_events_leave_the_feed_at_its_maximum() -> None:
    app = PanesApp(max_events=500)
    async with app.run_test(size=SIZE) as pilot:
        events = numbered(10_000)
        for start in range(0, 10_000, 100):
            app.feed(update(EMPTY, events=events[start : start + 100]))
        await pilot.pause()
        feed = app.query_one(EventFeed)
        assert len(feed.events) == 500
        assert len(feed.line_texts) == 500
        assert feed.events[0].summary == "event number 9500"
        assert feed.line_texts[-1].endswith("event number 9999")
        assert "event number 9999" in rendered_text(feed).rstrip().splitlines()[-1]  # the scrollbar may follow
        # and a single huge batch (history at start) obeys the same bound
        feed.preload(numbered(10_000))
        await pilot.pause()
        assert len(feed.line_texts) == 500 and len(feed.events) == 500


async def test_a_hidden_feed_stays_bounded_until_it_is_shown() -> None:
    app = PanesApp(max_events=200)
    async with app.run_test(size=(80, 24)) as pilot:
        feed = app.query_one(EventFeed)
        feed.display = False
        await pilot.pause()
        for event in numbered(10_000):
            app.feed(update(EMPTY, events=[event]))
        assert len(feed.events) == 200
        feed.display = True
        await pilot.pause()
        assert len(feed.line_texts) == 200
        await until(pilot, lambda: rendered_text(feed).rstrip().endswith("event number 9999"))
        assert feed.is_vertical_scroll_end


async def test_scrolled_back_reader_keeps_their_place() -> None:
    app = PanesApp()
    async with app.run_test(size=(80, 24)) as pilot:
        feed = app.query_one(EventFeed)
        app.feed(update(EMPTY, events=numbered(100)))
        await pilot.pause()
        assert feed.is_vertical_scroll_end
        feed.scroll_home(animate=False, immediate=True)
        await pilot.pause()
        app.feed(update(EMPTY, events=numbered(5)))
        await pilot.pause()
        assert feed.scroll_offset.y == 0
        feed.scroll_end(animate=False, immediate=True)
        await pilot.pause()
        app.feed(update(EMPTY, events=numbered(5)))
        await pilot.pause()
        assert feed.is_vertical_scroll_end


async def test_errors_are_highlighted() -> None:
    app = PanesApp()
    async with app.run_test(size=SIZE) as pilot:
        app.feed(
            update(
                EMPTY,
                events=[
                    status_event("a", "stopped", "running", pid="proj_a", at=T0),
                    status_event("b", "running", "error", pid="proj_a", at=T0),
                ],
            )
        )
        await pilot.pause()
        feed = app.query_one(EventFeed)
        info_line, error_line = feed.render_line(0), feed.render_line(1)
        error_styles = [seg.style for seg in error_line if "ERROR" in seg.text]
        assert error_styles and error_styles[0] is not None and error_styles[0].bold
        info_styles = [seg.style for seg in info_line if "running" in seg.text]
        assert not any(style and style.bold for style in info_styles)


async def test_resource_going_to_error_notifies_and_rings_when_enabled() -> None:
    app = PanesApp(bell=True)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        app.feed(update(EMPTY, events=[status_event("web-1", "running", "stopped", pid="proj_a", at=T0)]))
        await pilot.pause()
        assert list(app._notifications) == [] and app.rings == 0
        app.feed(update(EMPTY, events=[status_event("web-1", "running", "error", pid="proj_a", at=T0)]))
        await pilot.pause()
        notes = list(app._notifications)
        assert len(notes) == 1
        assert notes[0].severity == "error" and notes[0].markup is False
        assert "proj_a/web-1 went to error (res_web1)" in notes[0].message  # names project and resource
        assert app.rings == 1
        # five more at once while that toast is up: one toast counting all six replaces it, one more ring
        burst = [status_event(f"vm-{i}", "running", "error", rid=f"res_{i}", pid="proj_a", at=T0) for i in range(5)]
        app.feed(update(EMPTY, events=burst))
        await pilot.pause()
        notes = list(app._notifications)
        assert len(notes) == 1
        assert notes[0].message == (
            "6 resources in 1 project went to error: proj_a/web-1, proj_a/vm-0, proj_a/vm-1 and 3 more."
        )
        assert app.rings == 2


async def test_no_bell_when_disabled_and_no_alarm_for_history() -> None:
    app = PanesApp(bell=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        feed = app.query_one(EventFeed)
        feed.preload([status_event("old", "running", "error", pid="proj_a", at=T0)])
        await pilot.pause()
        assert list(app._notifications) == []
        app.feed(update(EMPTY, events=[status_event("web-1", "running", "error", pid="proj_a", at=T0)]))
        await pilot.pause()
        assert len(list(app._notifications)) == 1
        assert app.rings == 0


async def test_hostile_summaries_render_literally() -> None:
    app = PanesApp()
    async with app.run_test(size=(200, 40), notifications=True) as pilot:
        events = [
            status_event(text, "running", "error", rid=f"res_{i}", pid="proj_a", at=T0)
            for i, text in enumerate(NASTY_RAW.values())
        ]
        app.feed(update(EMPTY, events=events))
        await pilot.pause()
        feed = app.query_one(EventFeed)
        lines = [feed.render_line(y).text for y in range(len(feed.events))]
        assert len(lines) == len(NASTY_RAW)
        for line, raw in zip(lines, NASTY_RAW.values(), strict=True):
            shown = sanitize_tree(raw)
            if len(shown) > 100:  # longer than the pane: cut with an ellipsis, never wrapped over the next line
                assert shown[:100] in line and line.rstrip().endswith("…")
            else:
                assert shown in line
            assert "\x1b" not in line and "\x07" not in line
        screen = rendered_text(feed)
        assert "[@click=app.quit]click me" in screen
        assert "[bold red]alert[/] db" in screen
        assert "list[int]" in screen
        await pilot.click(feed, offset=(30, 1))
        await pilot.pause()
        assert app.is_running
        message = next(iter(app._notifications)).message
        assert "[bold red]alert[/] db" in message


async def test_an_update_without_events_writes_nothing() -> None:
    app = PanesApp()
    async with app.run_test(size=SIZE) as pilot:
        feed = app.query_one(EventFeed)
        app.feed(update(EMPTY, events=numbered(3)))
        await pilot.pause()
        before = feed.line_texts
        calls: list[object] = []
        original = feed.refresh

        def counting(*args, **kwargs):
            calls.append(args)
            return original(*args, **kwargs)

        feed.refresh = counting  # type: ignore[method-assign]
        app.feed(update(EMPTY))
        await pilot.pause()
        assert calls == [] and feed.line_texts == before


async def test_no_color_turns_every_colour_grey(monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = PanesApp()
    async with app.run_test(size=SIZE) as pilot:
        assert app.no_color
        filters = list(app.get_line_filters())
        assert any(isinstance(f, Monochrome) for f in filters)
        app.feed(update(EMPTY, events=[status_event("b", "running", "error", pid="proj_a", at=T0)]))
        await pilot.pause()
        strip = app.screen._compositor.render_strips()[app.query_one(EventFeed).region.y + 1]
        colours = []
        for line_filter in filters:
            strip = strip.apply_filter(line_filter, app.screen.background_colors[1])
        for segment in strip:
            for colour in (segment.style.color, segment.style.bgcolor) if segment.style else ():
                if colour is not None and colour.triplet is not None:
                    colours.append(tuple(colour.triplet))
        assert colours, "expected coloured segments to check"
        assert all(r == g == b for r, g, b in colours)


async def test_vim_keys_move_a_cursor_that_the_view_follows_and_g_lets_go() -> None:
    app = PanesApp()
    async with app.run_test(size=(80, 24)) as pilot:
        feed = app.query_one(EventFeed)
        app.feed(update(EMPTY, events=numbered(100)))
        feed.focus()
        # focus moves on the next message: the keys below must reach the feed
        await until(pilot, lambda: app.focused is feed and feed.is_vertical_scroll_end and feed.max_scroll_y > 0)
        await pilot.press("k")  # the first press lands on the lowest line in view: the newest
        await until(pilot, lambda: feed.highlighted is not None and feed.highlighted.summary == "event number 99")
        await pilot.press("k", "k")
        await until(pilot, lambda: feed.highlighted is not None and feed.highlighted.summary == "event number 97")
        await pilot.press("g")
        await until(pilot, lambda: feed.scroll_offset.y == 0 and feed.highlighted == feed.events[0])
        await pilot.press("j", "j")
        await until(pilot, lambda: feed.highlighted == feed.events[2])
        # the highlighted line is drawn reversed, the others are not
        cursor_line = feed.render_line(2)
        assert any(segment.style is not None and segment.style.reverse for segment in cursor_line)
        assert not any(segment.style is not None and segment.style.reverse for segment in feed.render_line(3))
        # new events do not move the reader's place while the cursor is on a line
        app.feed(update(EMPTY, events=numbered(103)[100:]))
        await pilot.pause()
        assert feed.scroll_offset.y == 0 and feed.highlighted == feed.events[2]
        await pilot.press("G")
        await until(pilot, lambda: feed.is_vertical_scroll_end and feed.highlighted is None)
        assert "event number 102" in rendered_text(feed)


async def test_a_new_line_in_a_full_feed_repaints_a_line_not_the_pane() -> None:
    """One event costs about one line of terminal output: the pane is repainted whole only now and then."""
    app = PanesApp(max_events=200)
    async with app.run_test(size=(80, 24)) as pilot:
        feed = app.query_one(EventFeed)
        events = numbered(400)
        app.feed(update(EMPTY, events=events[:250]))  # full, following the newest, and past the bound
        await until(pilot, lambda: feed.is_vertical_scroll_end and feed.max_scroll_y > 0)
        height = feed.scrollable_content_region.height
        full_repaints: set[int] = set()  # the events after which the whole pane was repainted
        line_repaints: set[int] = set()
        current = [0]
        plain_refresh = feed.refresh

        def counting_refresh(*regions: object, **kwargs: object) -> object:
            (line_repaints if regions else full_repaints).add(current[0])
            return plain_refresh(*regions, **kwargs)

        feed.refresh = counting_refresh  # type: ignore[method-assign]
        for index, event in enumerate(events[250:], start=250):
            current[0] = index
            app.feed(update(EMPTY, events=[event]))
            await pilot.pause()
            assert f"event number {index}" in rendered_text(feed)  # the newest line is always in view
            assert feed.is_vertical_scroll_end
        added = len(events) - 250
        # one full repaint per half pane of new lines (and per chunk of old ones let go), not one per line
        assert len(full_repaints) <= added // (height // 2) + added // (200 // 4) + 2, (len(full_repaints), height)
        assert len(line_repaints) >= added // 2
        assert len(feed.events) == 200


async def test_a_line_landing_in_an_empty_pane_changes_no_size() -> None:
    """A new size is a new layout, which repaints every scrollbar on screen: the first lines must not cause one."""
    app = PanesApp()
    async with app.run_test(size=(80, 24)) as pilot:
        feed = app.query_one(EventFeed)
        app.feed(update(EMPTY, events=numbered(2)))
        await until(pilot, lambda: "event number 1" in rendered_text(feed))
        sizes = [feed.virtual_size]
        full_repaints: list[object] = []
        plain_refresh = feed.refresh

        def counting_refresh(*regions: object, **kwargs: object) -> object:
            if not regions:
                full_repaints.append(kwargs)
            return plain_refresh(*regions, **kwargs)

        feed.refresh = counting_refresh  # type: ignore[method-assign]
        for event in numbered(5)[2:]:
            app.feed(update(EMPTY, events=[event]))
            await pilot.pause()
            sizes.append(feed.virtual_size)
        assert "event number 4" in rendered_text(feed)
        assert len(set(sizes)) == 1 and full_repaints == [], (sizes, full_repaints)
