"""The simulator the tests talk to: the same server as `cftui sim`, over real HTTP on loopback.

`running_sim` serves it from a thread of the test process (uvicorn, on a socket bound like `cftui sim` binds
one): the same arguments, the same Simulator, the same uvicorn configuration, without paying a Python start-up
and an import of the web stack per test. A test that needs a process of its own (a signal, what the
simulator prints, its environment) asks for one with `process=True` (bench/simproc.py).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal, overload

import uvicorn

from bench.simproc import LIVE_KEY, READ_KEY, TEST_KEY, SimProcess, SimServer, start_sim_process
from cftui.sim import cli
from cftui.sim.keys import demo_keys
from cftui.sim.server import server_config
from tests.polling import wait_for

__all__ = ["LIVE_KEY", "READ_KEY", "TEST_KEY", "SimProcess", "SimServer", "SimThread", "running_sim", "wait_for"]


@dataclass
class SimThread(SimServer):
    """A simulator served by uvicorn in a thread of this process."""

    server: uvicorn.Server = field(kw_only=True)
    thread: threading.Thread = field(kw_only=True)

    def stop(self) -> None:
        """Shut down as SIGTERM shuts `cftui sim` down (uvicorn's graceful shutdown), and free the port."""
        self.server.should_exit = True
        self.thread.join(timeout=15)
        if self.thread.is_alive():  # a graceful shutdown that overran: close what is left, as a second signal does
            self.server.force_exit = True
            self.thread.join(timeout=15)


def _arguments(args: tuple[str, ...], keys: dict[str, str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="cftui sim", exit_on_error=False)
    cli.add_arguments(parser)
    given = ["--port", "0", *args]
    for key in keys.values():
        given += ["--key", key]
    parsed = parser.parse_args(given)
    parsed.key = [*parsed.key, *cli.keys_from_environment()]
    return parsed


@contextlib.contextmanager
def _sim_in_thread(args: tuple[str, ...], keys: dict[str, str], start_timeout: float) -> Iterator[SimThread]:
    parsed = _arguments(args, keys)
    faults = cli.checked_faults(parsed)
    sock = cli.bind(parsed.host, parsed.port)
    try:
        accepted = list(parsed.key) or list(demo_keys().values())
        sim = cli.build_world(parsed, accepted, faults)
        server = uvicorn.Server(server_config(sim, access_log=parsed.access_log))
        thread = threading.Thread(target=lambda: asyncio.run(server.serve(sockets=[sock])), daemon=True)
        host, port = sock.getsockname()[:2]
        running = SimThread(base_url=f"http://{host}:{port}/v2", keys=dict(keys), server=server, thread=thread)
        thread.start()
        try:
            wait_for(lambda: server.started or not thread.is_alive(), timeout=start_timeout, message="simulator start")
            if not server.started:
                raise RuntimeError("the simulator stopped while starting (see the log above)")
            yield running
        finally:
            running.stop()
    finally:
        sock.close()


@overload
def running_sim(
    *args: str, keys: dict[str, str] | None = ..., start_timeout: float = ..., process: Literal[False] = ...
) -> contextlib.AbstractContextManager[SimThread]: ...
@overload
def running_sim(
    *args: str,
    keys: dict[str, str] | None = ...,
    start_timeout: float = ...,
    process: Literal[True],
    env: dict[str, str] | None = ...,
) -> contextlib.AbstractContextManager[SimProcess]: ...
@contextlib.contextmanager  # type: ignore[misc]
def running_sim(
    *args: str,
    keys: dict[str, str] | None = None,
    start_timeout: float = 20.0,
    process: bool = False,
    env: dict[str, str] | None = None,
) -> Iterator[SimServer]:
    """A simulator started with `cftui sim` ARGS (and a free port), stopped at the end: in a thread, or with
    `process=True` in a child process (with `env` added to its environment). The keys default to the tests'
    read, test and live keys."""
    keys = keys if keys is not None else {"read": READ_KEY, "test": TEST_KEY, "live": LIVE_KEY}
    if process:
        with start_sim_process(*args, keys=keys, start_timeout=start_timeout, env=env) as child:
            yield child
    else:
        assert env is None, "a simulator in a thread shares this process's environment: ask for process=True"
        with _sim_in_thread(args, keys, start_timeout) as threaded:
            yield threaded
