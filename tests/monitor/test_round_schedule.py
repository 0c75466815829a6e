"""The round's scheduling decisions (issue 11, freshness): which project is visited next, what a round costs in
requests, and that the round spends what the budget leaves without ever making the focused project wait.
Asserted on the decisions (the order of requests, a simulated clock), never on wall-clock speed."""

from __future__ import annotations

from cftui.api.client_events import ClientEvent, RequestFinished
from cftui.monitor.budget import RequestWindow, plan, sweep_headroom
from tests.monitor.helpers import api_get, eventually, running_monitor

# A fast plan and a static world: several rounds in a few seconds, and no operation to poll.
PROFESSIONAL = ("--seed", "11", "--static", "--plan", "professional", "--projects", "10", "--resources", "20")


def test_the_round_spends_what_the_budget_leaves_and_the_focused_project_never_waits() -> None:
    """Four minutes on a simulated clock, Starter budget (50 a minute): the focused project due every 5 s, the
    project list every 40 s, an operation poll every 7 s, and the round wanting a visit whenever it may."""
    now = [0.0]
    window = RequestWindow(clock=lambda: now[0])
    rate = 50.0
    window.configure(rate)
    window.start_full()
    spacing = plan(budget_rate=rate, requested_interval=5, core_cost=1, operation_periods=[], sweep_count=19)
    due = {"focused": 0.0, "list": 0.0, "operation": 0.0}
    periods = {"focused": 5.0, "list": 40.0, "operation": 7.0}
    ahead = sum(60.0 / period for period in periods.values())  # what the jobs above the round spend a minute
    late: list[float] = []
    sent: list[tuple[float, str]] = []
    last_visit = -1e9
    step = 0.05
    for tick in range(int(240 / step)):
        now[0] = tick * step
        for job in ("operation", "focused", "list"):  # the engine's priority order, the round last
            if now[0] >= due[job]:
                if not window.can_spend(1, 0, rate):
                    continue
                late.append(now[0] - due[job])
                window.record()
                sent.append((now[0], job))
                due[job] = now[0] + periods[job]
        may_visit = window.can_spend(1, 0, rate, sweep_headroom(rate), ahead_rate=ahead)
        if now[0] - last_visit >= spacing.fastest_spacing and may_visit:
            window.record()
            sent.append((now[0], "round"))
            last_visit = now[0]
    assert max(late) < step + 1e-9, "a job above the round never waits for it"
    for start in range(60, 181, 10):  # every minute once the first one is past
        minute = [job for at, job in sent if start <= at < start + 60]
        assert len(minute) <= 49, "one request of headroom under the budget"
        assert len(minute) >= 49 - sweep_headroom(rate) - 1, "the round leaves nothing else unspent"
        others = len(minute) - minute.count("round")
        assert minute.count("round") >= 49 - others - sweep_headroom(rate) - 1


def test_the_round_is_never_faster_than_every_two_intervals() -> None:
    starter = plan(budget_rate=50, requested_interval=5, core_cost=1, operation_periods=[], sweep_count=19)
    assert starter.fastest_spacing * 19 == 10.0
    big = plan(budget_rate=5000, requested_interval=5, core_cost=1, operation_periods=[], sweep_count=1000)
    assert big.fastest_spacing == 0.05, "at most 20 visits a second"


async def test_each_round_visits_every_other_project_once_least_recently_seen_first(sim_factory) -> None:
    sim = sim_factory(*PROFESSIONAL)
    projects = [p["id"] for p in api_get(sim, "projects")]
    focused, others = projects[0], projects[1:]
    visits: list[str] = []  # the round's requests, in order: the project each listed
    other_requests: list[str] = []

    def record(event: ClientEvent) -> None:
        if isinstance(event, RequestFinished) and event.status == 200:  # a retried attempt is not a second visit
            parts = event.path.strip("/").split("/")
            if parts[0] == "projects" and len(parts) == 3 and parts[1] != focused:
                visits.append(parts[1])
            elif parts[0] != "projects":
                other_requests.append(event.path)

    async with running_monitor(sim, interval=0.5, budget=0.5) as (monitor, _):
        monitor.client.add_listener(record)
        monitor.focus_project(focused)
        await eventually(lambda: len(visits) >= 4 * len(others), within=60.0, message="four rounds")
    rounds = len(visits) // len(others)
    assert rounds >= 4
    for start in range(len(visits) - len(others) + 1):
        window = visits[start : start + len(others)]
        # any run of len(others) consecutive visits holds each other project once: the one visited next is always
        # the one seen least recently, and a round of one-page projects costs one request per project
        assert sorted(window) == sorted(others), f"visits {start}..: {window}"
    assert not other_requests, "a static world: no operation, no single resource to fetch"
