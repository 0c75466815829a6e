"""The data store: samples only on change or every ten minutes, bounded lists, data kept with its age."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cftui.api.models import Project
from cftui.monitor.store import MAX_RESOURCE_LISTS, MAX_SERIES, SAMPLE_EVERY, DataStore
from tests.builders import project, resource

AT = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def _projects(cost: str) -> tuple[Project, ...]:
    return (project("p1", "one", cost=cost),)


def test_a_cost_is_sampled_when_it_changes_or_when_the_last_sample_is_old() -> None:
    store = DataStore()
    assert len(store.set_projects(_projects("10.00"), AT)) == 1
    assert store.set_projects(_projects("10.00"), AT + timedelta(minutes=1)) == [], "same value, recent sample"
    assert len(store.set_projects(_projects("11.00"), AT + timedelta(minutes=2))) == 1
    assert len(store.set_projects(_projects("11.00"), AT + timedelta(minutes=2) + SAMPLE_EVERY)) == 1
    assert [s.monthly_cost for s in store.project_costs["p1"]] == [10, 11, 11]
    assert store.projects is not None and store.projects.fetched_at == AT + timedelta(minutes=2) + SAMPLE_EVERY


def test_series_and_resource_lists_stay_bounded() -> None:
    store = DataStore()
    for minute in range(MAX_SERIES + 50):
        store.set_projects(_projects(f"{minute}.00"), AT + timedelta(minutes=minute))
    series = store.project_costs["p1"]
    assert len(series) <= MAX_SERIES and series[-1].monthly_cost == MAX_SERIES + 49
    assert series[0].monthly_cost == 0, "past the bound the older samples are thinned, the day kept (see test_trend)"
    store.pinned = {"keep"}
    store.set_resources("keep", (resource("r0"),), AT)
    for index in range(MAX_RESOURCE_LISTS + 5):
        store.set_resources(f"p{index}", (resource(f"r{index}", cost="1.00"),), AT)
    assert len(store.resources) == MAX_RESOURCE_LISTS
    assert "keep" in store.resources, "the focused project is never evicted"
    assert f"p{MAX_RESOURCE_LISTS + 4}" in store.resources and "p0" not in store.resources
    assert "r1" not in store.resource_costs, "an evicted list takes its cost series along"


def test_a_fetched_project_counts_its_errors_as_the_sweep_does() -> None:
    # the sweep of unfocused projects can only ask for status=error: a focused project must count the same way
    store = DataStore()
    resources = (
        resource("r1", status="error"),
        resource("r2", status="degraded"),
        resource("r3", status="running"),
    )
    store.set_resources("p1", resources, AT)
    assert store.problem_counts["p1"] == 1
