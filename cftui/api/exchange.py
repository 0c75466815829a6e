"""One GET over the wire: the connection pool, the bearer, the body read under its cap, the parse, the report.

The client (client.py) decides whether to send, wait or retry; an `Exchange` sends one attempt and says how it
ended: what `parse` made of the body, or a `Failure` naming the error and whether it is worth retrying. Every
attempt is reported to the client's listeners (`RequestFinished`), and every response's rate-limit and version
headers are kept (`rate`, `api_version`) for the next decision.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx

from cftui import __version__
from cftui.api.bearer import BearerProvider
from cftui.api.client_events import ClientEvent, RequestFinished
from cftui.api.errors import ApiError, MalformedResponse, ResponseTooLarge, Unreachable
from cftui.api.failures import Failure, display_path, failure_from_response, transport_error
from cftui.api.keys import ApiKey, proxy_for
from cftui.api.page_memo import MemoKey, PageMemo, Remembered
from cftui.api.ratelimit import RateLimitInfo, parse_rate_limit
from cftui.api.responses import clean_header, decode_body
from cftui.api.retry import RETRY_EXCEPTIONS
from cftui.api.transport import ReadOnlyTransport, read_only_hook

log = logging.getLogger("cftui.api")
T = TypeVar("T")
USER_AGENT = f"cftui/{__version__}"
# A page of 100 resources is ~50 KB; a body (2xx or error) larger than this once decoded (gunzipped) is refused as
# it streams in, so a gzip bomb or a body that never ends costs at most this much memory.
MAX_RESPONSE_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Reply:
    """A decoded 2xx body and the number of HTTP attempts it took."""

    body: Any  # `Remembered` when the bytes are those of a page parsed before
    attempts: int
    request_id: str
    memo_key: MemoKey | None = None  # how to remember what this body parses to (large list pages only)


def new_request_id() -> str:
    return f"req_cftui_{uuid.uuid4().hex[:20]}"


def utcnow() -> datetime:
    return datetime.now(UTC)


class Exchange:
    """Sends one GET at a time per slot (at most `max_concurrency` at once) through a read-only connection pool."""

    def __init__(
        self,
        base_url: str,
        api_key: ApiKey | BearerProvider,
        *,
        timeout: float,
        max_concurrency: int,
        max_response_bytes: int,
        key_hint: str,
        emit: Callable[[ClientEvent], None],
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._base_url = base_url
        self._key = api_key
        self._key_hint = key_hint
        self._max_response_bytes = max_response_bytes
        self._emit = emit
        self._in_flight = asyncio.Semaphore(max_concurrency)
        self._pages = PageMemo()
        self.rate = RateLimitInfo()  # what the last response's headers said of the rate limit
        self.api_version: str | None = None
        limits = httpx.Limits(max_connections=max_concurrency, max_keepalive_connections=max_concurrency)
        inner = transport or httpx.AsyncHTTPTransport(
            limits=limits, retries=0, proxy=proxy_for(base_url), verify=tls_for(base_url)
        )
        self.http = httpx.AsyncClient(
            base_url=base_url + "/",
            transport=ReadOnlyTransport(inner),
            timeout=httpx.Timeout(timeout),
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            event_hooks={"request": [read_only_hook]},
            follow_redirects=False,
        )

    def forget_rate_limit(self) -> None:
        """Send the next request at once even if the last answer said the limit is spent."""
        self.rate = RateLimitInfo(limit=self.rate.limit)

    @property
    def pages(self) -> PageMemo:
        """What large list pages parsed to, by the digest of their bytes (an unchanged page is not parsed again)."""
        return self._pages

    async def _current_bearer(self) -> str:
        if isinstance(self._key, BearerProvider):
            return await self._key.bearer()  # may refresh first; may raise SignInExpired
        return self._key.reveal()

    async def attempt(
        self,
        path: str,
        params: Mapping[str, Any] | None,
        timeout_s: float,
        memo_url: str | None,
        parse: Callable[[Reply], Awaitable[T]],
        *,
        whole_s: float,
        sent_with: list[str] | None = None,
    ) -> T | Failure:
        """Send one GET and read its body (at most `max_response_bytes`; each connect and read within `timeout_s`,
        and all of it, from sending to the last byte, within `whole_s`: what is left of the overall deadline, so a
        server sending a byte a second cannot hold it longer), then `parse` it. Returns what `parse` made, or the
        error and whether it is worth retrying.

        The attempt is reported (`RequestFinished`) after `parse`, so a 200 whose body is not what the reference
        describes counts as the failure it is, never as the API answering again.
        With `memo_url`, a body whose bytes are those of a page parsed before comes back `Remembered`, undecoded."""
        request_id = new_request_id()
        started = time.monotonic()
        status: int | None = None
        failure: Failure | None = None
        result: Any = None
        async with self._in_flight:
            # asked for only now, so a request that queued for a slot never sends a token that expired meanwhile
            token = await self._current_bearer()
            if sent_with is not None:
                sent_with.append(token)
            headers = {"Authorization": f"Bearer {token}", "X-Request-ID": request_id}
            try:
                async with asyncio.timeout(whole_s):
                    response, content = await self._fetch(path, params, headers, timeout_s)
            except TimeoutError:
                reason = f"no answer within {whole_s:.3g} s, the overall deadline (the body never completed)"
                failure = Failure(
                    Unreachable(reason, request_id=request_id, method="GET", path=display_path(path)), True
                )
            except ResponseTooLarge as exc:
                exc.request_id = exc.request_id or request_id
                exc.args = (exc.sentence(),)
                status, failure = exc.status, Failure(exc, False)
            except httpx.HTTPError as exc:
                lost = transport_error(
                    exc, base_url=self._base_url, path=path, request_id=request_id, timeout=timeout_s
                )
                failure = Failure(lost, isinstance(exc, RETRY_EXCEPTIONS))
        if failure is None:
            status = response.status_code
            self._observe(response)
            request_id = self._clean(response.headers.get("X-Request-ID")) or request_id
            if response.is_success:
                try:
                    result = await self._parse_body(content, response.status_code, path, request_id, memo_url, parse)
                except ApiError as exc:
                    failure = Failure(exc, False)
            else:
                failure = failure_from_response(
                    response,
                    content,
                    path=path,
                    request_id=request_id,
                    base_url=self._base_url,
                    key_hint=self._key_hint,
                    scrub=self._key.scrub,
                    now=utcnow(),
                )
                request_id = failure.error.request_id or request_id
        duration = time.monotonic() - started
        error = failure.error if failure is not None else None
        self._emit(RequestFinished("GET", display_path(path), status, request_id, utcnow(), duration, error))
        log.debug("GET /%s -> %s (%s) in %.3fs", path, status or "no response", request_id, duration)
        return failure if failure is not None else result

    async def _fetch(
        self, path: str, params: Mapping[str, Any] | None, headers: dict[str, str], timeout_s: float
    ) -> tuple[httpx.Response, bytes]:
        """The response and its decoded body, counted as it streams in: never more than `max_response_bytes`."""
        request = self.http.build_request("GET", path, params=params, headers=headers, timeout=timeout_s)
        response = await self.http.send(request, stream=True)
        try:
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > self._max_response_bytes:
                    raise ResponseTooLarge(
                        f"the body is larger than {self._max_response_bytes:,} bytes once decoded; cftui stopped "
                        "reading it",
                        status=response.status_code,
                        request_id=self._clean(response.headers.get("X-Request-ID")),
                        method="GET",
                        path=display_path(path),
                    )
                chunks.append(chunk)
        finally:
            await response.aclose()
        return response, b"".join(chunks)

    async def _parse_body(
        self,
        content: bytes,
        status: int,
        path: str,
        request_id: str,
        memo_url: str | None,
        parse: Callable[[Reply], Awaitable[T]],
    ) -> T:
        memo_key = self._pages.key_for(memo_url, content) if memo_url else None
        remembered = self._pages.recall(memo_key) if memo_key else None
        try:
            if remembered is not None:
                body: Any = Remembered(remembered)
            else:
                body = await decode_body(content, status, self._key.scrub, method="GET", path=display_path(path),
                                     request_id=request_id)  # fmt: skip
            return await parse(Reply(body, 1, request_id, memo_key))
        except ApiError:
            raise
        except Exception as exc:  # a body no check foresaw: an error state for this request, never a crash
            log.warning("unreadable answer to GET /%s", path, exc_info=True)
            raise MalformedResponse(
                f"the answer could not be read ({type(exc).__name__})",
                status=status,
                request_id=request_id,
                method="GET",
                path=display_path(path),
            ) from None

    def _clean(self, value: str | None) -> str | None:
        """A header value from the server, safe to display, with our key masked should the server echo it."""
        cleaned = clean_header(value)
        return self._key.scrub(cleaned) if cleaned else None

    def _observe(self, response: httpx.Response) -> None:
        observed = parse_rate_limit(response.headers, utcnow())
        if observed is not None:
            self.rate = observed
        version = self._clean(response.headers.get("X-CloudForge-Version"))
        if version:
            self.api_version = version


def tls_for(base_url: str) -> ssl.SSLContext | bool:
    """https: httpx's default verification. Plain http is allowed only to loopback (`check_api_url`), where no TLS
    is ever spoken: loading the CA bundle there cost ~0.15 s of every start, so that client gets a context that
    trusts no certificate at all (strict by construction, should TLS ever be attempted)."""
    if base_url.startswith("https://"):
        return True
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
