"""A tiny loopback HTTP server (Starlette on uvicorn, in a thread) that answers with whatever bytes a test
sets: hostile payloads the simulator would never send (invalid UTF-8, a proxy's HTML page, a JSON array...).
It also records the requests it saw, headers included, so tests can check what the client sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.simproc import wait_for


@dataclass
class Canned:
    status: int = 200
    body: bytes = b'{"data": []}'
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0  # hold the answer this long (to make concurrent requests overlap)


Responder = Callable[[dict[str, str]], Canned]  # query parameters -> answer


@dataclass
class HostileServer:
    base_url: str
    responses: dict[str, Canned | Responder] = field(default_factory=dict)  # by path below /v2
    seen: list[dict[str, object]] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0

    def answer(self, path: str, canned: Canned | Responder) -> None:
        self.responses[path] = canned


def _app(server: HostileServer) -> Starlette:
    async def anything(request: Request) -> Response:
        path = "/" + request.path_params["rest"]
        server.seen.append(
            {"method": request.method, "path": path, "query": dict(request.query_params), "headers": request.headers}
        )
        answer = server.responses.get(path, Canned(404, b'{"error": {"code": "resource_not_found"}}'))
        canned = answer if isinstance(answer, Canned) else answer(dict(request.query_params))
        server.in_flight += 1
        server.max_in_flight = max(server.max_in_flight, server.in_flight)
        try:
            await asyncio.sleep(canned.delay_s)
        finally:
            server.in_flight -= 1
        return Response(canned.body, canned.status, headers=canned.headers, media_type=canned.content_type)

    methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
    return Starlette(routes=[Route("/v2/{rest:path}", anything, methods=methods)])


@contextlib.contextmanager
def hostile_server() -> Iterator[HostileServer]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = HostileServer(base_url=f"http://127.0.0.1:{port}/v2")
    config = uvicorn.Config(_app(server), log_level="critical", lifespan="off")
    uvi = uvicorn.Server(config)
    thread = threading.Thread(target=lambda: asyncio.run(uvi.serve(sockets=[sock])), daemon=True)
    thread.start()
    try:
        wait_for(lambda: uvi.started, timeout=10, message="hostile server start")
        yield server
    finally:
        uvi.should_exit = True
        thread.join(timeout=10)
        sock.close()
