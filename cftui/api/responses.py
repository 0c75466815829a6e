"""Turn an HTTP response into sanitised data or a typed error. Nothing here raises anything but `ApiError`."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from cftui.api.errors import (
    ApiError,
    AuthenticationFailed,
    MalformedResponse,
    RateLimited,
    error_class_for,
)
from cftui.api.models import ErrorBody
from cftui.api.ratelimit import capped_wait, retry_after
from cftui.api.sanitize import one_line, sanitize_tree

M = TypeVar("M", bound=BaseModel)
MAX_ID_LENGTH = 200
MAX_SNIPPET = 120
_TAGS = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"\s+")
# Codes for statuses whose body is not the reference's error JSON (a proxy's page, for instance).
CODE_FOR_STATUS = {
    400: "validation_error",
    401: "authentication_failed",
    403: "forbidden",
    404: "resource_not_found",
    429: "rate_limited",
    500: "internal_error",
    502: "bad_gateway",
    503: "service_unavailable",
    504: "gateway_timeout",
}


def clean_header(value: str | None, scrub: Callable[[str], str] | None = None) -> str | None:
    """A header value from the server, made safe to display (and `scrub`bed)."""
    if value is None:
        return None
    text = one_line(value)[:MAX_ID_LENGTH]
    return (scrub(text) if scrub else text) or None


def decode_json(
    content: bytes,
    status: int,
    scrub: Callable[[str], str] | None = None,
    *,
    method: str,
    path: str,
    request_id: str | None,
) -> Any:
    """The body as sanitised JSON (every string passed through `scrub` too); `MalformedResponse` if it is not
    JSON at all."""
    try:
        decoded = json.loads(content)
    except (ValueError, RecursionError) as exc:  # ValueError: also an integer of more than 4,300 digits
        raise MalformedResponse(
            f"the body is not valid JSON ({_json_problem(exc)}; {len(content)} bytes)",
            status=status,
            request_id=request_id,
            method=method,
            path=path,
        ) from None
    return sanitize_tree(decoded, scrub)


def _json_problem(exc: Exception) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg}, byte {exc.pos}"
    if isinstance(exc, UnicodeDecodeError):
        return "it is not UTF-8 text"
    if isinstance(exc, RecursionError):
        return "it is nested too deeply"
    return _first_words(str(exc))


def _first_words(text: str) -> str:
    text = one_line(text)
    return text[:100] + ("…" if len(text) > 100 else "")


def data_of(body: Any, *, method: str, path: str, request_id: str | None, status: int) -> Any:
    """The `data` member of an envelope `{"data": ...}`."""
    if not isinstance(body, dict):
        raise MalformedResponse(
            f"expected a JSON object, got {_json_type(body)}",
            status=status,
            request_id=request_id,
            method=method,
            path=path,
        )
    if "data" not in body:
        raise MalformedResponse(
            "the JSON object has no 'data' member", status=status, request_id=request_id, method=method, path=path
        )
    return body["data"]


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}.get(type(value), "a number")


def validate_model(model: type[M], data: Any, *, method: str, path: str, request_id: str | None, where: str) -> M:
    """`model` from sanitised data; a validation failure becomes `MalformedResponse` naming the field."""
    if not isinstance(data, dict):
        raise MalformedResponse(
            f"{where} should be an object, got {_json_type(data)}", request_id=request_id, method=method, path=path
        )
    try:
        parsed = model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "(root)"
        problem = f"field '{one_line(field)}': {first['msg']}"
    else:
        # the models turn a null id into "", but a thing without an id cannot be shown or followed
        if getattr(parsed, "id", "x"):
            return parsed
        problem = "field 'id': it is empty or null"
    raise MalformedResponse(
        f"{where} is not a valid {model.__name__}: {problem}", request_id=request_id, method=method, path=path
    )


def _body_snippet(content: bytes) -> str:
    text = content[:4096].decode("utf-8", errors="replace")
    text = _SPACES.sub(" ", _TAGS.sub(" ", text)).strip()
    text = one_line(text)
    return text[:MAX_SNIPPET] + ("…" if len(text) > MAX_SNIPPET else "")


def error_from_response(
    response: httpx.Response,
    content: bytes,
    *,
    method: str,
    path: str,
    sent_request_id: str,
    key_hint: str,
    now: datetime,
    scrub: Callable[[str], str] | None = None,
) -> ApiError:
    """The typed error for a non-2xx response (its body already read: `content`), whether or not that body is the
    reference's error JSON. Every string from the server passes through `scrub` (the client masks its key)."""
    status = response.status_code
    header_id = clean_header(response.headers.get("X-Request-ID"), scrub)
    error_body: ErrorBody | None = None
    try:
        decoded = sanitize_tree(json.loads(content), scrub)
        if isinstance(decoded, dict) and isinstance(decoded.get("error"), dict):
            error_body = ErrorBody.model_validate(decoded["error"])
    except (ValueError, RecursionError, ValidationError):  # ValidationError is a ValueError, said for clarity
        error_body = None
    if error_body is not None:
        code = one_line(error_body.code)[:80] or CODE_FOR_STATUS.get(status, "api_error")
        message = one_line(error_body.message)[:500]
        request_id = clean_header(error_body.request_id, scrub) or header_id or sent_request_id
    else:
        code = CODE_FOR_STATUS.get(status, "api_error")
        snippet = _body_snippet(content)
        snippet = scrub(snippet) if scrub else snippet
        kind = clean_header(response.headers.get("Content-Type"), scrub) or "no content type"
        kind = kind[:60]
        message = f"the server sent a non-JSON error page ({kind})" + (f": {snippet}" if snippet else "")
        request_id = header_id or sent_request_id
    if 300 <= status < 400:
        # never followed: a redirect could carry the key elsewhere, even to plain http
        location = clean_header(response.headers.get("Location"), scrub) or "nowhere"
        code = "redirect"
        message = f"the server redirects to {location}; cftui does not follow redirects, check the API URL"
    common: dict[str, Any] = {"code": code, "status": status, "request_id": request_id, "method": method, "path": path}
    error_class = error_class_for(status)
    if error_class is RateLimited:
        asked = retry_after(response.headers, now)
        # never before a moment from now (a reset in the past), never more than 60 s away (a reset days away)
        retry_at = capped_wait(max(asked or now, now + timedelta(seconds=1)), now)
        return RateLimited(message, retry_at=retry_at.astimezone(UTC), server_reset=asked, **common)
    if error_class is AuthenticationFailed:
        return AuthenticationFailed(message, key_hint=key_hint, **common)
    return error_class(message, **common)


OFF_LOOP_BYTES = 16_384  # bodies at least this large are decoded in a worker thread (a page of resources is ~50 KB)


async def decode_body(
    content: bytes, status: int, scrub: Callable[[str], str], *, method: str, path: str, request_id: str | None
) -> Any:
    """Decode (sanitise, mask the key in) a body; a large one in a worker thread, so the event loop (the UI) keeps
    answering keys while a page of 100 resources is parsed."""
    if len(content) < OFF_LOOP_BYTES:
        return decode_json(content, status, scrub, method=method, path=path, request_id=request_id)
    return await asyncio.to_thread(decode_json, content, status, scrub, method=method, path=path, request_id=request_id)
