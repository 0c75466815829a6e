"""What the client needs from a credential that is not a fixed API key (an OAuth sign-in).

The client asks `bearer()` before each request and, when the API answers 401, calls `after_rejection()`
once: True means a fresh bearer is ready and the request is worth one more try. Either may raise an
`ApiError` (a `SignInExpired`), which the client reports like any other failed request.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable


@runtime_checkable
class BearerProvider(Protocol):
    kind: str  # shown where a key's kind is ("oauth")
    source: str  # where it comes from, for messages

    @property
    def masked(self) -> str: ...

    def check_policy(self) -> None: ...

    def scrub(self, text: str) -> str: ...  # `text` with every secret this credential holds masked

    async def bearer(self) -> str: ...

    async def after_rejection(self, rejected: str) -> bool: ...
