"""Checking one webhook delivery before anything of it is believed: size, type, signature, shape, age, replay.

The reference does not describe the signature; cftui reads it as the simulator sends it (and as most webhook
senders do): `X-CloudForge-Signature: sha256=<hex HMAC-SHA256 of the raw body under the shared secret>`,
compared in constant time. The signature is checked on the raw bytes before the body is parsed, so nothing an
unauthenticated sender wrote is ever decoded. Pure logic, no I/O: the receiver feeds it bytes and headers.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cftui.api.sanitize import sanitize_tree

# The reference's seven webhook events; anything else is refused (a newer sender, or a forgery).
EVENT_TYPES = frozenset(
    {
        "resource.created",
        "resource.updated",
        "resource.deleted",
        "resource.status_changed",
        "operation.completed",
        "operation.failed",
        "cost.threshold_exceeded",
    }
)
MAX_BODY_BYTES = 256 * 1024  # a delivery is one event: a few KB; 256 KiB is generous
TIMESTAMP_WINDOW_S = 300.0  # `created_at` may be this far in the past or future (clock skew, sender retries)
REPLAY_MEMORY = 50_000  # delivery ids remembered; see `ReplayGuard` for what happens beyond
SIGNATURE_HEADER = "x-cloudforge-signature"
DELIVERY_HEADER = "x-cloudforge-delivery"
SIGNATURE_PREFIX = "sha256="


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a delivery was refused: a reason word (counted) and the HTTP status the sender gets."""

    reason: str
    status: int


# Every refusal the receiver can give, with its status (documented in docs/push.md).
BAD_SIGNATURE = Refusal("bad_signature", 401)
TOO_LARGE = Refusal("too_large", 413)
WRONG_CONTENT_TYPE = Refusal("wrong_content_type", 415)
MALFORMED = Refusal("malformed", 400)
UNKNOWN_EVENT = Refusal("unknown_event", 422)
STALE = Refusal("stale", 422)
REPLAY = Refusal("replay", 409)
SLOW_BODY = Refusal("slow_body", 408)
NOT_FOUND = Refusal("not_found", 404)
WRONG_METHOD = Refusal("wrong_method", 405)
BUSY = Refusal("busy", 503)


@dataclass(frozen=True, slots=True)
class Delivery:
    """A verified delivery: every string in `data` has been through the sanitiser."""

    id: str
    type: str
    created_at: datetime
    data: Mapping[str, Any]
    received_at: datetime


def sign(secret: str, body: bytes) -> str:
    """The signature header's value for `body` (what a sender computes; tests and the demo use it too)."""
    return SIGNATURE_PREFIX + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_ok(secret: str, body: bytes, given: str | None) -> bool:
    if not given or not secret:
        return False
    # compare bytes of equal meaning in constant time; a non-ASCII header cannot match and must not raise
    return hmac.compare_digest(sign(secret, body).encode(), given.strip().encode("utf-8", "replace"))


def content_type_ok(value: str | None) -> bool:
    if not value:
        return False
    media = value.split(";", 1)[0].strip().lower()
    return media == "application/json"


def parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


class ReplayGuard:
    """Delivery ids seen recently. Bounded: when an id has to be forgotten, every delivery not newer than it is
    refused as stale from then on, so a forgotten id can never be replayed."""

    def __init__(self, limit: int = REPLAY_MEMORY) -> None:
        self._limit = limit
        self._seen: OrderedDict[str, float] = OrderedDict()
        self.floor = float("-inf")  # deliveries created at or before this (unix time) are refused as stale

    def seen(self, delivery_id: str) -> bool:
        return delivery_id in self._seen

    def remember(self, delivery_id: str, created: float, now: float) -> None:
        self._seen[delivery_id] = created
        cutoff = now - TIMESTAMP_WINDOW_S  # older ones would be refused by their timestamp anyway
        while self._seen:
            oldest_id, oldest_at = next(iter(self._seen.items()))
            if len(self._seen) > self._limit:
                self.floor = max(self.floor, oldest_at)
            elif oldest_at >= cutoff:
                break
            del self._seen[oldest_id]

    def __len__(self) -> int:
        return len(self._seen)


class Verifier:
    def __init__(
        self,
        secret: str,
        *,
        window_s: float = TIMESTAMP_WINDOW_S,
        replay_memory: int = REPLAY_MEMORY,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._secret = secret
        self._window = window_s
        self._clock = clock
        self.replays = ReplayGuard(replay_memory)

    def __repr__(self) -> str:  # the secret never shows, not even in a traceback's locals
        return "Verifier(secret=…)"

    def verify(self, headers: Mapping[str, str], body: bytes) -> Delivery | Refusal:
        """`headers` with lower-case names. The body is already bounded by the receiver."""
        if len(body) > MAX_BODY_BYTES:
            return TOO_LARGE
        if not content_type_ok(headers.get("content-type")):
            return WRONG_CONTENT_TYPE
        if not signature_ok(self._secret, body, headers.get(SIGNATURE_HEADER)):
            return BAD_SIGNATURE
        try:
            raw = json.loads(body)
        except (ValueError, RecursionError):
            return MALFORMED
        if not isinstance(raw, dict):
            return MALFORMED
        event_id, event_type, data = raw.get("id"), raw.get("type"), raw.get("data")
        created = parse_time(raw.get("created_at"))
        if not isinstance(event_id, str) or not 0 < len(event_id) <= 200 or not isinstance(event_type, str):
            return MALFORMED
        if created is None or not isinstance(data, dict):
            return MALFORMED
        header_id = headers.get(DELIVERY_HEADER)
        if header_id is not None and header_id != event_id:
            return MALFORMED  # the unsigned header disagrees with the signed body
        if event_type not in EVENT_TYPES:
            return UNKNOWN_EVENT
        now = self._clock()
        stamp = created.timestamp()
        if abs(now - stamp) > self._window or stamp <= self.replays.floor:
            return STALE
        if self.replays.seen(event_id):
            return REPLAY
        self.replays.remember(event_id, stamp, now)
        return Delivery(
            id=sanitize_tree(event_id),
            type=event_type,
            created_at=created.astimezone(UTC),
            data=sanitize_tree(data),
            received_at=datetime.fromtimestamp(now, UTC),
        )
