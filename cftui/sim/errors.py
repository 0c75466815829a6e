"""The reference's error format, `{"error": {"code", "message", "request_id"}}`, for its six codes."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TypeVar

T = TypeVar("T")

ERROR_STATUSES = {
    "validation_error": 400,
    "authentication_failed": 401,
    "forbidden": 403,
    "resource_not_found": 404,
    "rate_limited": 429,
    "internal_error": 500,
}


class ApiError(Exception):
    def __init__(self, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.status = ERROR_STATUSES[code]
        self.message = message
        self.headers = headers or {}


def invalid(message: str) -> ApiError:
    return ApiError("validation_error", message)


def not_found(kind: str, identifier: str) -> ApiError:
    return ApiError("resource_not_found", f"{kind} {identifier!r} does not exist")


def found(table: Mapping[str, T], kind: str, identifier: str) -> T:
    """The `kind` that `identifier` names in `table`; the API's 404 when there is none."""
    item = table.get(identifier)
    if item is None:
        raise not_found(kind, identifier)
    return item


def dump(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def error_body(code: str, message: str, request_id: str) -> bytes:
    return dump({"error": {"code": code, "message": message, "request_id": request_id}})
