"""`cftui login [--profile NAME] [--no-browser] [--status]`: sign in with OAuth 2.0 (authorization code + PKCE).

Over SSH (or with `--no-browser`) it prints the authorize URL and reads back the address the browser ended on
(or the code alone). On a local desktop it opens the browser and catches the redirect on a loopback port, and
still accepts a paste. Exit 0 signed in, 2 not (the reason is one sentence on stderr).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import sys
import threading
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from cftui.auth.command import load_sign_in_or_say, say

if TYPE_CHECKING:
    from cftui.auth.redirect import Redirect
    from cftui.config import SignInSettings

SIGN_IN_TIMEOUT_S = 600.0  # a sign-in left waiting this long gives up (codes expire sooner anyway)
EXIT_OK, EXIT_NOT_SIGNED_IN, EXIT_FAILED = 0, 1, 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Sign in to CloudForge with OAuth 2.0 (authorization code with PKCE) for a profile that sets "
        'auth = "oauth". Over SSH: open the printed URL on any machine, sign in, and paste back the address '
        "your browser ends on."
    )
    parser.add_argument("--status", action="store_true", help="say who is signed in, until when, where tokens live")
    parser.add_argument(
        "--no-browser",
        action="store_true",
        help="do not open a browser or listen on loopback: print the URL and read the pasted redirect",
    )


def _say(message: str) -> None:
    say("login", message)


def run(args: argparse.Namespace) -> int:
    from cftui.api.keys import mask_key

    setup = load_sign_in_or_say("login", args)
    if setup is None:
        return EXIT_FAILED
    if args.status:
        return show_status(setup)
    try:
        return asyncio.run(_sign_in(setup, local=browser_is_local(os.environ, no_browser=args.no_browser)))
    except SystemExit:
        raise
    except Exception as exc:  # one sentence, never a traceback (and never a token)
        _say(mask_key(f"{type(exc).__name__}: {exc}"))
        return EXIT_FAILED


def browser_is_local(env: Mapping[str, str], *, no_browser: bool = False) -> bool:
    """A browser on this machine can reach our loopback port: not over SSH, and a desktop to show it on."""
    if no_browser or env.get("SSH_CONNECTION") or env.get("SSH_TTY"):
        return False
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


def _until(expires_at: float | None) -> str:
    if expires_at is None:
        return "with no expiry given by the server"
    when = datetime.fromtimestamp(expires_at, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    left = expires_at - time.time()
    if left <= 0:
        return f"until {when} (expired; refreshed on the next request)"
    return f"until {when} (in {_span(left)})"


def _span(seconds: float) -> str:
    seconds = int(seconds)
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"


def show_status(setup: SignInSettings) -> int:
    from cftui.auth.store import StoreError

    label = setup.endpoints.profile_label
    try:
        tokens = setup.store.load()
    except StoreError as exc:
        _say(str(exc))
        return EXIT_FAILED
    print(f"Profile '{label}': API {setup.api_url}")
    print(f"Authorization server: {setup.endpoints.token_url} (client {setup.endpoints.client_id})")
    print(f"Tokens are kept in: {setup.store.describe()}")
    if tokens is None:
        print(f"Not signed in. Run {setup.endpoints.login_command}")
        return EXIT_NOT_SIGNED_IN
    print(f"Signed in as {tokens.user or '(the server does not say who)'}, scope granted: {tokens.scope or '(none)'}")
    print(f"Access token valid {_until(tokens.expires_at)}")
    refresh = "yes: renewed automatically before it expires" if tokens.refresh_token else "no: sign in again"
    print(f"Refresh token: {refresh}")
    return EXIT_OK


def authorize_url(setup: SignInSettings, *, redirect_uri: str, state: str, challenge: str) -> str:
    endpoints = setup.endpoints
    query = urlencode(
        {
            "response_type": "code",
            "client_id": endpoints.client_id,
            "redirect_uri": redirect_uri,
            "scope": endpoints.scope,
            "state": state,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    return f"{endpoints.auth_url}{'&' if '?' in endpoints.auth_url else '?'}{query}"


def _read_lines(loop: asyncio.AbstractEventLoop, queue: asyncio.Queue[str | None]) -> None:
    """Stdin in a daemon thread: a blocked read never keeps the process alive after the loopback won."""

    def reader() -> None:
        for line in sys.stdin:
            loop.call_soon_threadsafe(queue.put_nowait, line)
        loop.call_soon_threadsafe(queue.put_nowait, None)

    threading.Thread(target=reader, name="cftui-login-paste", daemon=True).start()


async def _pasted(state: str, *, listening: bool) -> Redirect:
    from cftui.auth.redirect import RedirectError, parse_redirect

    queue: asyncio.Queue[str | None] = asyncio.Queue()
    _read_lines(asyncio.get_running_loop(), queue)
    while True:
        print("Paste the redirect URL (or the code) here: ", end="", flush=True)
        line = await queue.get()
        if line is None and listening:
            await asyncio.Future()  # no terminal to paste in (stdin closed): the browser's redirect is the way
        if line is None:
            raise RedirectError("Input ended before a redirect URL or code was pasted; nothing was stored.")
        try:
            return parse_redirect(line, state)
        except RedirectError as exc:
            print(f"\n{exc}", flush=True)


def _open_browser(url: str) -> None:
    """In a daemon thread: a browser command that blocks (a console browser) must not hold up the listener."""
    import webbrowser

    threading.Thread(target=webbrowser.open, args=(url,), name="cftui-login-browser", daemon=True).start()


async def _wait_for_redirect(sock: socket.socket, state: str, *, listen: bool) -> Redirect:
    from cftui.auth.redirect import catch_redirect

    waiters = [asyncio.ensure_future(_pasted(state, listening=listen))]
    if listen:
        waiters.append(asyncio.ensure_future(catch_redirect(sock, state)))
    try:
        done, _ = await asyncio.wait(waiters, timeout=SIGN_IN_TIMEOUT_S, return_when=asyncio.FIRST_COMPLETED)
        if not done:
            raise TimeoutError(f"no redirect came back within {SIGN_IN_TIMEOUT_S / 60:g} minutes; nothing was stored")
        return done.pop().result()
    finally:
        for waiter in waiters:
            waiter.cancel()
        await asyncio.gather(*waiters, return_exceptions=True)  # the listener is closed before its socket is


async def _sign_in(setup: SignInSettings, *, local: bool) -> int:
    from cftui.auth.pkce import make_state, make_verifier, s256_challenge
    from cftui.auth.redirect import RedirectError, redirect_uri, reserve_port
    from cftui.auth.tokens import SignInError, exchange_code, who

    endpoints = setup.endpoints
    verifier, state = make_verifier(), make_state()
    sock = reserve_port()  # kept until the end, listening or not, so no other program can take the port
    try:
        uri = redirect_uri(sock)
        url = authorize_url(setup, redirect_uri=uri, state=state, challenge=s256_challenge(verifier))
        print(f"Signing in to CloudForge for profile '{endpoints.profile_label}' (client {endpoints.client_id}, "
              f"scope {endpoints.scope}).")  # fmt: skip
        if local:
            sock.listen(8)  # before the browser starts: its redirect waits in the backlog, never refused
            _open_browser(url)
            print("Opening your browser on the sign-in page; if it does not appear, open this URL:")
        else:
            print("Open this URL in a browser on any machine, sign in, and allow access:")
        print(f"\n{url}\n", flush=True)
        if local:
            print(f"Waiting for the browser to come back to {uri} (or paste that address here).", flush=True)
        else:
            print(
                f"Your browser then goes to {uri}?code=… which will not load on another machine: copy that whole\n"
                "address from the address bar (or just the value of code=) and paste it below.",
                flush=True,
            )
        try:
            redirect = await _wait_for_redirect(sock, state, listen=local)
        except (RedirectError, TimeoutError) as exc:
            _say(str(exc))
            return EXIT_FAILED
    finally:
        sock.close()
    try:
        tokens, skew = await exchange_code(
            endpoints.token_url,
            client_id=endpoints.client_id,
            code=redirect.code,
            redirect_uri=uri,
            verifier=verifier,
            scope=endpoints.scope,
        )
    except SignInError as exc:
        _say(f"{exc} Nothing was stored.")
        return EXIT_FAILED
    if skew:
        _say(f"warning: {skew}")
    if endpoints.userinfo_url:
        tokens.user = await who(endpoints.userinfo_url, tokens.access_token)
    setup.store.save(tokens)
    narrower = "" if tokens.scope == endpoints.scope else f" (asked for {endpoints.scope})"
    print(f"Signed in as {tokens.user or '(the server does not say who)'}; scope granted: {tokens.scope}{narrower}.")
    print(f"Access token valid {_until(tokens.expires_at)}; kept in {setup.store.describe()}.")
    return EXIT_OK
