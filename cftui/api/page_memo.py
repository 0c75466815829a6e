"""The last parsed page of each list URL, recognised again by a digest of its bytes.

A dashboard reads the same big lists every few seconds, and most pages come back byte for byte as before. A page
recognised here costs a hash instead of decoding, sanitising and validating 100 resources again, and it hands
back the very same (frozen) model objects, so the monitor's and the tree's diffs pass over them on an identity
check. Parsing is deterministic, so equal bytes at the same URL always parse to equal pages.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

MEMO_PAGES = 128  # a 5,000-resource project (50 pages), the project list and one more big project
MEMO_MIN_BYTES = 8_192  # smaller bodies (a sweep's few errors) parse in less time than they would take to keep


def digest_of(content: bytes) -> bytes:
    return hashlib.blake2b(content, digest_size=16).digest()


@dataclass(frozen=True, slots=True)
class Remembered:
    """A reply body that is the value parsed from the same bytes before (`Reply.body` on a recognised page)."""

    value: Any


@dataclass(frozen=True, slots=True)
class MemoKey:
    url: str
    digest: bytes


class PageMemo:
    """At most `limit` parsed pages, least recently used first out."""

    def __init__(self, limit: int = MEMO_PAGES) -> None:
        self._limit = limit
        self._pages: OrderedDict[str, tuple[bytes, Any]] = OrderedDict()

    def key_for(self, url: str, content: bytes) -> MemoKey | None:
        """The key of a body worth remembering (None for a small one)."""
        return MemoKey(url, digest_of(content)) if len(content) >= MEMO_MIN_BYTES else None

    def recall(self, key: MemoKey) -> Any | None:
        entry = self._pages.get(key.url)
        if entry is None or entry[0] != key.digest:
            return None
        self._pages.move_to_end(key.url)
        return entry[1]

    def remember(self, key: MemoKey, value: Any) -> None:
        self._pages[key.url] = (key.digest, value)
        self._pages.move_to_end(key.url)
        while len(self._pages) > self._limit:
            self._pages.popitem(last=False)

    def __len__(self) -> int:
        return len(self._pages)
