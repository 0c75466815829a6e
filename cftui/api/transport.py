"""The read-only transport: the last point before the network, where any request but GET is refused.

The client offers no write method, and this wrapper makes sure that nothing else can use its connection pool to
send one either (`client._exchange.http.post(...)`, `.send(custom_request)`, a stream...).
"""

from __future__ import annotations

import httpx

from cftui.api.errors import ReadOnlyViolation

ALLOWED_METHODS = frozenset({"GET"})


def refuse_unless_get(request: httpx.Request) -> None:
    if request.method.upper() not in ALLOWED_METHODS:
        raise ReadOnlyViolation(
            "cftui is read-only and sends only GET requests; nothing was sent",
            method=request.method.upper(),
            path=request.url.path,
            request_id=request.headers.get("X-Request-ID"),
        )


class ReadOnlyTransport(httpx.AsyncBaseTransport):
    """Wraps a transport; raises `ReadOnlyViolation` for any method other than GET, before delegating."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self._inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        refuse_unless_get(request)
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


async def read_only_hook(request: httpx.Request) -> None:
    """An httpx request event hook: the same check, earlier (before redirects or auth flows run)."""
    refuse_unless_get(request)
