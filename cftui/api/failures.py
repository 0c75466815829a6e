"""What one attempt's failure was: a typed `ApiError`, from an error response or from a transport exception, and
whether another attempt may help. The client (client.py) decides what to do with it; this only names it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import httpx

from cftui.api.errors import ApiError, NotFound, Unreachable
from cftui.api.keys import lacks_version
from cftui.api.responses import error_from_response
from cftui.api.retry import RETRY_STATUSES


@dataclass(frozen=True, slots=True)
class Failure:
    error: ApiError
    retryable: bool


def display_path(path: str) -> str:
    return "/" + path.lstrip("/")


def first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


def failure_from_response(
    response: httpx.Response,
    content: bytes,
    *,
    path: str,
    request_id: str,
    base_url: str,
    key_hint: str,
    scrub: Callable[[str], str],
    now: datetime,
) -> Failure:
    """An error response (4xx, 5xx) as a typed error, retryable for the statuses a retry may cure."""
    error = error_from_response(
        response,
        content,
        method="GET",
        path=display_path(path),
        sent_request_id=request_id,
        key_hint=key_hint,
        now=now,
        scrub=scrub,
    )
    if isinstance(error, NotFound) and lacks_version(base_url):
        error.hint = "is the API URL missing /v2?"  # the commonest cause of a 404 on every path
        error.args = (error.sentence(),)
    return Failure(error, response.status_code in RETRY_STATUSES)


def transport_error(exc: httpx.HTTPError, *, base_url: str, path: str, request_id: str, timeout: float) -> ApiError:
    """No complete response: what went wrong, in words (a timeout, a refused connection, a cut one)."""
    if isinstance(exc, httpx.TimeoutException):
        reason = f"no answer within {timeout:.3g} s ({type(exc).__name__})"
    elif isinstance(exc, httpx.ConnectError):
        reason = f"could not connect to {base_url} ({first_line(exc)})"
    elif isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError):
        reason = f"the connection closed without a complete response ({first_line(exc)})"
    else:
        reason = f"{type(exc).__name__}: {first_line(exc)}"
    return Unreachable(reason, request_id=request_id, method="GET", path=display_path(path))
