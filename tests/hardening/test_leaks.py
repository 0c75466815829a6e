"""Issue 12, item 9: a server that echoes the key (whole, or its secret part without `cf_read_`) in request ids,
`X-CloudForge-Version` or names never gets it shown, printed as JSON, logged or stored in the history."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from cftui.api import ApiKey, CloudForgeClient
from cftui.api.errors import AuthenticationFailed
from cftui.monitor.history_files import default_history_path
from tests.headless.runner import run_piped
from tests.hostile_api import KEY, KEY_SECRET_PART, Answer, Seen, hostile_api, listing, project

ECHOES = {"X-Request-ID": f"req_{KEY}", "X-CloudForge-Version": f"2.0 {KEY}"}


def echoing_projects(seen: Seen) -> Answer:
    names = [project("prj_whole", name=KEY), project("prj_bare", name=f"team {KEY_SECRET_PART} prod")]
    return Answer(body=listing(names, total=2), headers=ECHOES)


def refusing(seen: Seen) -> Answer:
    body = {"error": {"code": "authentication_failed", "message": f"bad key {KEY}", "request_id": KEY_SECRET_PART}}
    return Answer(401, json.dumps(body).encode(), headers=ECHOES)


def assert_no_key(text: str) -> None:
    assert KEY_SECRET_PART not in text, text
    assert KEY_SECRET_PART[:12] not in text, text  # not even most of it


async def test_the_client_masks_the_key_in_every_string_from_the_server() -> None:
    with hostile_api() as api:
        api.answer("/projects", echoing_projects)
        api.answer("/operations/op_1", refusing)
        async with CloudForgeClient(api.base_url, ApiKey.parse(KEY)) as client:
            projects = (await client.list_projects()).items
            version = client.api_version
            try:
                await client.get_operation("op_1")
            except AuthenticationFailed as error:
                refused = error
    assert [p.name for p in projects] == ["cf_read_…0000", "team …0000 prod"]
    assert version == "2.0 cf_read_…0000"
    assert_no_key(f"{refused} {refused.request_id} {refused!r}")


def test_status_output_json_and_history_hold_no_key(isolated_dirs: Path) -> None:
    with hostile_api() as api:
        api.answer("/projects", echoing_projects)
        table = run_piped("status", "--api-url", api.base_url, key=KEY)
        as_json = run_piped("status", "--format", "json", "--api-url", api.base_url, key=KEY)
        history_file = default_history_path(api.base_url)
    assert table.code == 0 and as_json.code == 0, table.stderr + as_json.stderr
    for text in (table.stdout, table.stderr, as_json.stdout, as_json.stderr):
        assert_no_key(text)
    assert json.loads(as_json.stdout)["api_version"] == "2.0 cf_read_…0000"
    assert history_file.exists()
    with sqlite3.connect(history_file) as db:
        stored = " ".join(str(row) for table in ("cost_samples", "events", "meta")
                          for row in db.execute(f"SELECT * FROM {table}"))  # noqa: S608  # fmt: skip
    assert "prj_whole" in stored
    assert_no_key(stored)
    assert_no_key(history_file.read_bytes().decode("latin-1"))


def test_a_refused_key_echoed_as_the_request_id_is_masked_on_stderr() -> None:
    with hostile_api() as api:
        api.answer("/projects", refusing)
        done = run_piped("status", "--api-url", api.base_url, "--no-history", key=KEY)
        watched = run_piped("watch", "op_1", "--api-url", api.base_url, "--no-history", key=KEY)
    assert done.code == 2 and "request" in done.stderr, done.stderr
    assert watched.code == 2, watched.stderr
    for text in (done.stdout, done.stderr, watched.stdout, watched.stderr):
        assert_no_key(text)
