"""The status line: always answers "can I trust what I see?".

Two rows. The state row: connection state first (the thing that matters at 3 a.m.), then data age, rate budget
and refresh interval; it is looked at once a second but repainted only when its text changes: fresh data shows
its age as a bucket (`<10s old`) and a plentiful budget in 10% steps, so an idle dashboard writes nothing; the
age ticks once the data is older than two intervals, and countdowns (retry, rate limit, reset) tick. The source
row: key badge, host, profile and API version; it changes rarely. Never blank: before the first answer it says who
it is connecting to; after a failure it keeps the last data's age. A row is repainted only when its text changed,
and the layout is redone only when its height changed (a new layout repaints everything below it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from cftui.monitor.state import AUTH_EXPIRED, ConnectionStatus, MonitorUpdate, RateBudget, Snapshot
from cftui.ui.format import age, clock_time, countdown, duration, one_line, truncate
from cftui.ui.org import status_line_round
from cftui.ui.widgets.push_status import push_part

KEY_BADGES = {"read": "READ-ONLY", "test": "TEST", "live": "LIVE", "oauth": "SIGNED IN"}
# Data older than this many effective intervals is called STALE.
STALE_FACTOR = 3.0
# Data this young shows as `<10s old`, a bucket that does not tick, so an idle dashboard writes nothing. The bound
# comes from the data's age alone, never from the interval (a long interval must not make old data look fresh).
FRESH_SECONDS = 10
# Under a minute old, the age moves in steps of this many seconds (`20s old`); older, in whole minutes.
AGE_STEP_SECONDS = 10
# Above this share of the limit left, the API budget is shown in 10% steps (it moves with every request).
RATE_PLENTY = 0.25
# the error sentence is cut so the whole line still fits in three rows at 80 columns
ERROR_WIDTH = 110

Part = str | tuple[str, str]


@dataclass(frozen=True, slots=True)
class ConnectionInfo:
    """What the status line says about where the data comes from (fixed for the app's life)."""

    host: str
    key_kind: str  # read | test | live
    key_masked: str
    profile: str | None = None
    demo: bool = False


def _interval_text(seconds: float) -> str:
    return f"{seconds:g}s" if seconds < 60 else duration(seconds)


def _data_age(snapshot: Snapshot) -> datetime | None:
    """When the newest of what is refreshed every interval arrived: the focused project's resources or the project
    list. While there are other projects the list is read only once a round (up to a minute or more), so its age
    alone called a healthy dashboard STALE; without a focused project, the round's newest look counts instead."""
    times = [snapshot.projects.fetched_at] if snapshot.projects is not None else []
    focused = snapshot.resources.get(snapshot.focused_project_id) if snapshot.focused_project_id else None
    if focused is not None:
        times.append(focused.fetched_at)
    elif snapshot.org.project_seen_at:
        times.append(max(snapshot.org.project_seen_at.values()))
    return max(times) if times else snapshot.connection.last_success_at


def is_stale(snapshot: Snapshot, now: datetime) -> bool:
    fetched = _data_age(snapshot)
    if fetched is None or snapshot.paused:
        return False
    return (now - fetched).total_seconds() > STALE_FACTOR * max(snapshot.effective_interval, 1.0)


def data_age_text(snapshot: Snapshot, now: datetime) -> str:
    """How old the data is, from the data alone: `<10s old` (a bucket that does not tick while refreshes keep it
    young), then `20s old` in 10-second steps, then `3m ago`, `2h ago` (which tick as slowly as they read)."""
    fetched = _data_age(snapshot)
    if fetched is None:
        return "never"
    seconds = (now - fetched).total_seconds()
    if seconds < FRESH_SECONDS:
        return f"<{FRESH_SECONDS}s old"
    if seconds < 60:
        return f"{int(seconds // AGE_STEP_SECONDS) * AGE_STEP_SECONDS}s old"
    return age(fetched, now)


def rate_text(rate: RateBudget, now: datetime) -> str:
    """What is left of the API's rate limit, in words a newcomer reads at a glance. Plenty left: `API 90% left`
    (at least that much: it moves in 10% steps, not with every request). Running low: the exact, ticking
    `API 42/1000 left, reset in 18s`, because then something is happening."""
    if rate.remaining is not None and rate.limit and rate.remaining >= RATE_PLENTY * rate.limit:
        share = min(100, int(rate.remaining * 10 // rate.limit) * 10)
        return f"API {share}% left"
    remaining = "?" if rate.remaining is None else str(rate.remaining)
    reset = f", reset {countdown(rate.reset_at, now)}" if rate.reset_at else ""
    return f"API {remaining}/{rate.limit} left{reset}"


def _state_parts(snapshot: Snapshot | None, info: ConnectionInfo, now: datetime) -> list[Part]:
    """The connection state: a glyph and words, styled by severity."""
    if snapshot is None:
        return [(f"◌ connecting to {info.host}…", "bold $warning")]
    conn = snapshot.connection
    status = conn.status
    error = truncate(conn.last_error or "", ERROR_WIDTH)
    retry = f", retry {countdown(conn.next_attempt_at, now)}" if conn.next_attempt_at else ""
    if status is ConnectionStatus.AUTH_FAILED and (conn.last_error or "").startswith(AUTH_EXPIRED):
        # an OAuth sign-in that cannot be refreshed: the sentence starts with what to do
        return [(truncate(conn.last_error or "", ERROR_WIDTH), "bold $error")]
    if status is ConnectionStatus.AUTH_FAILED:
        request = f" (request {one_line(conn.request_id)})" if conn.request_id else ""
        return [(f"✖ AUTH FAILED{request}", "bold $error"), f" {error}" if error else ""]
    if status is ConnectionStatus.RATE_LIMITED:
        until = conn.rate_limited_until
        return [(f"⏸ RATE LIMITED until {clock_time(until)} ({countdown(until, now)})", "bold $warning")]
    if status is ConnectionStatus.OFFLINE:
        return [(f"✖ OFFLINE{retry}", "bold $error"), f" {error}" if error else ""]
    if status is ConnectionStatus.DEGRADED:
        return [(f"▲ DEGRADED{retry}", "bold $warning"), f" {error}" if error else ""]
    if status is ConnectionStatus.CONNECTING:
        return [(f"◌ connecting to {info.host}…", "bold $warning")]
    parts: list[Part] = []
    if snapshot.paused:
        parts.append(("⏸ PAUSED", "bold $warning"))
    elif is_stale(snapshot, now):
        parts.append(("▲ STALE", "bold $warning"))
    else:
        parts.append(("● OK", "bold $success"))
    return parts


def _key_badge(info: ConnectionInfo) -> Part:
    badge = KEY_BADGES.get(info.key_kind, info.key_kind.upper())
    style = {"read": "bold $success", "test": "bold $warning", "live": "bold reverse $error"}.get(info.key_kind, "")
    return (badge, style)


SEP: Part = (" · ", "$text-muted")


def state_content(snapshot: Snapshot | None, info: ConnectionInfo, now: datetime) -> Content:
    """What changes: connection state, data age, rate budget, interval (the row that ticks)."""
    parts: list[Part] = [*_state_parts(snapshot, info, now)]
    if snapshot is not None:
        parts += [SEP, "data ", (data_age_text(snapshot, now), "bold")]
        if snapshot.rate.limit is not None:
            parts += [SEP, rate_text(snapshot.rate, now)]
        interval = f"every {_interval_text(snapshot.effective_interval)}"
        if snapshot.interval_stretched:
            asked = _interval_text(snapshot.requested_interval)
            parts += [SEP, (f"{interval} (stretched by budget; asked {asked})", "$warning")]
        else:
            parts += [SEP, interval]
        org_round = status_line_round(snapshot, now)  # large organisations: the other projects are older
        if org_round:
            parts += [SEP, (org_round, "$warning")]
        push = push_part(snapshot.push, now)  # the webhook receiver, when one is configured
        if push:
            parts += [SEP, push]
    return Content.assemble(*(p for p in parts if p))


def source_content(snapshot: Snapshot | None, info: ConnectionInfo) -> Content:
    """Where the data comes from: key badge, host, profile, API version (the row that rarely changes)."""
    parts: list[Part] = [_key_badge(info), f" {info.key_masked}", SEP, info.host]
    if info.demo:
        parts += [" ", ("DEMO", "bold $accent")]
    if info.profile:
        parts += [SEP, f"profile {one_line(info.profile)}"]
    if snapshot is not None and snapshot.history_problem:
        parts += [SEP, ("history not saved", "$warning")]
    if snapshot is not None and snapshot.api_version:
        parts += [SEP, f"API {one_line(snapshot.api_version)}"]
    return Content.assemble(*(p for p in parts if p))


def status_content(snapshot: Snapshot | None, info: ConnectionInfo, now: datetime) -> Content:
    """The whole status line for one moment, as one text. Pure: the same inputs give the same text."""
    return Content.assemble(state_content(snapshot, info, now), SEP, source_content(snapshot, info))


class StatusRow(Static):
    """One part of the status line; repaints only when its text changes, relayouts only when its height does."""

    shown: Content | None = None

    def show(self, content: Content) -> None:
        shown = self.shown
        if shown is not None and content.plain == shown.plain and content.spans == shown.spans:
            return  # nothing changed: write nothing to the terminal
        height = self._rows(content)
        previous = self._rows(shown) if shown is not None else -1
        self.shown = content
        # a new layout would repaint everything below; only a change of height needs one
        self.update(content, layout=height != previous)

    def _rows(self, content: Content) -> int:
        """The rows this content takes, within the min/max height the styles allow."""
        lines = len(content.wrap(max(1, self.content_size.width)))
        low, high = self.styles.min_height, self.styles.max_height
        if low is not None and low.is_cells:
            lines = max(lines, int(low.value))
        if high is not None and high.is_cells:
            lines = min(lines, int(high.value))
        return lines


class StatusLine(Vertical):
    """The state row (ticks once a second) above the source row (changes rarely); see the module docstring."""

    def __init__(self, info: ConnectionInfo, now: Callable[[], datetime], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.info = info
        self._now = now
        self._snapshot: Snapshot | None = None
        self._worker_error: str | None = None
        self._state = StatusRow(id="status-state")
        self._source = StatusRow(id="status-source")
        self._text = ""

    def compose(self) -> ComposeResult:
        yield self._state
        yield self._source

    def on_mount(self) -> None:
        self._repaint()
        self.set_interval(1.0, self._tick, name="status-line-tick")

    def apply(self, update: MonitorUpdate) -> None:
        self._snapshot = update.snapshot
        self._repaint()

    def show_worker_error(self, message: str) -> None:
        """The engine itself stopped (a bug, not an API problem): say so instead of showing a traceback."""
        self._worker_error = one_line(message)
        self._repaint()

    def current_text(self) -> str:
        return self._text

    def _tick(self) -> None:
        self._repaint(source=False)

    def _repaint(self, source: bool = True) -> None:
        state = state_content(self._snapshot, self.info, self._now())
        if self._worker_error:
            state = Content.assemble(("✖ MONITOR STOPPED: ", "bold $error"), self._worker_error, SEP, state)
        self._state.show(state)
        if source:
            self._source.show(source_content(self._snapshot, self.info))
        source_text = self._source.shown.plain if self._source.shown is not None else ""
        self._text = f"{state.plain} · {source_text}"
