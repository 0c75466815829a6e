"""Job keys: the name each goes by (logs, task names, notes) and what makes two keys the same job."""

from __future__ import annotations

import dataclasses

import pytest

from cftui.monitor.job_keys import (
    PROJECTS,
    CheckJob,
    ConfirmJob,
    OperationJob,
    ProjectsJob,
    ResourcesJob,
    SweepJob,
)


def test_each_key_is_named_by_its_kind_then_its_ids() -> None:
    assert str(PROJECTS) == "projects"
    assert str(ResourcesJob("proj_1")) == "resources:proj_1"
    assert str(SweepJob("proj_2")) == "sweep:proj_2"
    assert str(CheckJob("proj_1", "res_9")) == "check:proj_1:res_9"
    assert str(OperationJob("op_1")) == "op:op_1"
    assert str(ConfirmJob("resource:proj_1:res_9")) == "push:resource:proj_1:res_9"


def test_the_same_ids_under_two_kinds_are_two_jobs() -> None:
    assert ResourcesJob("p") == ResourcesJob("p")
    assert hash(ResourcesJob("p")) == hash(ResourcesJob("p"))
    assert ResourcesJob("p") != SweepJob("p")
    assert len({ResourcesJob("p"), SweepJob("p"), ResourcesJob("p")}) == 2
    assert ProjectsJob() == PROJECTS


def test_keys_are_frozen_and_match_by_position() -> None:
    key = CheckJob("proj_1", "res_9")
    with pytest.raises(dataclasses.FrozenInstanceError):
        key.resource_id = "res_8"  # type: ignore[misc]
    match key:
        case CheckJob(project_id, resource_id):
            assert (project_id, resource_id) == ("proj_1", "res_9")
        case _:
            pytest.fail("a CheckJob did not match its own class pattern")
