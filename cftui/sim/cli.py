"""`cftui sim`: run the CloudForge simulator.

The socket is bound first (a busy port fails at once), then the world is generated, then the URL line is
printed; the web stack is imported after that, while early connections wait in the socket's backlog.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import sys
from collections.abc import Mapping
from typing import Any

MAX_SPEED = 100_000
MAX_WORLD_RESOURCES = 1_000_000  # ten times the documented 100,000-resource scale
MAX_RANDOM_RESOURCES = 200  # the most a project gets when --resources is not given (see generate.py)
DEFAULT_SEED = 20240220  # also in cftui.sim.generate; repeated here to keep start-up imports light
PLANS = ("starter", "professional", "enterprise")
KEYS_ENV = "CFTUI_SIM_KEYS"  # comma-separated keys to accept, added to --key


class _Stop(Exception):
    """A signal arrived before the server was running."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="port to bind; 0 picks a free one (default 8765)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"world seed (default {DEFAULT_SEED})")
    parser.add_argument("--plan", choices=PLANS, default="starter", help="rate-limit plan (default starter)")
    parser.add_argument(
        "--key",
        action="append",
        default=[],
        metavar="KEY",
        help=f"accept this API key (repeatable; {KEYS_ENV}=K1,K2 also adds keys, unseen by ps); default: demo keys",
    )
    parser.add_argument("--speed", type=float, default=1.0, help="world clock speed relative to real time")
    parser.add_argument("--static", action="store_true", help="no spontaneous happenings (writes still progress)")
    parser.add_argument("--projects", type=int, default=8, help="number of projects (default 8)")
    parser.add_argument(
        "--resources", type=int, default=None, metavar="M", help="resources per project (default 20-200 at random)"
    )
    parser.add_argument("--nasty", action="store_true", help="mix hostile but valid data into the world")
    faults = parser.add_argument_group("faults at start (change them later through /_sim/faults)")
    faults.add_argument("--latency-ms", type=float, default=0.0, help="delay added to every /v2 request")
    faults.add_argument("--error-rate", type=float, default=0.0, help="share of /v2 requests failing (0-1)")
    faults.add_argument("--error-status", type=int, default=500, help="status of those failures: 500|502|503|504")
    faults.add_argument("--hang-rate", type=float, default=0.0, help="share of requests that hang (0-1)")
    faults.add_argument("--hang-seconds", type=float, default=600.0, help="how long a hung request hangs")
    faults.add_argument("--drop-rate", type=float, default=0.0, help="share of connections dropped mid-response")
    faults.add_argument("--truncate-rate", type=float, default=0.0, help="share of 2xx bodies cut short")
    faults.add_argument(
        "--revoked-key", action="append", default=[], metavar="KEY", help="answer 401 to this key (repeatable)"
    )
    faults.add_argument(
        "--rate-limit-storm-seconds", type=float, default=0.0, help="when > 0, every request is 429 with that Reset"
    )
    oauth = parser.add_argument_group("the OAuth 2.0 authorization server (/oauth/authorize, /oauth/token)")
    oauth.add_argument(
        "--oauth-token-ttl", type=float, default=3600.0, metavar="S", help="access tokens expire after S seconds"
    )
    oauth.add_argument(
        "--oauth-code-ttl", type=float, default=60.0, metavar="S", help="authorization codes expire after S seconds"
    )
    parser.add_argument("--access-log", action="store_true", help="log every request to stderr")


def _fail(message: str) -> int:
    print(f"cftui sim: {message}", file=sys.stderr)
    return 2


def _problems(args: argparse.Namespace) -> str | None:
    from cftui.sim.keys import is_well_formed, mask_key

    bad = [mask_key(key) or "" for key in args.key if not is_well_formed(key)]
    if bad:
        return (
            f"--key (and {KEYS_ENV}) must look like cf_read_/cf_test_/cf_live_ followed by 8-128 letters or digits: "
            f"{bad}"
        )
    if not 0 < args.speed <= MAX_SPEED:  # also refuses nan and inf, which would spin the world forever
        return f"--speed must be greater than 0 and at most {MAX_SPEED:,}"
    if args.projects < 0 or (args.resources is not None and args.resources < 0):
        return "--projects and --resources must not be negative"
    most_resources = args.projects * (args.resources if args.resources is not None else MAX_RANDOM_RESOURCES)
    if most_resources > MAX_WORLD_RESOURCES:
        return f"--projects x --resources must be at most {MAX_WORLD_RESOURCES:,} (a world must fit in memory)"
    for flag, value in (("--oauth-token-ttl", args.oauth_token_ttl), ("--oauth-code-ttl", args.oauth_code_ttl)):
        if not 0 < value <= 86400:  # also refuses nan and inf
            return f"{flag} must be more than 0 and at most 86400 seconds"
    if not 0 <= args.port <= 65535:
        return "--port must be between 0 and 65535"
    return None


def _fault_settings(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "latency_ms": args.latency_ms,
        "error_rate": args.error_rate,
        "error_status": args.error_status,
        "hang_rate": args.hang_rate,
        "hang_seconds": args.hang_seconds,
        "drop_rate": args.drop_rate,
        "truncate_rate": args.truncate_rate,
        "revoked_keys": list(args.revoked_key),
        "rate_limit_storm_seconds": args.rate_limit_storm_seconds,
    }


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio only sets TCP_NODELAY on accepted sockets whose proto says TCP, and
    # without it every small response waits ~40 ms for a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.setblocking(False)
    return sock


def _stop_early(signum: int, frame: Any) -> None:
    raise _Stop


def keys_from_environment(environ: Mapping[str, str] | None = None) -> list[str]:
    """Keys named in CFTUI_SIM_KEYS (comma-separated): unlike --key, they do not show in `ps` to other users."""
    raw = (os.environ if environ is None else environ).get(KEYS_ENV, "")
    return [key.strip() for key in raw.split(",") if key.strip()]


def checked_faults(args: argparse.Namespace) -> Any:
    """The start-up faults these arguments ask for, once the arguments are known to be sound (else ValueError)."""
    problem = _problems(args)
    if problem:
        raise ValueError(problem)
    from cftui.sim.faults import Faults

    return Faults().merged(_fault_settings(args))


def run(args: argparse.Namespace) -> int:
    args.key = [*args.key, *keys_from_environment()]
    try:
        faults = checked_faults(args)
    except ValueError as exc:
        return _fail(str(exc))
    try:
        sock = bind(args.host, args.port)
    except OSError as exc:
        return _fail(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}")
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _stop_early)
    try:
        keys = list(args.key) or None
        demo = _demo_keys() if keys is None else {}
        sim = build_world(args, keys or list(demo.values()), faults)
        _announce(sock, args.key, demo)
        return _serve(sim, sock, access_log=args.access_log)
    except (_Stop, KeyboardInterrupt):
        return 0
    finally:
        sock.close()


def _demo_keys() -> dict[str, str]:
    from cftui.sim.keys import demo_keys

    return demo_keys()


def build_world(args: argparse.Namespace, keys: list[str], faults: Any) -> Any:
    """The world is made before the URL line is printed, so a client that reads the line is served at once
    (about 50 ms for the default world, a few seconds for 100,000 resources)."""
    from cftui.sim.state import SimOptions, Simulator

    options = SimOptions(
        seed=args.seed,
        plan=args.plan,
        speed=args.speed,
        static=args.static,
        nasty=args.nasty,
        projects=args.projects,
        resources=args.resources,
        keys=keys,
        faults=faults,
        oauth_access_ttl_s=args.oauth_token_ttl,
        oauth_code_ttl_s=args.oauth_code_ttl,
    )
    return Simulator(options)


def _announce(sock: socket.socket, given: list[str], demo: dict[str, str]) -> None:
    from cftui.sim.keys import mask_key

    host, port = sock.getsockname()[:2]
    shown_host = f"[{host}]" if ":" in host else host
    print(f"CloudForge simulator listening on http://{shown_host}:{port}/v2", flush=True)
    if given:
        print(f"accepting {len(given)} key(s): {', '.join(mask_key(key) or '' for key in given)}", flush=True)
    # The one place a whole key is shown: a new user needs it to try the API with curl.
    for label, key in demo.items():
        print(f"{label} key: {key}", flush=True)
    print(f"control endpoint (loopback only): http://{shown_host}:{port}/_sim/state", flush=True)
    print(f"OAuth sign-in (demo users ada, grace): http://{shown_host}:{port}/oauth/authorize", flush=True)


def _serve(sim: Any, sock: socket.socket, *, access_log: bool) -> int:
    import asyncio

    from cftui.sim.server import serve

    asyncio.run(serve(sim, sock, access_log=access_log))
    return 0
