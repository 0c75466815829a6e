"""The CloudForge API client: GET only, typed and sanitised results, retries, rate-limit waits, pagination.

Read only by construction: the class has no write method, and its connection pool refuses any other method
(`ReadOnlyTransport`). Every attempt is reported to listeners (`RequestFinished`), every wait announced first
(`RetryScheduled`, `RateLimitWait`), and every failure ends as a typed `ApiError` whose text is masked.

This module decides when to send, wait and retry; each attempt over the wire is exchange.py's.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, TypeVar
from urllib.parse import quote, urlencode

import httpx

from cftui.api.bearer import BearerProvider
from cftui.api.client_events import ClientEvent, ClientListener, RateLimitWait, RetryScheduled
from cftui.api.errors import ApiError, AuthenticationFailed, RateLimited, SignInExpired, Unreachable, ValidationFailed
from cftui.api.exchange import MAX_RESPONSE_BYTES, Exchange, Reply, utcnow
from cftui.api.failures import Failure, display_path
from cftui.api.keys import ApiKey, KeyPolicyError, check_api_url
from cftui.api.models import Operation, Project, Resource
from cftui.api.pagination import ListResult, Page, collect_pages, parse_reply
from cftui.api.ratelimit import RateLimitInfo, capped_wait
from cftui.api.responses import data_of, validate_model
from cftui.api.retry import RetryPolicy

log = logging.getLogger("cftui.api")
M = TypeVar("M", Project, Resource, Operation)
T = TypeVar("T")
PER_PAGE = 100
# After a 429 whose reset is already past (or missing), still pause this long: never answer a 429 at once.
MIN_429_WAIT_S = 0.25
# A retry is only worth sending with at least this long left before the overall deadline; with less, and whenever
# the deadline (not the server) cut an attempt short, the client reports the error the server last gave instead
# of "unreachable" (a busy machine's late wake-up is not the server's fault).
MIN_ATTEMPT_S = 0.25


class CloudForgeClient:
    """Async, read-only client for the CloudForge API v2. Use as `async with CloudForgeClient(...) as client:`."""

    def __init__(
        self,
        base_url: str,
        api_key: ApiKey | BearerProvider,
        *,
        timeout: float = 10.0,
        retry_deadline: float = 30.0,
        max_concurrency: int = 4,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
        key_hint: str = "CLOUDFORGE_API_KEY",
        retry_policy: RetryPolicy | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if not isinstance(api_key, ApiKey | BearerProvider):
            raise KeyPolicyError("CloudForgeClient needs an ApiKey (use ApiKey.parse), not a plain string.")
        # an OAuth sign-in: asked for the bearer before each request, and once to refresh after a 401
        self._provider = api_key if isinstance(api_key, BearerProvider) else None
        api_key.check_policy()
        self._base_url = check_api_url(base_url, source="the API URL")
        self._key = api_key
        self._key_hint = key_hint
        self._timeout = timeout
        self._retry_deadline = retry_deadline
        self._policy = retry_policy or RetryPolicy()
        self._sleep = sleep
        self._max_concurrency = max(1, max_concurrency)
        self._page_pacer: Callable[[], Awaitable[None]] | None = None
        self._listeners: list[ClientListener] = []
        self._exchange = Exchange(
            self._base_url,
            api_key,
            timeout=timeout,
            max_concurrency=self._max_concurrency,
            max_response_bytes=max_response_bytes,
            key_hint=key_hint,
            emit=self._emit,
            transport=transport,
        )

    # --- lifecycle and observation ------------------------------------------------------------------

    async def __aenter__(self) -> CloudForgeClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._exchange.http.aclose()

    def __repr__(self) -> str:
        return f"CloudForgeClient({self._base_url!r}, key={self._key.masked})"

    @property
    def base_url(self) -> str:
        return self._base_url

    @property
    def api_key(self) -> ApiKey | BearerProvider:
        return self._key

    @property
    def rate_limit(self) -> RateLimitInfo:
        return self._exchange.rate

    @property
    def api_version(self) -> str | None:
        return self._exchange.api_version

    def forget_rate_limit(self) -> None:
        """Send the next request at once even if the last answer said the limit is spent (a manual refresh: the
        person asked, and the server will say again if it still holds)."""
        self._exchange.forget_rate_limit()

    def add_listener(self, callback: ClientListener) -> Callable[[], None]:
        """Call `callback` with every `ClientEvent`; returns a function that removes it again."""
        self._listeners.append(callback)
        return lambda: self._listeners.remove(callback) if callback in self._listeners else None

    def _emit(self, event: ClientEvent) -> None:
        for listener in tuple(self._listeners):
            try:
                listener(event)
            except Exception:
                log.exception("a client listener failed on %s", type(event).__name__)

    def set_page_pacer(self, pacer: Callable[[], Awaitable[None]] | None) -> None:
        """Await `pacer()` before each page of a listing after the first: the monitor keeps the pages of a list
        inside its request budget, whatever the server claims about how many there are."""
        self._page_pacer = pacer

    @property
    def max_concurrency(self) -> int:
        return self._max_concurrency

    # --- the API (all GET) ------------------------------------------------------------------------

    async def list_projects(self, status: str | None = None) -> ListResult[Project]:
        return await self._list("projects", Project, {"status": status})

    async def get_project(self, project_id: str) -> Project:
        return await self._get_one(f"projects/{_segment(project_id)}", Project)

    async def list_resources(
        self, project_id: str, *, status: str | None = None, type: str | None = None, tag: str | None = None
    ) -> ListResult[Resource]:
        params = {"status": status, "type": type, "tag": tag}
        return await self._list(f"projects/{_segment(project_id)}/resources", Resource, params)

    async def get_resource(self, project_id: str, resource_id: str) -> Resource:
        return await self._get_one(f"projects/{_segment(project_id)}/resources/{_segment(resource_id)}", Resource)

    async def get_operation(self, operation_id: str) -> Operation:
        return await self._get_one(f"operations/{_segment(operation_id)}", Operation)

    # --- typed results ------------------------------------------------------------------------------

    async def _get_one(self, path: str, model: type[M]) -> M:
        async def parse(reply: Reply) -> M:
            shown = display_path(path)
            data = data_of(reply.body, method="GET", path=shown, request_id=reply.request_id, status=200)
            return validate_model(model, data, method="GET", path=shown, request_id=reply.request_id, where="'data'")

        return (await self._get(path, parse=parse))[0]

    async def _list(self, path: str, model: type[M], filters: Mapping[str, str | None]) -> ListResult[M]:
        params = {name: value for name, value in filters.items() if value is not None}

        async def fetch_page(page: int) -> Page:
            if page > 1 and self._page_pacer is not None:
                await self._page_pacer()
            query = {**params, "page": page, "per_page": PER_PAGE}

            async def parse(reply: Reply) -> Page:
                return await parse_reply(reply, model, display_path(path), page, self._exchange.pages)

            memo_url = f"{path}?{urlencode(sorted(query.items()))}"
            parsed, attempts = await self._get(path, query, memo_url=memo_url, parse=parse)
            return replace(parsed, attempts=attempts)

        return await collect_pages(
            fetch_page, path=display_path(path), per_page=PER_PAGE, concurrency=self._max_concurrency
        )

    # --- one GET with retries and rate-limit waits ----------------------------------------------------

    async def _get(
        self,
        path: str,
        params: Mapping[str, Any] | None = None,
        *,
        memo_url: str | None = None,
        parse: Callable[[Reply], Awaitable[T]],
    ) -> tuple[T, int]:
        """One GET, retried, within the overall deadline: no attempt, wait or retry of it runs past
        `retry_deadline` seconds from the call, whatever the server does (one byte a second included)."""
        deadline = time.monotonic() + self._retry_deadline
        try:
            # a last guard: every wait below is already measured against the deadline, this one cannot be missed
            async with asyncio.timeout(self._retry_deadline + 1.0):
                return await self._get_within(path, params, memo_url, parse, deadline)
        except TimeoutError:
            raise Unreachable(
                f"no complete answer within the overall deadline of {self._retry_deadline:g} s",
                method="GET",
                path=display_path(path),
            ) from None

    async def _get_within(
        self,
        path: str,
        params: Mapping[str, Any] | None,
        memo_url: str | None,
        parse: Callable[[Reply], Awaitable[T]],
        deadline: float,
    ) -> tuple[T, int]:
        attempt = 0
        refreshed = False
        previous: ApiError | None = None  # the error of the attempt before, to report if the deadline cuts the next
        while True:
            await self._respect_rate_limit(path, deadline)
            attempt += 1
            # no attempt may run past the deadline: its time shrinks to what is left (at least a moment)
            left = max(0.05, deadline - time.monotonic())
            timeout = min(self._timeout, left)
            sent_with: list[str] = []  # the bearer the attempt sent (a refresh must know which one was refused)
            outcome = await self._exchange.attempt(
                path, params, timeout, memo_url, parse, whole_s=left, sent_with=sent_with
            )
            if not isinstance(outcome, Failure):
                return outcome, attempt
            error, retryable = outcome.error, outcome.retryable
            if previous is not None and isinstance(error, Unreachable) and timeout < self._timeout:
                raise previous.after_attempts(attempt)  # the deadline cut this attempt short, not the server
            if self._provider is not None and type(error) is AuthenticationFailed:
                if not refreshed and sent_with and await self._provider.after_rejection(sent_with[0]):
                    refreshed, attempt = True, attempt - 1  # one more try with the refreshed token
                    continue
                raise SignInExpired(
                    f"the API refused the token (server said: {error.message})",
                    login_command=self._key_hint,
                    status=401,
                    request_id=error.request_id,
                    path=error.path,
                )
            if isinstance(error, RateLimited):
                attempt -= 1  # a 429 is the server pacing us, not a failure: it does not use up attempts
                await self._wait_until(error.retry_at, deadline, path, error)
                continue
            if not retryable or attempt >= self._policy.attempts:
                raise error.after_attempts(attempt)
            delay = self._policy.backoff(attempt)
            if time.monotonic() + delay > deadline - MIN_ATTEMPT_S:
                raise error.after_attempts(attempt)
            self._emit(RetryScheduled(attempt=attempt, error=error, at=utcnow() + timedelta(seconds=delay)))
            log.info("retrying GET /%s in %.2fs after: %s", path, delay, error)
            await self._sleep(delay)
            if deadline - time.monotonic() < MIN_ATTEMPT_S:  # the sleep ran late: no time left for a real attempt
                raise error.after_attempts(attempt)
            previous = error

    async def _respect_rate_limit(self, path: str, deadline: float) -> None:
        """Before sending: if the last response said nothing remains, wait for its reset."""
        info = self._exchange.rate
        if not info.exhausted or info.reset_at is None:
            return
        until = capped_wait(info.reset_at, info.observed_at or utcnow())
        if until > utcnow():
            await self._wait_until(until, deadline, path, None)

    async def _wait_until(self, until: datetime, deadline: float, path: str, cause: RateLimited | None) -> None:
        until = capped_wait(until, utcnow())  # no single observation holds requests back more than 60 s
        floor = MIN_429_WAIT_S if cause is not None else 0.0
        wait = max(floor, (until - utcnow()).total_seconds()) + self._policy.rate_limit_jitter()
        if time.monotonic() + wait > deadline:
            raise cause or RateLimited(
                "the rate limit is spent and resets after the retry deadline",
                retry_at=until,
                method="GET",
                path=display_path(path),
            )
        self._emit(RateLimitWait(until=until))
        log.info("rate limited: holding GET /%s until %s", path, until.isoformat())
        await self._sleep(wait)


def _segment(identifier: str) -> str:
    """One path segment from an id; an id that cannot be one is refused before anything is sent."""
    if not isinstance(identifier, str) or not identifier.strip() or identifier in (".", "..") or len(identifier) > 200:
        raise ValidationFailed(
            f"{identifier!r} is not a valid CloudForge id; nothing was sent", code="invalid_id", method="GET"
        )
    return quote(identifier, safe="")
