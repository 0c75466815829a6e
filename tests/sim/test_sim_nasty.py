"""`--nasty`: valid JSON with hostile content mixed in with normal data."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.sim.helpers import all_pages, call
from tests.simproc import SimServer, running_sim

KNOWN_TYPES = {
    "compute_instance", "container_cluster", "function", "vpc", "subnet", "load_balancer", "firewall",
    "block_storage", "object_storage", "file_storage", "rds_instance", "nosql_database", "cache_cluster",
}  # fmt: skip


def strings(value: Any) -> Iterator[str]:
    """Every string in a JSON value, keys included, as the client would decode them."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


@pytest.fixture(scope="module")
def nasty() -> Iterator[SimServer]:
    with running_sim("--seed", "7", "--nasty", "--plan", "enterprise") as server:
        yield server


@pytest.fixture(scope="module")
def world(nasty: SimServer) -> tuple[list[dict], list[dict], str]:
    projects = all_pages(nasty, "projects")
    resources = [r for p in projects for r in all_pages(nasty, f"projects/{p['id']}/resources")]
    text = "\n".join(strings([projects, resources]))
    return projects, resources, text


def test_hostile_strings_everywhere(world: tuple[list[dict], list[dict], str]) -> None:
    _, _, text = world
    for needle in ("[bold red]x[/]", "[@click=app.quit]", "oops [/] x", "list[int]"):
        assert needle in text, needle
    for needle in ("\x1b]2;pwned\x07", "\x1b[2J", "\x1b[31m"):
        assert needle in text, repr(needle)
    assert any(chr(code) in text for code in range(0x80, 0xA0)), "no C1 control"
    assert "\u202e" in text and "\u2066" in text
    assert "🔥" in text or "数据库" in text


def test_hostile_shapes_mixed_with_normal_data(world: tuple[list[dict], list[dict], str]) -> None:
    projects, resources, _ = world
    assert any(len(resource["name"]) == 300 for resource in resources)
    assert {"degraded", "hibernating"} & {resource["status"] for resource in resources}
    assert {resource["type"] for resource in resources} - KNOWN_TYPES
    assert any("x_vendor_meta" in resource for resource in resources)
    assert any(
        isinstance(resource["x_vendor_meta"]["nested"], dict) for resource in resources if "x_vendor_meta" in resource
    )
    assert any(isinstance(resource["monthly_cost"], str) for resource in resources)
    assert any(
        isinstance(value, str) and value.isdigit()
        for resource in resources
        for value in resource["configuration"].values()
    )
    assert any("\x1b" in key or "[" in key for resource in resources for key in resource["tags"])
    assert any(any(ch in project["name"] for ch in "[\x1b\u202e") for project in projects)
    plain = [r for r in resources if r["name"].isascii() and r["name"].isprintable() and "[" not in r["name"]]
    assert len(plain) > len(resources) / 2  # most of the world is still ordinary


def test_hostile_operations(nasty: SimServer) -> None:
    nasty.control("POST", "advance", {"seconds": 900})
    changes = nasty.control("GET", "changes?since=0")["changes"]
    op_ids = {change["operation_id"] for change in changes if change["kind"] == "operation.started"}
    operations = [call(nasty, "GET", f"operations/{op_id}").json()["data"] for op_id in sorted(op_ids)]
    text = "\n".join(strings(operations))
    assert any(
        op["type"] not in ("create_resource", "update_resource", "delete_resource", "restart_resource")
        for op in operations
    )
    assert "\x1b" in text or "[/]" in text or "\u202e" in text
