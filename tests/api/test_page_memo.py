"""A page that comes back byte for byte as before is not parsed again: the client hands back the same objects.

Every page is still asked for (the memo saves parsing, never a request), and a page whose bytes changed is parsed
afresh, so a change on the server always reaches the caller.
"""

from __future__ import annotations

from typing import Any

import pytest

import cftui.api.pagination as pagination_module
from cftui.api import ApiKey, CloudForgeClient
from cftui.api.page_memo import MemoKey, PageMemo


async def test_unchanged_pages_come_back_as_the_same_objects_and_a_changed_one_is_parsed_again(
    sim_factory: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    sim = sim_factory("--seed", "7", "--static", "--plan", "enterprise", "--projects", "2", "--resources", "250")
    parsed_pages: list[int] = []
    parse_page = pagination_module._parse_page

    def counting_parse_page(reply: Any, model: Any, path: str, page: int) -> Any:
        parsed_pages.append(page)
        return parse_page(reply, model, path, page)

    monkeypatch.setattr(pagination_module, "_parse_page", counting_parse_page)
    async with CloudForgeClient(sim.base_url, ApiKey.parse(sim.read_key)) as client:
        project_id = (await client.list_projects()).items[0].id
        parsed_pages.clear()
        first = await client.list_resources(project_id)
        assert sorted(parsed_pages) == [1, 2, 3]

        parsed_pages.clear()
        again = await client.list_resources(project_id)
        assert again.pages == 3, "every page is still asked for"
        assert parsed_pages == [], "nothing changed: nothing is parsed again"
        assert all(a is b for a, b in zip(first.items, again.items, strict=True))

        victim = first.items[150]  # on page 2
        sim.control("POST", "mutate", {"action": "set_status", "resource_id": victim.id, "status": "stopped"})
        parsed_pages.clear()
        changed = await client.list_resources(project_id)
        assert parsed_pages == [2]
        by_id = {r.id: r for r in changed.items}
        assert by_id[victim.id].status == "stopped"
        assert by_id[first.items[10].id] is first.items[10], "page 1 did not change: the same objects"
        assert [r.id for r in changed.items] == [r.id for r in first.items]


def test_the_memo_is_bounded_and_forgets_the_least_recently_used_page() -> None:
    memo = PageMemo(limit=2)
    a, b, c = (MemoKey(url, b"digest") for url in ("a", "b", "c"))
    memo.remember(a, "page a")
    memo.remember(b, "page b")
    assert memo.recall(a) == "page a"  # a is now the most recently used
    memo.remember(c, "page c")
    assert len(memo) == 2
    assert memo.recall(b) is None
    assert memo.recall(a) == "page a" and memo.recall(c) == "page c"
    assert memo.recall(MemoKey("a", b"other bytes")) is None, "the same URL with other bytes is not the same page"
