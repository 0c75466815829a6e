"""Large bodies are decoded and validated in a worker thread, so the event loop (the dashboard) keeps answering
keys while a 5,000-resource project is read."""

from __future__ import annotations

import threading
from typing import Any

import pytest

import cftui.api.pagination as pagination_module
import cftui.api.responses as responses_module
from cftui.api import ApiKey, CloudForgeClient


async def test_pages_of_resources_are_parsed_off_the_event_loop(
    sim_factory: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    sim = sim_factory("--seed", "7", "--static", "--plan", "enterprise", "--projects", "2", "--resources", "250")
    where: dict[str, set[str]] = {"decode": set(), "validate": set()}
    decode, parse_page = responses_module.decode_json, pagination_module._parse_page

    def recording_decode(*args: Any, **kwargs: Any) -> Any:
        where["decode"].add(threading.current_thread().name)
        return decode(*args, **kwargs)

    def recording_parse_page(*args: Any, **kwargs: Any) -> Any:
        where["validate"].add(threading.current_thread().name)
        return parse_page(*args, **kwargs)

    monkeypatch.setattr(responses_module, "decode_json", recording_decode)
    monkeypatch.setattr(pagination_module, "_parse_page", recording_parse_page)
    async with CloudForgeClient(sim.base_url, ApiKey.parse(sim.read_key)) as client:
        projects = await client.list_projects()
        where["decode"].clear()
        where["validate"].clear()
        resources = await client.list_resources(projects.items[0].id)
    assert len(resources.items) == 250  # three pages, each parsed whole and right
    main = threading.main_thread().name
    assert where["decode"] and main not in where["decode"], where
    assert where["validate"] and main not in where["validate"], where
