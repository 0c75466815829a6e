"""The key never appears unmasked: not in exceptions, reprs, events, or any log line (httpx's included)."""

from __future__ import annotations

import copy
import logging
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cftui.api import (
    ApiError,
    ApiKey,
    CloudForgeClient,
    KeyPolicyError,
    RetryPolicy,
    check_api_url,
    mask_key,
)
from cftui.config import ConfigError, Settings
from tests.simproc import SimServer, running_sim

SECRET = "cf_read_s3cr3tS3CR3Ts3cr3tS3cr3f9a"
LIVE_SECRET = "cf_live_s3cr3tS3CR3Ts3cr3tS3cr1111"


@pytest.fixture(scope="module")
def secret_sim() -> Iterator[SimServer]:
    with running_sim("--seed", "9", "--static", "--plan", "enterprise", keys={"read": SECRET}) as server:
        yield server


def test_masking_rules() -> None:
    key = ApiKey.parse(SECRET)
    assert key.masked == "cf_read_…3f9a"
    assert repr(key) == "ApiKey(cf_read_…3f9a, kind='read')" and str(key) == "cf_read_…3f9a" and f"{key}" == str(key)
    assert mask_key(f"header Bearer {SECRET} and {LIVE_SECRET}.") == ("header Bearer cf_read_…3f9a and cf_live_…1111.")
    with pytest.raises(TypeError):
        pickle.dumps(key)
    assert copy.deepcopy(key) is key and copy.copy(key) is key
    assert key == ApiKey.parse(f"  {SECRET}\n") and key.reveal() == SECRET


def test_the_client_constructor_applies_the_policy_again() -> None:
    live = ApiKey(LIVE_SECRET, "live", source="a test")  # built without going through parse()
    with pytest.raises(KeyPolicyError) as caught:
        CloudForgeClient("https://api.cloudforge.novatech.com/v2", live)
    assert "--allow-live-key" in str(caught.value) and LIVE_SECRET not in str(caught.value)
    with pytest.raises(KeyPolicyError) as caught:
        CloudForgeClient("http://api.cloudforge.novatech.com/v2", ApiKey.parse(SECRET))
    assert "plain http://" in str(caught.value)
    with pytest.raises(KeyPolicyError):
        CloudForgeClient("https://api.cloudforge.novatech.com/v2", SECRET)  # type: ignore[arg-type]
    assert check_api_url("http://127.0.0.1:9/v2/") == "http://127.0.0.1:9/v2"


async def test_no_output_anywhere_holds_the_key(
    secret_sim: SimServer, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger: cftui, httpx, httpcore, asyncio
    texts: list[str] = []
    events: list[Any] = []
    policy = RetryPolicy(base_s=0.01, cap_s=0.02, attempts=2)
    client = CloudForgeClient(secret_sim.base_url, ApiKey.parse(SECRET), retry_policy=policy, timeout=0.5)
    client.add_listener(events.append)
    texts += [repr(client), str(client), repr(client.api_key)]

    async def collect(call: Any) -> None:
        try:
            await call()
        except ApiError as exc:
            texts.extend([str(exc), repr(exc), exc.message, str(exc.args)])

    async with client:
        await client.list_projects()
        await collect(lambda: client.get_project("proj_nope"))
        await collect(lambda: client._exchange.http.post("projects"))
        for faults in (
            {"error_rate": 1.0},
            {"error_rate": 1.0, "error_status": 502},
            {"truncate_rate": 1.0},
            {"drop_rate": 1.0},
            {"hang_rate": 1.0, "hang_seconds": 30},
            {"revoked_keys": [SECRET]},
            {"rate_limit_storm_seconds": 60},
        ):
            secret_sim.control("DELETE", "faults")
            secret_sim.control("POST", "faults", faults)
            await collect(client.list_projects)
        secret_sim.control("DELETE", "faults")
    texts += [repr(event) for event in events]
    for environ in (
        {"CLOUDFORGE_API_KEY": LIVE_SECRET},
        {"CLOUDFORGE_API_KEY": SECRET, "CLOUDFORGE_API_URL": "http://example.com/v2"},
    ):
        with pytest.raises(ConfigError) as caught:
            Settings.load(None, {"XDG_CONFIG_HOME": str(tmp_path), **environ})
        texts.append(str(caught.value))
    settings = Settings.load(None, {"XDG_CONFIG_HOME": str(tmp_path), "CLOUDFORGE_API_KEY": SECRET})
    texts += [repr(settings), str(settings)]
    texts += [record.getMessage() for record in caught_records(caplog)]
    texts.append(caplog.text)
    assert len(texts) > 30
    for text in texts:
        assert SECRET not in text and LIVE_SECRET not in text
        assert "s3cr3tS3CR3T" not in text  # not even a fragment of the body
    assert any("cf_read_…3f9a" in text for text in texts)
    assert any("rejected" in text for text in texts)


def caught_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    records = list(caplog.records)
    assert records, "logging was captured"
    return records
