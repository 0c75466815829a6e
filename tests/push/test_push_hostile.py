"""Hostile deliveries to a real receiver: refused with the right status, counted, never shown, never echoed."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from cftui.monitor import Monitor
from cftui.monitor.push_verify import sign
from tests.monitor.helpers import Recorder, eventually
from tests.push.helpers import SECRET, delivery, encode, iso_now, post, push_monitor, signed_headers

HOSTILE = "[bold red]x[/] [@click=app.quit]q[/] oops [/] \x1b]2;pwned\x07\x1b[2J\x9b31m\u202eevil\u2066"
FIXED_BODIES = {b'{"accepted":true}'} | {
    b'{"error":"' + word.encode() + b'"}'
    for word in ("bad_signature", "too_large", "wrong_content_type", "malformed", "unknown_event", "stale",
                 "replay", "slow_body", "wrong_method", "unusable", "busy")
}  # fmt: skip


@pytest.fixture
async def receiver(static_sim: Any) -> AsyncIterator[tuple[Monitor, Recorder, str]]:
    async with push_monitor(static_sim, interval=3600) as running:
        await eventually(lambda: running[0].snapshot.projects, message="first look")
        yield running


def _status(resource: str = "res_hostile0001") -> dict[str, Any]:
    return delivery("resource.status_changed", {"project_id": "proj_x", "resource_id": resource, "old": "running",
                                                "new": "error"})  # fmt: skip


async def _refused(monitor: Monitor, reason: str, count: int = 1) -> None:
    await eventually(lambda: monitor.snapshot.push.refused.get(reason, 0) >= count, message=f"{reason} counted")


def _no_events(recorder: Recorder) -> None:
    assert [e for e in recorder.events if e.kind.value != "operation.progress"] == []


async def test_wrong_or_missing_signature(receiver: tuple[Monitor, Recorder, str]) -> None:
    monitor, recorder, url = receiver
    event = _status()
    body = encode(event)
    wrong = await post(url, body, signed_headers(body, event, secret="not-the-secret-at-all-0000"))
    other_body = await post(url, body, signed_headers(encode(_status("res_other")), event))
    missing = await post(url, body, {"Content-Type": "application/json"})
    garbage = await post(
        url, body, {"Content-Type": "application/json", "X-CloudForge-Signature": "sha256=\u00e9".encode("latin-1")}
    )
    for response in (wrong, other_body, missing, garbage):
        assert response.status_code == 401 and response.content == b'{"error":"bad_signature"}'
    await _refused(monitor, "bad_signature", 4)
    _no_events(recorder)


async def test_truncated_body(receiver: tuple[Monitor, Recorder, str]) -> None:
    monitor, recorder, url = receiver
    event = _status()
    body = encode(event)
    cut = body[: len(body) // 2]
    assert (await post(url, cut, signed_headers(body, event))).status_code == 401  # signed over the whole body
    assert (await post(url, cut, signed_headers(cut, event))).status_code == 400  # signed, but not JSON
    await _refused(monitor, "bad_signature")
    await _refused(monitor, "malformed")
    _no_events(recorder)


async def test_ten_megabyte_body(receiver: tuple[Monitor, Recorder, str]) -> None:
    monitor, recorder, url = receiver
    huge = b'{"pad":"' + b"x" * (10 * 1024 * 1024) + b'"}'
    declared = await post(url, huge, signed_headers(huge))

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted while it streams
        for _ in range(160):
            yield b"x" * 65536

    async with httpx.AsyncClient(timeout=10) as client:
        try:
            streamed = (await client.post(url, content=chunks(), headers=signed_headers(huge))).status_code
        except httpx.HTTPError:
            streamed = 413  # the receiver may close before the sender finishes: the request is refused either way
    assert declared.status_code == 413 and streamed == 413
    await _refused(monitor, "too_large", 2)
    _no_events(recorder)


async def test_wrong_content_type_and_method(receiver: tuple[Monitor, Recorder, str]) -> None:
    monitor, recorder, url = receiver
    event = _status()
    body = encode(event)
    headers = {**signed_headers(body, event), "Content-Type": "text/plain"}
    assert (await post(url, body, headers)).status_code == 415
    async with httpx.AsyncClient(timeout=10) as client:
        got = await client.get(url)
    assert got.status_code == 405 and got.headers["allow"] == "POST"
    await _refused(monitor, "wrong_content_type")
    await _refused(monitor, "wrong_method")
    _no_events(recorder)


async def test_malformed_json_and_shapes(receiver: tuple[Monitor, Recorder, str]) -> None:
    monitor, recorder, url = receiver
    bodies = [b"{not json", b"[1, 2]", b'"x"', b"{" * 100_000 + b"}" * 100_000]
    bodies += [encode({**_status(), "created_at": "yesterday"}), encode({**_status(), "data": "x"})]
    bodies += [encode({k: v for k, v in _status().items() if k != "id"})]
    bodies += [encode(delivery("resource.status_changed", {"project_id": "p"}))]  # names no resource: unusable
    for body in bodies:
        assert (await post(url, body, signed_headers(body))).status_code == 400
    await _refused(monitor, "malformed", len(bodies) - 1)
    await _refused(monitor, "unusable")
    _no_events(recorder)


async def test_unknown_event_type(receiver: tuple[Monitor, Recorder, str]) -> None:
    monitor, recorder, url = receiver
    event = delivery("resource.exploded", {"resource_id": "res_1"})
    body = encode(event)
    response = await post(url, body, signed_headers(body, event))
    assert response.status_code == 422 and b"exploded" not in response.content
    await _refused(monitor, "unknown_event")
    _no_events(recorder)


async def test_replayed_delivery(receiver: tuple[Monitor, Recorder, str]) -> None:
    monitor, recorder, url = receiver
    event = _status()
    body = encode(event)
    assert (await post(url, body, signed_headers(body, event))).status_code == 202
    await eventually(lambda: recorder.of("resource.status_changed"), message="first delivery shown")
    replay = await post(url, body, signed_headers(body, event))
    assert replay.status_code == 409
    # the same id in a re-signed, different body is a replay too
    again = encode({**event, "data": {**event["data"], "new": "stopped"}})
    assert (await post(url, again, signed_headers(again, event))).status_code == 409
    await _refused(monitor, "replay", 2)
    assert len(recorder.of("resource.status_changed")) == 1


async def test_stale_or_future_timestamp(receiver: tuple[Monitor, Recorder, str]) -> None:
    monitor, recorder, url = receiver
    for offset in (-3600, -301, 3600):
        event = {**_status(), "created_at": iso_now(offset)}
        body = encode(event)
        assert (await post(url, body, signed_headers(body, event))).status_code == 422
    await _refused(monitor, "stale", 3)
    _no_events(recorder)


async def test_markup_and_escapes_in_every_string_field(receiver: tuple[Monitor, Recorder, str]) -> None:
    monitor, recorder, url = receiver
    resource = {"id": "res_" + "h" * 8, "name": HOSTILE, "type": HOSTILE, "status": HOSTILE, "region": HOSTILE,
                "tags": {HOSTILE: HOSTILE}, "configuration": {HOSTILE: HOSTILE}}  # fmt: skip
    data = {"project_id": "proj_" + "h" * 8, "resource_id": resource["id"], "old": HOSTILE, "new": HOSTILE,
            "resource": resource, "operation_id": None}  # fmt: skip
    # unsigned: refused, and the response carries nothing of it
    event = delivery("resource.status_changed", data)
    body = encode(event)
    refused = await post(
        url, body, {"Content-Type": "application/json", "X-CloudForge-Delivery": "[@click=app.quit]x[/]"}
    )
    assert refused.content in FIXED_BODIES and b"pwned" not in refused.content
    # hostile header values and paths are refused the same way
    raw = json.dumps(event).encode()
    odd = await post(url + "/%1b%5b2J[bold]", raw, {"Content-Type": "application/json", "X-CloudForge-Signature": "x"})
    assert odd.status_code == 401 and odd.content in FIXED_BODIES
    # signed by the right secret (a compromised sender): shown, but every string is sanitised
    for event_type in ("resource.status_changed", "resource.created", "resource.updated", "resource.deleted"):
        signed = delivery(event_type, data)
        body = encode(signed)
        response = await post(url, body, signed_headers(body, signed))
        assert response.content in FIXED_BODIES
    await eventually(lambda: len(recorder.events) >= 4, message="signed hostile deliveries shown")
    for shown in recorder.events:
        for text in (shown.summary, shown.subject_name, shown.old or "", shown.new or "", json.dumps(shown.data)):
            assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F or c in "\u202e\u2066" for c in text), text
    assert "\\x1b" in recorder.events[0].summary  # visible, not executed
    await _refused(monitor, "bad_signature", 2)


async def test_signature_scheme_is_the_documented_one(receiver: tuple[Monitor, Recorder, str]) -> None:
    monitor, recorder, url = receiver
    import hashlib
    import hmac

    event = _status("res_scheme01")
    body = encode(event)
    by_hand = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert by_hand == sign(SECRET, body)
    headers = {"Content-Type": "application/json; charset=utf-8", "X-CloudForge-Signature": by_hand}
    assert (await post(url, body, headers)).status_code == 202
    await eventually(lambda: recorder.of("resource.status_changed", "res_scheme01"))
    assert monitor.snapshot.push.accepted == 1


async def flood(url: str, count: int = 1000, connections: int = 50) -> dict[str, int]:
    """1,000 badly signed deliveries from another process, as fast as 50 connections go (about a second here)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.push.flooder", url, str(count), str(connections), stdout=asyncio.subprocess.PIPE
    )
    out, _ = await asyncio.wait_for(process.communicate(), 120)
    return dict(json.loads(out))


async def test_a_flood_is_refused_counted_and_the_engine_keeps_working(
    receiver: tuple[Monitor, Recorder, str],
) -> None:
    monitor, recorder, url = receiver
    codes = await flood(url)
    assert sum(codes.values()) == 1000 and set(codes) <= {"401", "503"}, codes
    await _refused(monitor, "bad_signature", codes.get("401", 0))
    _no_events(recorder)
    before = monitor.snapshot.projects.fetched_at if monitor.snapshot.projects else None
    monitor.refresh_now()  # the engine still answers: a fresh look completes after the flood
    await eventually(lambda: monitor.snapshot.projects and monitor.snapshot.projects.fetched_at != before)
