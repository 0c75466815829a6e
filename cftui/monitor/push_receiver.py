"""The webhook receiver: a small Starlette app served by uvicorn on the monitor's own event loop.

It answers every request with a fixed JSON body that names a reason word of ours, never anything the request
carried, and logs nothing about requests. A verified delivery is handed to `on_delivery` (which may still refuse it),
a refusal's reason to `on_refused`; both run on the loop and must be quick (they only queue and count).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Callable, Iterator

import uvicorn
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from cftui.monitor.push_listen import ListenAddress
from cftui.monitor.push_verify import (
    MALFORMED,
    MAX_BODY_BYTES,
    SLOW_BODY,
    TOO_LARGE,
    WRONG_METHOD,
    Delivery,
    Refusal,
    Verifier,
)

BODY_TIMEOUT_S = 5.0  # a sender that trickles its body is cut off after this long
MAX_CONNECTIONS = 100  # more concurrent connections than this are answered 503 by uvicorn itself
KEEP_ALIVE_S = 5
MAX_HEADER_BYTES = 16 * 1024
ACCEPTED = Response(b'{"accepted":true}', 202, media_type="application/json")

log = logging.getLogger(__name__)


class BindError(OSError):
    """The receiver cannot listen; the message is a sentence."""


def _refusal_response(refusal: Refusal) -> Response:
    headers = {"Allow": "POST"} if refusal is WRONG_METHOD else None
    body = b'{"error":"' + refusal.reason.encode() + b'"}'  # our own word: never request content
    return Response(body, refusal.status, headers=headers, media_type="application/json")


async def _read_body(request: Request) -> bytes | Refusal:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        return TOO_LARGE
    chunks: list[bytes] = []
    size = 0
    try:
        async with asyncio.timeout(BODY_TIMEOUT_S):
            async for chunk in request.stream():
                size += len(chunk)
                if size > MAX_BODY_BYTES:
                    return TOO_LARGE
                chunks.append(chunk)
    except TimeoutError:
        return SLOW_BODY
    except ClientDisconnect:
        return MALFORMED
    return b"".join(chunks)


class _QuietServer(uvicorn.Server):
    """The monitor's front end owns the signals: uvicorn must not take SIGINT/SIGTERM over."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def _silence_uvicorn() -> None:
    # uvicorn logs malformed HTTP and the like as warnings: on the dashboard's terminal that would be garbage,
    # and it could carry request bytes. The receiver counts what matters instead.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi"):
        logger = logging.getLogger(name)
        logger.propagate = False
        if not any(isinstance(handler, logging.NullHandler) for handler in logger.handlers):
            logger.addHandler(logging.NullHandler())


class PushReceiver:
    def __init__(
        self,
        address: ListenAddress,
        verifier: Verifier,
        on_delivery: Callable[[Delivery], Refusal | None],
        on_refused: Callable[[str], None],
    ) -> None:
        self.address = address
        self._verifier = verifier
        self._on_delivery = on_delivery
        self._on_refused = on_refused
        self._socket: socket.socket | None = None
        self._server: _QuietServer | None = None

    @property
    def bound(self) -> ListenAddress | None:
        """The address actually bound (the port is known even when 0 was asked)."""
        if self._socket is None:
            return None
        return ListenAddress(self.address.host, int(self._socket.getsockname()[1]))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        response = await self._answer(request)
        await response(scope, receive, send)

    async def _answer(self, request: Request) -> Response:
        if request.method != "POST":
            self._on_refused(WRONG_METHOD.reason)
            return _refusal_response(WRONG_METHOD)
        body = await _read_body(request)
        if isinstance(body, Refusal):
            self._on_refused(body.reason)
            return _refusal_response(body)
        result = self._verifier.verify({k.lower(): v for k, v in request.headers.items()}, body)
        if isinstance(result, Refusal):
            self._on_refused(result.reason)
            return _refusal_response(result)
        refusal = self._on_delivery(result)  # verified, but the monitor may still find it unusable or be full
        return ACCEPTED if refusal is None else _refusal_response(refusal)

    def bind(self) -> ListenAddress:
        """Bind the socket now (so a busy port is known at once); raise `BindError` with a sentence."""
        host, port = self.address.host, self.address.port
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
            family = infos[0][0]
            sock = socket.create_server((host, port), family=family, backlog=128, reuse_port=False)
        except OSError as error:
            reason = error.strerror or str(error)
            raise BindError(f"cannot listen for webhooks on {self.address}: {reason}") from None
        sock.setblocking(False)
        self._socket = sock
        bound = self.bound
        assert bound is not None
        return bound

    async def start(self) -> None:
        if self._socket is None:
            self.bind()
        _silence_uvicorn()
        config = uvicorn.Config(
            self,
            log_config=None,
            log_level=logging.CRITICAL,
            access_log=False,
            lifespan="off",
            server_header=False,
            date_header=False,
            proxy_headers=False,
            limit_concurrency=MAX_CONNECTIONS,
            timeout_keep_alive=KEEP_ALIVE_S,
            timeout_graceful_shutdown=1,
            h11_max_incomplete_event_size=MAX_HEADER_BYTES,
            http="h11",
        )
        config.load()
        server = _QuietServer(config)
        server.lifespan = config.lifespan_class(config)
        assert self._socket is not None
        # uvicorn's own main loop only ticks for features not used here; startup/shutdown are all it needs
        await server.startup(sockets=[self._socket])
        self._server = server

    async def stop(self) -> None:
        server, self._server = self._server, None
        sock, self._socket = self._socket, None
        if server is not None:
            server.force_exit = True
            try:
                await server.shutdown(sockets=[sock] if sock is not None else None)
            except Exception:  # closing must go on; the reason is kept in the log
                log.warning("the webhook receiver's server did not shut down cleanly", exc_info=True)
        elif sock is not None:
            sock.close()
