"""Fetch every page of a list: page 1 first, then the rest concurrently when `meta.total` says how many.

Without `meta` (the reference's resource list shows none) the next page is asked for while pages come back
full. Items are kept in page order; an id seen on an earlier page is not repeated (a list that shifts while
it is read can show an item twice), but a page with nothing new stops the listing with `ListCountError`, as does
a count that cannot be true: whatever `meta` says, one listing never sends more than `MAX_PAGES` requests.
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
    from cftui.api.exchange import Reply

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)
# One listing never sends more than this many page requests (20,000 items at 100 a page, four times the largest
# project the benchmarks read): a server that keeps sending new full pages past it is broken or hostile.
MAX_PAGES = 200


class ListCountError(MalformedResponse):
    """A list whose pages or counts cannot be true: a page repeating an earlier one, an impossible total."""

    default_code = "impossible_list"


@dataclass(frozen=True, slots=True)
class ListResult(Generic[T]):
    items: tuple[T, ...]
    total: int | None  # `meta.total` as the server reported it, None without meta
    pages: int  # HTTP requests spent, retries included


@dataclass(frozen=True, slots=True)
class Page:
    items: list[Any]
    meta: ListMeta | None
    attempts: int
    number: int = 0


_Page = Page  # the older name (the page memo stores these)
OFF_LOOP_ITEMS = 20  # pages with at least this many items are validated in a worker thread


async def parse_reply(reply: Reply, model: type[M], path: str, page: int, memo: PageMemo | None) -> Page:
    """Validate a page; a large one in a worker thread, so the event loop (the UI) stays responsive.

    A page whose bytes were seen before is the page parsed then (see `page_memo`)."""
    if isinstance(reply.body, Remembered):
        return replace(reply.body.value, attempts=reply.attempts, number=page)
    data = reply.body.get("data") if isinstance(reply.body, dict) else None
    if isinstance(data, list) and len(data) >= OFF_LOOP_ITEMS:
        parsed = await asyncio.to_thread(_parse_page, reply, model, path, page)
    else:
        parsed = _parse_page(reply, model, path, page)
    if memo is not None and reply.memo_key is not None:
        memo.remember(reply.memo_key, parsed)
    return parsed


def _parse_page(reply: Reply, model: type[M], path: str, page: int) -> Page:
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
    return Page(items, meta, reply.attempts, page)


def _ids(page: Page) -> frozenset[Any]:
    return frozenset(getattr(item, "id", None) for item in page.items)


class _Guard:
    """Stops a listing whose pages cannot be true: each page must bring ids no earlier page had (a server that
    ignores `page` repeats itself), and no page may hold more items than were asked for."""

    def __init__(self, path: str, per_page: int) -> None:
        self.path = path
        self.per_page = per_page
        self.seen: dict[Any, int] = {}

    def check(self, page: Page) -> None:
        if len(page.items) > self.per_page:
            self._fail(f"page {page.number} holds {len(page.items)} items where at most {self.per_page} were asked for")
        ids = _ids(page)
        if page.items and all(item_id in self.seen for item_id in ids):
            earlier = min(self.seen[item_id] for item_id in ids)
            self._fail(f"page {page.number} repeats page {earlier} (the server ignores the page number?)")
        for item_id in ids:
            self.seen.setdefault(item_id, page.number)

    def _fail(self, problem: str) -> None:
        raise ListCountError(f"the list cannot be true: {problem}; cftui stopped reading it", method="GET",
                             path=self.path)  # fmt: skip


async def collect_pages(
    fetch_page: Callable[[int], Awaitable[Page]],
    *,
    path: str,
    per_page: int,
    concurrency: int,
) -> ListResult[Any]:
    """Every page of a list, at most `MAX_PAGES` requests whatever `meta` claims, stopped with `ListCountError`
    when a page repeats or a count cannot be true."""
    guard = _Guard(path, per_page)
    first = await fetch_page(1)
    guard.check(first)
    pages = [first]
    total = first.meta.total if first.meta else None
    if total is not None:
        size = first.meta.per_page if first.meta and first.meta.per_page else per_page
        if total < 0 or size <= 0 or size > per_page:
            guard._fail(f"meta says total {total}, per_page {size} (per_page={per_page} was asked for)")
        claimed_pages = math.ceil(total / size)
        last_page = min(MAX_PAGES, claimed_pages)
        limiter = asyncio.Semaphore(max(1, concurrency))
        # A page that comes back short ends the list, whatever `total` said: a server whose total is wrong (or
        # hostile) costs at most the requests already in flight, not thousands of empty pages.
        short_pages = [1] if len(first.items) < size else []

        async def bounded(page: int) -> Page | None:
            async with limiter:
                if short_pages and page > min(short_pages):
                    return None
                parsed = await fetch_page(page)
                guard.check(parsed)
                if len(parsed.items) < size:
                    short_pages.append(page)
                return parsed

        fetched = await _all_or_nothing([bounded(page) for page in range(2, last_page + 1)])
        pages += [page for page in fetched if page is not None]
        if claimed_pages > MAX_PAGES and not short_pages:
            guard._fail(f"meta.total {total} means {claimed_pages} pages and all {MAX_PAGES} read were full")
    else:
        latest = first
        while len(latest.items) >= per_page:
            if len(pages) >= MAX_PAGES:
                guard._fail(f"it goes on past {MAX_PAGES} full pages")
            latest = await fetch_page(len(pages) + 1)
            guard.check(latest)
            pages.append(latest)
    return ListResult(items=_unique(pages), total=total, pages=sum(page.attempts for page in pages))


async def _all_or_nothing(coroutines: list[Awaitable[Page | None]]) -> list[Page | None]:
    """Run concurrently; on the first failure cancel the rest (no requests left running) and raise it."""
    tasks = [asyncio.ensure_future(coroutine) for coroutine in coroutines]
    try:
        return list(await asyncio.gather(*tasks))
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def _unique(pages: list[Page]) -> tuple[Any, ...]:
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
