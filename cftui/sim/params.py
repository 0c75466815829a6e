"""Reading and checking query parameters and JSON bodies; every complaint names the parameter."""

from __future__ import annotations

import json
import math
from typing import Any

from starlette.requests import Request

from cftui.sim.errors import invalid

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20
MAX_PAGE = 1_000_000  # a 29-digit page number was echoed back in meta.page
MAX_BODY_BYTES = 1024 * 1024  # a 22 MB body was accepted and then bloated every project list
MAX_JSON_DEPTH = 32  # deeper bodies are refused with a 400 (they used to end in a RecursionError and a 500)


def positive_int(request: Request, name: str, default: int, maximum: int | None = None) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if len(raw) > 20:
        raise invalid(f"parameter '{name}' must be an integer of at most 20 characters, got {raw[:40]!r}…")
    try:
        value = int(raw)
    except ValueError:
        raise invalid(f"parameter '{name}' must be an integer, got {raw[:40]!r}") from None
    if value < 1:
        raise invalid(f"parameter '{name}' must be at least 1, got {value}")
    if maximum is not None and value > maximum:
        raise invalid(f"parameter '{name}' must be at most {maximum}, got {value}")
    return value


def paging(request: Request) -> tuple[int, int]:
    page = positive_int(request, "page", 1, MAX_PAGE)
    per_page = positive_int(request, "per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)
    return page, per_page


def tag_filter(request: Request) -> tuple[str, str] | None:
    raw = request.query_params.get("tag")
    if raw is None:
        return None
    key, colon, value = raw.partition(":")
    if not colon or not key:
        raise invalid(f"parameter 'tag' must look like key:value, got {raw[:60]!r}")
    return key, value


def choice(request: Request, name: str, allowed: tuple[str, ...]) -> str | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    if raw not in allowed:
        raise invalid(f"parameter '{name}' must be one of {', '.join(allowed)}, got {raw[:40]!r}")
    return raw


async def json_object(request: Request) -> dict[str, Any]:
    raw = await _bounded_body(request)
    if not raw.strip():
        raise invalid("request body must be a JSON object")
    try:
        body = json.loads(raw)
    except RecursionError:
        raise invalid(f"request body is nested more than {MAX_JSON_DEPTH} levels deep") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise invalid(f"request body is not valid JSON: {str(exc)[:200]}") from None
    if not isinstance(body, dict):
        raise invalid("request body must be a JSON object")
    _check_tree(body)
    return body


async def _bounded_body(request: Request) -> bytes:
    """The body, refused once it passes `MAX_BODY_BYTES` (Content-Length is not trusted: bytes are counted)."""
    too_large = invalid(f"request body is larger than {MAX_BODY_BYTES} bytes")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


def _check_tree(body: dict[str, Any]) -> None:
    """Refuse a body nested deeper than `MAX_JSON_DEPTH`, or holding NaN or an infinity anywhere (Python's JSON
    reads `NaN`, `Infinity` and `1e999`); the complaint names the field. No recursion: depth is what is checked."""
    stack: list[tuple[Any, int, str]] = [(body, 1, "")]
    while stack:
        item, level, where = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            raise invalid(f"field '{where}' must be a finite number, got {item}")
        if isinstance(item, dict | list):
            if level > MAX_JSON_DEPTH:
                raise invalid(f"request body is nested more than {MAX_JSON_DEPTH} levels deep")
            pairs = item.items() if isinstance(item, dict) else enumerate(item)
            stack.extend((child, level + 1, f"{where}.{key}" if where else str(key)) for key, child in pairs)


def required_string(body: dict[str, Any], name: str, max_length: int = 300) -> str:
    value = body.get(name)
    if value is None:
        raise invalid(f"field '{name}' is required")
    return optional_string(body, name, max_length) or ""


def optional_string(body: dict[str, Any], name: str, max_length: int = 300) -> str | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise invalid(f"field '{name}' must be a non-empty string")
    if len(value) > max_length:
        raise invalid(f"field '{name}' must be at most {max_length} characters")
    return value


def string_map(body: dict[str, Any], name: str, *, allow_null_values: bool = False) -> dict[str, Any] | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise invalid(f"field '{name}' must be an object of string values")
    for key, item in value.items():
        if item is None and allow_null_values:
            continue
        if not isinstance(item, str):
            raise invalid(f"field '{name}.{key}' must be a string")
    return dict(value)


def json_map(body: dict[str, Any], name: str) -> dict[str, Any] | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise invalid(f"field '{name}' must be an object")
    return dict(value)
