"""Every resource-filter example in the README keeps at least one resource of the demo world (issue 13 item 14).

The demo runs `cftui sim` with its default seed and the demo plan; this starts the same world (frozen with
`--static`), reads every project's resources over HTTP, and runs each example from the README through the
dashboard's own filter parser.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from cftui.api.client import CloudForgeClient
from cftui.api.keys import ApiKey
from cftui.api.models import Resource
from cftui.ui.demo import DEMO_PLAN
from cftui.ui.filters import parse_filter
from tests.simproc import READ_KEY

README = Path(__file__).resolve().parents[2] / "README.md"
FILTER_WORD = re.compile(r"(?:^|\s)(?:type|status|tag):\S")


def readme_filter_examples() -> list[str]:
    """Backticked spans of the README that use a filter word (`type:`, `status:`, `tag:`)."""
    spans = re.findall(r"`([^`\n]+)`", README.read_text(encoding="utf-8"))
    return [span for span in spans if FILTER_WORD.search(span) and "=" not in span]


def readme_example() -> str:
    """The one the README gives as `Example: `…``."""
    found = re.search(r"Example: `([^`\n]+)`", README.read_text(encoding="utf-8"))
    assert found is not None
    return found.group(1)


async def first_project_resources(base_url: str) -> tuple[str, list[Resource]]:
    """The project the demo's dashboard opens on (the costliest, the project list's first row) and its resources."""
    async with CloudForgeClient(base_url, ApiKey.parse(READ_KEY, source="test")) as client:
        projects = [p for p in (await client.list_projects()).items if not p.is_archived]
        first = max(projects, key=lambda p: p.monthly_cost or 0)
        return first.name, list((await client.list_resources(first.id)).items)


async def demo_resources(base_url: str) -> list[Resource]:
    async with CloudForgeClient(base_url, ApiKey.parse(READ_KEY, source="test")) as client:
        projects = await client.list_projects()
        resources: list[Resource] = []
        for project in projects.items:
            resources += (await client.list_resources(project.id)).items
        return resources


def test_readme_has_the_filter_examples_this_test_is_about() -> None:
    examples = readme_filter_examples()
    assert "status:err" in examples
    assert "tag:environment:production" in examples
    assert "type:compute_instance tag:team:web web" in examples


def test_every_readme_filter_example_keeps_a_resource_of_the_demo_world(sim_factory) -> None:  # type: ignore[no-untyped-def]
    server = sim_factory("--static", "--plan", DEMO_PLAN)
    resources = asyncio.run(demo_resources(server.base_url))
    assert len(resources) > 50
    empty = [text for text in readme_filter_examples() if not any(map(parse_filter(text).matches, resources))]
    assert empty == [], f"README filter examples that keep nothing in the demo world: {empty}"


def test_a_unique_status_prefix_means_that_status_and_an_ambiguous_one_stays_as_typed() -> None:
    assert parse_filter("status:err").statuses == ("error",)
    assert parse_filter("status:err").describe() == "status:error"
    assert parse_filter("status:RUN").statuses == ("running",)
    assert parse_filter("status:p").statuses == ("p",)
    assert parse_filter("status:stopped").statuses == ("stopped",)
    assert parse_filter("status:degraded").statuses == ("degraded",)


def test_the_readme_example_keeps_resources_of_the_project_the_demo_opens_on(sim_factory) -> None:  # type: ignore[no-untyped-def]
    """`type:compute_instance tag:team:platform web` kept nothing in payments-core, where `cftui --demo` opens."""
    server = sim_factory("--static", "--plan", DEMO_PLAN)
    name, resources = asyncio.run(first_project_resources(server.base_url))
    assert name == "payments-core"  # what the README says
    kept = [r.name for r in resources if parse_filter(readme_example()).matches(r)]
    assert kept, f"{readme_example()!r} keeps nothing in {name}"
