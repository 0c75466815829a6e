"""Small helpers for the simulator's tests: HTTP calls with a chosen key, and reading all pages."""

from __future__ import annotations

import re
import time
from typing import Any

import httpx

from tests.simproc import SimServer

ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
REQUEST_ID = re.compile(r"^req_[0-9a-f]{16}$")
COMMON_HEADERS = (
    "x-request-id",
    "x-cloudforge-version",
    "x-ratelimit-limit",
    "x-ratelimit-remaining",
    "x-ratelimit-reset",
)


_client: httpx.Client | None = None


def client() -> httpx.Client:
    """One shared client: a fresh httpx.Client per request costs tens of milliseconds (its SSL context)."""
    global _client
    if _client is None:
        _client = httpx.Client(timeout=10)
    return _client


def call(
    server: SimServer,
    method: str,
    path: str,
    *,
    key: str | None = None,
    json: Any = None,
    params: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 10,
) -> httpx.Response:
    """A request to /v2 with `key` (the read key when None; pass key="" for no Authorization header)."""
    sent = dict(headers or {})
    chosen = server.read_key if key is None else key
    if chosen:
        sent["Authorization"] = f"Bearer {chosen}"
    url = f"{server.base_url}/{path.lstrip('/')}"
    return client().request(method, url, headers=sent, json=json, params=params, timeout=timeout)


def all_pages(server: SimServer, path: str, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    page = 1
    while True:
        body = call(server, "GET", path, params={**params, "page": page, "per_page": 100}).json()
        items += body["data"]
        if len(items) >= body["meta"]["total"] or not body["data"]:
            return items
        page += 1


def assert_common_headers(response: httpx.Response) -> None:
    for name in COMMON_HEADERS:
        assert name in response.headers, f"{name} missing on {response.status_code} {response.request.url}"
    assert response.headers["x-cloudforge-version"] == "2.15.3"
    assert int(response.headers["x-ratelimit-reset"]) >= int(time.time()) - 1


def assert_error(response: httpx.Response, status: int, code: str, mentions: str = "") -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "request_id"}
    assert body["error"]["code"] == code
    assert body["error"]["request_id"] == response.headers["x-request-id"]
    assert mentions in body["error"]["message"], body["error"]["message"]
    assert_common_headers(response)
    return body["error"]
