"""Serving the app with uvicorn on a socket we bound ourselves, stopping cleanly on SIGINT and SIGTERM."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import socket
from collections.abc import Iterator

import uvicorn

from cftui.sim.app import build_app
from cftui.sim.state import Simulator

GRACEFUL_SHUTDOWN_SECONDS = 1
# Messages uvicorn logs for things the simulator does on purpose (dropped connections, hung requests cancelled
# at shutdown); they are not errors here.
EXPECTED_MESSAGES = ("ASGI callable returned without completing response", "timeout graceful shutdown exceeded")


class _ExpectedNoise(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], asyncio.CancelledError):
            return False
        message = record.getMessage()
        return not any(expected in message for expected in EXPECTED_MESSAGES)


_NOISE = _ExpectedNoise()  # one instance: adding it again (a second server in one process) is a no-op


class _Server(uvicorn.Server):
    """uvicorn re-raises the stopping signal after shutdown (exit status -15 or a KeyboardInterrupt); a
    simulator asked to stop has done nothing wrong, so it handles the signals itself and exits 0."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, self._stop)
        try:
            yield
        finally:
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(signum)

    def _stop(self) -> None:
        if self.should_exit:
            self.force_exit = True
        self.should_exit = True


def server_config(sim: Simulator, *, access_log: bool = False) -> uvicorn.Config:
    """How the simulator is served: also used by the tests that run it in a thread of their own process."""
    logging.getLogger("uvicorn.error").addFilter(_NOISE)
    return uvicorn.Config(
        build_app(sim),
        log_level="info" if access_log else "warning",
        access_log=access_log,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        lifespan="on",
        server_header=False,
        date_header=False,  # the gateway writes Date (the authorization server's may be skewed on purpose)
    )


async def serve(sim: Simulator, sock: socket.socket, *, access_log: bool = False) -> None:
    config = server_config(sim, access_log=access_log)
    logging.basicConfig(level=logging.WARNING, format="cftui sim: %(levelname)s %(message)s")
    await _Server(config).serve(sockets=[sock])
