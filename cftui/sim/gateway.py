"""The front door of every request: request ids, rate limits, faults, keys, stats, and the common headers.

A pure ASGI middleware, so it can do what a proxy in front of an API does: hold a request, fail it, cut its
body short, or drop the connection half-way. `/_sim/*` (the control endpoint) passes through untouched, but
only for loopback clients.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import secrets
import time
from email.utils import formatdate
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from starlette.datastructures import Headers

from cftui.sim.errors import error_body
from cftui.sim.keys import is_read_only, is_well_formed, mask_key
from cftui.sim.oauth import ACCESS_PREFIX, Grant, mask_token
from cftui.sim.ratelimit import Verdict
from cftui.sim.serialize import iso_ms

if TYPE_CHECKING:
    from cftui.sim.state import Simulator

API_VERSION = "2.15.3"
READ_METHODS = ("GET", "HEAD")
REQUEST_ID_MAX = 128
PROXY_PAGES = {
    502: "502 Bad Gateway",
    503: "503 Service Temporarily Unavailable",
    504: "504 Gateway Time-out",
}
logger = logging.getLogger("cftui.sim")

Scope = dict[str, Any]


def _client_host(scope: Scope) -> str:
    client = scope.get("client")
    return client[0] if client else ""


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _request_id(headers: Headers) -> str:
    """The client's X-Request-ID when it is a sane token; otherwise a new `req_…`."""
    given = headers.get("x-request-id", "")
    if given and len(given) <= REQUEST_ID_MAX and given.isascii() and given.isprintable():
        return given
    return "req_" + secrets.token_hex(8)


def _bearer(headers: Headers) -> str | None:
    scheme, _, token = headers.get("authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not (is_well_formed(token) or _is_access_token(token)):
        return None
    return token


def _is_access_token(token: str) -> bool:
    return token.startswith(ACCESS_PREFIX) and len(token) <= 200 and token.isascii() and token.isprintable()


class Reply:
    """A complete response, held until the gateway has added its headers."""

    def __init__(self, status: int, body: bytes, headers: list[tuple[bytes, bytes]] | None = None) -> None:
        self.status = status
        self.body = body
        self.headers = headers if headers is not None else [(b"content-type", b"application/json")]

    async def send(self, send: Any, extra: dict[str, str]) -> None:
        headers = [(name, value) for name, value in self.headers if name.lower() != b"content-length"]
        headers.append((b"content-length", str(len(self.body)).encode()))
        headers += [(name.lower().encode(), value.encode()) for name, value in extra.items()]
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        await send({"type": "http.response.body", "body": self.body, "more_body": False})


def error_reply(code: str, status: int, message: str, request_id: str) -> Reply:
    return Reply(status, error_body(code, message, request_id))


class Gateway:
    def __init__(self, app: Any, sim: Simulator) -> None:
        self.app = app
        self.sim = sim

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if path == "/_sim" or path.startswith("/_sim/"):
            await self._control(scope, receive, send)
        elif path.startswith(("/oauth/", "/.well-known/")):
            await self._auth_server(scope, receive, send)
        else:
            await self._api(scope, receive, send)

    async def _control(self, scope: Scope, receive: Any, send: Any) -> None:
        request_id = "req_" + secrets.token_hex(8)
        scope.setdefault("state", {})["request_id"] = request_id
        if not is_loopback(_client_host(scope)):
            reply = error_reply("forbidden", 403, "the control endpoint only answers loopback clients", request_id)
            await reply.send(send, {})
            return
        self.sim.world.advance_to_now()
        reply = await self._inner(scope, receive, request_id)
        await reply.send(send, {"X-Request-ID": request_id})

    async def _auth_server(self, scope: Scope, receive: Any, send: Any) -> None:
        """The authorization server: no API key, no rate limit, no API faults (it has its own, see oauth.py)."""
        request_id = _request_id(Headers(scope=scope))
        scope.setdefault("state", {})["request_id"] = request_id
        reply = await self._inner(scope, receive, request_id)
        date = formatdate(time.time() + self.sim.oauth.clock_skew_s, usegmt=True)
        await reply.send(send, {"X-Request-ID": request_id, "Date": date})

    async def _api(self, scope: Scope, receive: Any, send: Any) -> None:
        headers = Headers(scope=scope)
        request_id = _request_id(headers)
        scope.setdefault("state", {})["request_id"] = request_id
        path: str = scope["path"]
        if len(path) > 1 and path.endswith("/"):
            # the trailing-slash redirect, made here with a relative Location: Starlette's own builds it from the
            # Host header, so `Host: evil.example` was sent back as the place to go
            query = scope.get("query_string", b"")
            # one leading slash (`//evil.example/` must not become a protocol-relative URL), and re-quoted
            location = quote("/" + path.strip("/"), safe="/:@!$&'()*+,;=-._~")
            location += "?" + query.decode("latin-1") if query else ""
            headers_out = [(b"location", location.encode("latin-1")), (b"content-type", b"application/json")]
            await Reply(307, b"", headers_out).send(send, {"X-Request-ID": request_id})
            return
        key = _bearer(headers)
        grant: Grant | None = None
        token_problem: str | None = None
        if key is not None and _is_access_token(key):
            grant, token_problem = self.sim.oauth.access_grant(key)
        known_key = key if key is not None and key in self.sim.keys else None
        bucket = f"user:{grant.user}" if grant is not None else known_key
        verdict = self._rate_verdict(bucket or f"anon:{_client_host(scope)}")
        common = {"X-Request-ID": request_id, "X-CloudForge-Version": API_VERSION, **verdict.headers()}
        common["Date"] = formatdate(time.time(), usegmt=True)
        status = 0  # stays 0 when the connection is dropped without a response
        self.sim.stats.in_flight += 1
        try:
            reply = await self._respond(
                scope, receive, headers, request_id, key, known_key, verdict, grant, token_problem
            )
            if reply is None:
                await self._drop(send)
            else:
                status = reply.status
                await reply.send(send, common)
        finally:
            self.sim.stats.in_flight -= 1
            self.sim.stats.record(
                at=iso_ms(time.time()),
                method=scope["method"],
                path=scope["path"],
                query=scope.get("query_string", b"").decode("latin-1"),
                status=status,
                key=mask_token(key) if key is not None and _is_access_token(key) else mask_key(key),
                user=grant.user if grant is not None else None,
            )

    def _rate_verdict(self, bucket: str) -> Verdict:
        storm = self.sim.faults.rate_limit_storm_seconds
        if storm > 0:
            return self.sim.limiter.storm(storm)
        return self.sim.limiter.take(bucket)

    async def _respond(
        self,
        scope: Scope,
        receive: Any,
        headers: Headers,
        request_id: str,
        key: str | None,
        known_key: str | None,
        verdict: Verdict,
        grant: Grant | None = None,
        token_problem: str | None = None,
    ) -> Reply | None:
        """The reply to send, or None to drop the connection."""
        if not verdict.allowed:
            limiter = self.sim.limiter
            message = (
                f"rate limit exceeded: {limiter.limit} requests/min (burst {limiter.burst}) on the {limiter.plan} "
                f"plan; retry after {verdict.retry_after} s"
            )
            return error_reply("rate_limited", 429, message, request_id)
        faults = self.sim.faults
        rng = self.sim.fault_rng
        if faults.latency_ms > 0:
            await asyncio.sleep(faults.latency_ms / 1000)
        if faults.hang_rate > 0 and rng.random() < faults.hang_rate:
            await asyncio.sleep(faults.hang_seconds)
        if faults.drop_rate > 0 and rng.random() < faults.drop_rate:
            return None
        if faults.error_rate > 0 and rng.random() < faults.error_rate:
            return self._server_error(faults.error_status, request_id)
        if token_problem is not None:
            problem: tuple[str, int, str] | None = ("authentication_failed", 401, token_problem)
        elif grant is not None:
            problem = self._scope_problem(grant, scope["method"])
        else:
            problem = self._auth_problem(headers, key, known_key, scope["method"])
        if problem is not None:
            return error_reply(*problem, request_id)
        self.sim.world.advance_to_now()
        reply = await self._inner(scope, receive, request_id)
        truncatable = 200 <= reply.status < 300 and len(reply.body) > 2
        if truncatable and faults.truncate_rate > 0 and rng.random() < faults.truncate_rate:
            reply.body = reply.body[: max(1, len(reply.body) // 2)]
        return reply

    def _auth_problem(
        self, headers: Headers, key: str | None, known_key: str | None, method: str
    ) -> tuple[str, int, str] | None:
        if "authorization" not in headers:
            return "authentication_failed", 401, "missing Authorization header; send 'Authorization: Bearer <api_key>'"
        if key is None:
            return (
                "authentication_failed",
                401,
                "malformed Authorization header; expected 'Bearer cf_live_…', 'Bearer cf_test_…' or 'Bearer cf_read_…'",
            )
        if known_key is None:
            return "authentication_failed", 401, f"invalid API key {mask_key(key)}"
        if known_key in self.sim.faults.revoked_keys:
            return "authentication_failed", 401, f"API key {mask_key(key)} has been revoked"
        if is_read_only(known_key) and method not in READ_METHODS:
            return "forbidden", 403, f"read-only key {mask_key(key)} may not {method}; use a cf_test_ or cf_live_ key"
        return None

    @staticmethod
    def _scope_problem(grant: Grant, method: str) -> tuple[str, int, str] | None:
        if "write" not in grant.scope.split() and method not in READ_METHODS:
            return "forbidden", 403, f"a token with scope '{grant.scope}' may not {method}; it grants reading only"
        return None

    @staticmethod
    def _server_error(status: int, request_id: str) -> Reply:
        if status == 500:
            return error_reply("internal_error", 500, "simulated internal error", request_id)
        title = PROXY_PAGES[status]
        page = f"<html><head><title>{title}</title></head><body><center><h1>{title}</h1></center></body></html>\n"
        return Reply(status, page.encode(), [(b"content-type", b"text/html")])

    async def _inner(self, scope: Scope, receive: Any, request_id: str) -> Reply:
        """Run the Starlette app and hold its whole response (every reply here is small JSON)."""
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        try:
            await self.app(scope, receive, capture)
        except Exception:
            logger.exception("request %s failed", request_id)
            return error_reply("internal_error", 500, "the simulator failed on this request", request_id)
        return Reply(start.get("status", 500), b"".join(chunks), list(start.get("headers", [])))

    @staticmethod
    async def _drop(send: Any) -> None:
        """Start a response and stop half-way: the server closes the connection on an incomplete body."""
        head = [(b"content-type", b"application/json"), (b"content-length", b"4096")]
        await send({"type": "http.response.start", "status": 200, "headers": head})
        await send({"type": "http.response.body", "body": b'{"data": [{"id": "', "more_body": True})
