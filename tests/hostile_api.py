"""Hostile CloudForge-shaped servers: each misbehaves in one way the simulator never does.

One small Starlette app on uvicorn, in a thread of the test process, on a free loopback port. A test sets, per
path below `/v2`, an `Answer` (or a function of the request that returns one); everything else answers with
`otherwise` (by default like an empty but valid CloudForge: an empty list, or a 404). An answer's body may
stream: a gzip bomb, a body that never ends, one byte a second; it may be held back (`delay_s`) to make
requests overlap. Every request is recorded (method, path, query, headers, arrival time), and the most in
flight at once is kept, so a test can check what cftui sent, how often and how many at a time.

The catalogue below builds the misbehaviours of issue 12: impossible costs, a 4,301-digit integer, overflowing
dates, a key echoed in request ids and names, repeated pages, huge `Retry-After` values.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import json
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from tests.polling import wait_for

Stream = Callable[[], AsyncIterator[bytes]]


@dataclass
class Answer:
    status: int = 200
    body: bytes | Stream = b'{"data": []}'
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"
    delay_s: float = 0.0  # hold the answer this long (to make concurrent requests overlap)


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # names in lower case, as HTTP/1.1 servers hand them over
    at: float  # time.monotonic() on arrival


Responder = Callable[[Seen], Answer]


@dataclass
class HostileApi:
    base_url: str
    otherwise: Responder
    answers: dict[str, Answer | Responder] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0

    def answer(self, path: str, answer: Answer | Responder) -> None:
        self.answers[path] = answer

    def requests_to(self, path: str) -> list[Seen]:
        return [seen for seen in self.seen if seen.path == path]


def empty_cloudforge(seen: Seen) -> Answer:
    """An account with nothing in it: empty lists, and 404 for anything else."""
    if seen.path.endswith("/resources") or seen.path == "/projects":
        return Answer(body=json.dumps({"data": [], "meta": {"page": 1, "per_page": 100, "total": 0}}).encode())
    return not_found(seen)


def not_found(seen: Seen) -> Answer:
    return Answer(404, b'{"error": {"code": "resource_not_found", "message": "no such thing"}}')


def _app(api: HostileApi) -> Starlette:
    async def anything(request: Request) -> Response:
        seen = Seen(
            request.method,
            "/" + request.path_params["rest"],
            dict(request.query_params),
            dict(request.headers),
            time.monotonic(),
        )
        api.seen.append(seen)
        chosen = api.answers.get(seen.path, api.otherwise)
        answer = chosen if isinstance(chosen, Answer) else chosen(seen)
        api.in_flight += 1
        api.max_in_flight = max(api.max_in_flight, api.in_flight)
        try:
            await asyncio.sleep(answer.delay_s)
        finally:
            api.in_flight -= 1
        if callable(answer.body):
            return StreamingResponse(
                answer.body(), answer.status, headers=answer.headers, media_type=answer.content_type
            )
        return Response(answer.body, answer.status, headers=answer.headers, media_type=answer.content_type)

    methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
    return Starlette(routes=[Route("/v2/{rest:path}", anything, methods=methods)])


@contextlib.contextmanager
def hostile_api(otherwise: Responder = empty_cloudforge) -> Iterator[HostileApi]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    api = HostileApi(base_url=f"http://127.0.0.1:{port}/v2", otherwise=otherwise)
    config = uvicorn.Config(_app(api), log_level="critical", lifespan="off", timeout_graceful_shutdown=1)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=lambda: asyncio.run(server.serve(sockets=[sock])), daemon=True)
    thread.start()
    try:
        wait_for(lambda: server.started, timeout=10, message="hostile API start")
        yield api
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


# --- the catalogue -------------------------------------------------------------------------------------------

KEY = "cf_read_h0st1leEch0K3y0000000000"  # the key the tests give cftui (servers below echo it)
KEY_SECRET_PART = KEY.removeprefix("cf_read_")
# the Professional plan's header (1,000 requests a minute): cftui's monitor plans its rounds from the first answer that
# carries it (Starter's 100 until then); a test that is not about the budget answers with it to get short rounds
PROFESSIONAL_PLAN = {"X-RateLimit-Limit": "1000"}


def project(project_id: str, name: str | None = None, cost: Any = "10.00", **extra: Any) -> dict[str, Any]:
    body = {"id": project_id, "name": name or project_id, "status": "active", "resource_count": 0}
    body.update(extra)
    body["monthly_cost"] = cost
    return body


def listing(items: list[Any], total: int | None = None, **meta: Any) -> bytes:
    body: dict[str, Any] = {"data": items}
    if total is not None:
        body["meta"] = {"page": 1, "per_page": 100, "total": total, **meta}
    return json.dumps(body).encode()


def raw_costs_listing(raw_costs: list[str]) -> bytes:
    """Projects whose `monthly_cost` is written as raw JSON text (`1e5000`, `-1e308`, `"1e5000"`)."""
    items = [
        f'{{"id": "prj_{index}", "name": "cost-{index}", "status": "active", "monthly_cost": {raw}}}'
        for index, raw in enumerate(raw_costs)
    ]
    return ('{"data": [' + ", ".join(items) + "]}").encode()


IMPOSSIBLE_COSTS = ["-1e308", "1e26", '"1e5000"', "1e5000", '"Infinity"', '"NaN"', "-5"]


def huge_integer_body(digits: int = 4_301) -> bytes:
    """Valid JSON that Python's `json` refuses: an integer longer than 4,300 digits (ValueError, not a
    JSONDecodeError)."""
    return b'{"data": [{"id": "prj_1", "resource_count": ' + b"7" * digits + b"}]}"


FAR_RETRY_AFTER = "Fri, 31 Dec 9999 23:59:59 -2359"  # an HTTP date with no UTC equivalent (OverflowError)
FAR_TIMESTAMP = "9999-12-31T23:59:59-23:59"


def operation(op_id: str, status: str = "completed", logs: list[dict[str, Any]] | None = None) -> bytes:
    body = {"id": op_id, "type": "deploy", "status": status, "progress": 100 if status == "completed" else 50,
            "resource_id": "res_1", "started_at": "2026-12-04T10:00:00Z", "logs": logs or []}  # fmt: skip
    return json.dumps({"data": body}).encode()


def gzip_bomb(decoded_size: int) -> tuple[bytes, dict[str, str]]:
    """`decoded_size` zero bytes, gzipped (about 1,000 to 1): the body and the header that says so."""
    raw = gzip.compress(b"\0" * decoded_size, compresslevel=9)
    return raw, {"Content-Encoding": "gzip"}


def endless(chunk: int = 65_536) -> Stream:
    """A body that never ends (the client must stop reading it)."""

    async def body() -> AsyncIterator[bytes]:
        piece = b'{"data": [' + b" " * (chunk - 10)
        yield piece
        while True:
            yield b" " * chunk
            await asyncio.sleep(0)

    return body


def trickle(every_s: float = 1.0) -> Stream:
    """One byte of a valid-looking body every `every_s` seconds, forever: each read arrives in time, the whole
    never does."""

    async def body() -> AsyncIterator[bytes]:
        yield b'{"data": ['
        while True:
            await asyncio.sleep(every_s)
            yield b" "

    return body
