"""Fetch every page of a list: page 1 first, then the rest concurrently when `meta.total` says how many.

Without `meta` (the reference's resource list shows none) the next page is asked for while pages come back
full. Items are kept in page order; an id seen on an earlier page is not repeated (a list that shifts while
it is read can show an item twice).
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pydantic import BaseModel

from cftui.api.errors import MalformedResponse
from cftui.api.models import ListMeta
from cftui.api.page_memo import PageMemo, Remembered
from cftui.api.responses import validate_model

if TYPE_CHECKING:
    from cftui.api.client import Reply

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)
MAX_PAGES = 10_000  # a server that never stops sending full pages is not followed forever


@dataclass(frozen=True, slots=True)
class ListResult(Generic[T]):
    items: tuple[T, ...]
    total: int | None  # `meta.total` as the server reported it, None without meta
    pages: int  # HTTP requests spent, retries included


@dataclass(frozen=True, slots=True)
class _Page:
    items: list[Any]
    meta: ListMeta | None
    attempts: int


OFF_LOOP_ITEMS = 20  # pages with at least this many items are validated in a worker thread


async def _parse(reply: Reply, model: type[M], path: str, page: int, memo: PageMemo | None) -> _Page:
    """Validate a page; a large one in a worker thread, so the event loop (the UI) stays responsive.

    A page whose bytes were seen before is the page parsed then (see `page_memo`)."""
    if isinstance(reply.body, Remembered):
        return replace(reply.body.value, attempts=reply.attempts)
    data = reply.body.get("data") if isinstance(reply.body, dict) else None
    if isinstance(data, list) and len(data) >= OFF_LOOP_ITEMS:
        parsed = await asyncio.to_thread(_parse_page, reply, model, path, page)
    else:
        parsed = _parse_page(reply, model, path, page)
    if memo is not None and reply.memo_key is not None:
        memo.remember(reply.memo_key, parsed)
    return parsed


def _parse_page(reply: Reply, model: type[M], path: str, page: int) -> _Page:
    body = reply.body
    common: dict[str, Any] = {"method": "GET", "path": path, "request_id": reply.request_id}
    if not isinstance(body, dict) or not isinstance(body.get("data"), list):
        raise MalformedResponse(f"page {page}: expected an object whose 'data' is an array", **common)
    items = [
        validate_model(model, raw, where=f"page {page}, item {index}", **common)
        for index, raw in enumerate(body["data"])
    ]
    raw_meta = body.get("meta")
    meta = ListMeta.model_validate(raw_meta) if isinstance(raw_meta, dict) else None
    return _Page(items, meta, reply.attempts)


async def collect_pages(
    fetch_page: Callable[[int], Awaitable[Reply]],
    model: type[M],
    *,
    path: str,
    per_page: int,
    concurrency: int,
    memo: PageMemo | None = None,
) -> ListResult[M]:
    first = await _parse(await fetch_page(1), model, path, 1, memo)
    pages = [first]
    total = first.meta.total if first.meta else None
    if total is not None:
        size = first.meta.per_page if first.meta and first.meta.per_page else per_page
        last_page = min(MAX_PAGES, math.ceil(total / max(1, size)))
        limiter = asyncio.Semaphore(max(1, concurrency))
        # A page that comes back short ends the list, whatever `total` said: a server whose total is wrong (or
        # hostile) costs at most the requests already in flight, not thousands of empty pages.
        short_pages = [1] if len(first.items) < size else []

        async def bounded(page: int) -> _Page | None:
            async with limiter:
                if short_pages and page > min(short_pages):
                    return None
                parsed = await _parse(await fetch_page(page), model, path, page, memo)
                if len(parsed.items) < size:
                    short_pages.append(page)
                return parsed

        fetched = await _all_or_nothing([bounded(page) for page in range(2, last_page + 1)])
        pages += [page for page in fetched if page is not None]
    else:
        page_number, latest = 1, first
        seen = {getattr(item, "id", None) for item in first.items}
        while len(latest.items) >= per_page and page_number < MAX_PAGES:
            page_number += 1
            latest = await _parse(await fetch_page(page_number), model, path, page_number, memo)
            pages.append(latest)
            new_ids = {getattr(item, "id", None) for item in latest.items} - seen
            if not new_ids:
                break  # the server ignores `page` and repeats itself
            seen |= new_ids
    return ListResult(items=_unique(pages), total=total, pages=sum(page.attempts for page in pages))


async def _all_or_nothing(coroutines: list[Awaitable[_Page | None]]) -> list[_Page | None]:
    """Run concurrently; on the first failure cancel the rest (no requests left running) and raise it."""
    tasks = [asyncio.ensure_future(coroutine) for coroutine in coroutines]
    try:
        return list(await asyncio.gather(*tasks))
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def _unique(pages: list[_Page]) -> tuple[Any, ...]:
    seen: set[Any] = set()
    items: list[Any] = []
    for page in pages:
        for item in page.items:
            key = getattr(item, "id", None)
            if key and key in seen:
                continue
            seen.add(key)
            items.append(item)
    return tuple(items)
