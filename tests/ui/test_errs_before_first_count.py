"""The Errs column shows a dim `?` for a project whose errors were not counted yet (no entry in
`snapshot.problem_counts` until its first sweep), never `0`; the count replaces it once known."""

from __future__ import annotations

from dataclasses import replace

from cftui.ui.app import CloudForgeApp
from cftui.ui.widgets.project_list import ProjectList
from tests.builders import clock, update
from tests.worlds import INFO, healthy_snapshot


def errs_cell(projects: ProjectList, project_id: str):
    return projects.get_cell(project_id, "problems")


async def test_unchecked_projects_show_a_question_mark_not_zero() -> None:
    app = CloudForgeApp(INFO, now=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        snapshot = healthy_snapshot()
        assert "proj_ml" not in snapshot.problem_counts  # never swept yet
        app.feed(update(snapshot))
        await pilot.pause()
        projects = app.query_one(ProjectList)
        unknown = errs_cell(projects, "proj_ml")
        assert unknown.plain.strip() == "?"
        assert "dim" in str(unknown.style) and "red" not in str(unknown.style)
        assert errs_cell(projects, "proj_data").plain.strip() == "0"  # checked: no errors
        assert errs_cell(projects, "proj_shop").plain.strip() == "1 ✖"
        counted = replace(snapshot, problem_counts={**snapshot.problem_counts, "proj_ml": 0})
        app.feed(update(counted))
        await pilot.pause()
        assert errs_cell(projects, "proj_ml").plain.strip() == "0"
