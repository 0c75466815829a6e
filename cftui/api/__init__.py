"""The CloudForge API v2 client layer: GET only, typed and sanitised models, typed errors.

`from cftui.api import CloudForgeClient, ApiError, ...` works; names are imported on first use so that code
needing only the models (or a `--help`) does not pay for importing httpx.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS: dict[str, str] = {
    "CloudForgeClient": "cftui.api.client",
    "USER_AGENT": "cftui.api.exchange",
    "ListResult": "cftui.api.pagination",
    "RateLimitInfo": "cftui.api.ratelimit",
    "RetryPolicy": "cftui.api.retry",
    "RequestFinished": "cftui.api.client_events",
    "RetryScheduled": "cftui.api.client_events",
    "RateLimitWait": "cftui.api.client_events",
    "ClientEvent": "cftui.api.client_events",
    "ApiKey": "cftui.api.keys",
    "KeyPolicyError": "cftui.api.keys",
    "mask_key": "cftui.api.keys",
    "check_api_url": "cftui.api.keys",
    "ApiError": "cftui.api.errors",
    "AuthenticationFailed": "cftui.api.errors",
    "Forbidden": "cftui.api.errors",
    "NotFound": "cftui.api.errors",
    "ValidationFailed": "cftui.api.errors",
    "RateLimited": "cftui.api.errors",
    "ServerError": "cftui.api.errors",
    "Unreachable": "cftui.api.errors",
    "MalformedResponse": "cftui.api.errors",
    "ReadOnlyViolation": "cftui.api.errors",
}
__all__ = [
    "USER_AGENT",
    "ApiError",
    "ApiKey",
    "AuthenticationFailed",
    "ClientEvent",
    "CloudForgeClient",
    "Forbidden",
    "KeyPolicyError",
    "ListResult",
    "MalformedResponse",
    "NotFound",
    "RateLimitInfo",
    "RateLimitWait",
    "RateLimited",
    "ReadOnlyViolation",
    "RequestFinished",
    "RetryPolicy",
    "RetryScheduled",
    "ServerError",
    "Unreachable",
    "ValidationFailed",
    "check_api_url",
    "mask_key",
]

if TYPE_CHECKING:
    from cftui.api.client import CloudForgeClient
    from cftui.api.client_events import ClientEvent, RateLimitWait, RequestFinished, RetryScheduled
    from cftui.api.errors import (
        ApiError,
        AuthenticationFailed,
        Forbidden,
        MalformedResponse,
        NotFound,
        RateLimited,
        ReadOnlyViolation,
        ServerError,
        Unreachable,
        ValidationFailed,
    )
    from cftui.api.exchange import USER_AGENT
    from cftui.api.keys import ApiKey, KeyPolicyError, check_api_url, mask_key
    from cftui.api.pagination import ListResult
    from cftui.api.ratelimit import RateLimitInfo
    from cftui.api.retry import RetryPolicy


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'cftui.api' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
