"""The redirect back from the browser: what a person pastes (a whole URL or the code alone), and the loopback
listener that catches it when the browser runs on this machine (RFC 8252 section 7.3).
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import re
import socket
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from cftui.api.sanitize import one_line

CALLBACK_PATH = "/callback"
_CODE = re.compile(r"[A-Za-z0-9._~+/=-]{4,512}")
MAX_REQUEST_BYTES = 8192
DONE_PAGE = (
    "<!doctype html><html><head><meta charset='utf-8'><title>cftui</title></head><body>"
    "<h1>{title}</h1><p>{text}</p></body></html>"
)


class RedirectError(Exception):
    """What came back cannot be used; the message says why and what to do."""


@dataclass(frozen=True)
class Redirect:
    code: str
    state_checked: bool  # False when only the code was pasted (no state to compare)


def parse_redirect(text: str, expected_state: str) -> Redirect:
    """A pasted redirect URL (or its query string) or a bare code. The state, when present, must match."""
    pasted = text.strip().strip("'\"<>")
    if not pasted:
        raise RedirectError("Nothing was pasted: paste the whole address your browser ended on, or the code.")
    if "://" in pasted or pasted.startswith(("?", "/")) or "code=" in pasted or "error=" in pasted:
        query = urlsplit(pasted).query if "://" in pasted or pasted.startswith("/") else pasted.lstrip("?")
        return _from_query(parse_qs(query), expected_state)
    if _CODE.fullmatch(pasted):
        return Redirect(pasted, state_checked=False)
    raise RedirectError(
        "That is neither the redirect URL nor a code: copy the whole address from the browser's address bar "
        "(it starts with http://127.0.0.1) and paste it here."
    )


def _first(query: dict[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    return values[0] if values else None


def _from_query(query: dict[str, list[str]], expected_state: str) -> Redirect:
    error = _first(query, "error")
    if error:
        said = (query.get("error_description") or [""])[0]
        detail = f"{one_line(error)[:60]}" + (f": {one_line(said)[:160]}" if said else "")
        hint = " You chose Deny on the sign-in page." if error == "access_denied" else ""
        raise RedirectError(f"The authorization server did not grant access ({detail}).{hint} Nothing was stored.")
    state = _first(query, "state")
    if state is None:
        raise RedirectError("The pasted URL has no state parameter: paste the whole address, not a part of it.")
    if not hmac.compare_digest(state.encode(), expected_state.encode()):
        raise RedirectError(
            "The pasted URL's state does not match this sign-in: it belongs to another (or an older) cftui login. "
            "Nothing was sent. Open the URL printed above, sign in again, and paste the address you end on."
        )
    code = _first(query, "code")
    if not code or not _CODE.fullmatch(code):
        raise RedirectError("The pasted URL has no usable code parameter: paste the whole address.")
    return Redirect(code, state_checked=True)


def reserve_port() -> socket.socket:
    """A loopback socket on a free port, kept for the whole sign-in so no other program can take the port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    return sock


def redirect_uri(sock: socket.socket) -> str:
    return f"http://127.0.0.1:{sock.getsockname()[1]}{CALLBACK_PATH}"


async def catch_redirect(sock: socket.socket, expected_state: str) -> Redirect:
    """Listen on the reserved socket until a browser brings back a usable redirect; answer it with a small page."""
    found: asyncio.Future[Redirect] = asyncio.get_running_loop().create_future()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, ConnectionError):
            writer.close()
            return
        line = head.split(b"\r\n", 1)[0].decode("latin-1")
        parts = line.split(" ")
        target = parts[1] if len(parts) == 3 and parts[0] == "GET" else ""
        status, title, text = "404 Not Found", "Not here", "This address only takes the sign-in redirect."
        if urlsplit(target).path == CALLBACK_PATH:
            try:
                result = _from_query(parse_qs(urlsplit(target).query), expected_state)
            except RedirectError as exc:
                status, title, text = "400 Bad Request", "Sign-in not completed", str(exc)
            else:
                status, title, text = "200 OK", "Signed in", "You can close this tab and go back to the terminal."
                if not found.done():
                    found.set_result(result)
        body = DONE_PAGE.format(title=title, text=text.replace("<", "&lt;")).encode()
        writer.write(
            f"HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {len(body)}\r\n"
            "Cache-Control: no-store\r\nConnection: close\r\n\r\n".encode()
            + body
        )
        with contextlib.suppress(ConnectionError):
            await writer.drain()
        writer.close()

    sock.listen(8)  # (already listening when the browser was started first; listening again is harmless)
    sock.setblocking(False)
    server = await asyncio.start_server(handle, sock=sock, limit=MAX_REQUEST_BYTES)
    try:
        return await found
    finally:
        server.close()
