"""Issue 12, items 11 and 12: `cftui watch` does not call a malformed 200 an API that "answers again", and a user
and password in the API URL are refused with a sentence instead of silently replacing the Bearer key."""

from __future__ import annotations

import itertools
import json

import pytest

from cftui.api.keys import KeyPolicyError, check_api_url
from tests.headless.runner import run_piped
from tests.hostile_api import KEY, Answer, Seen, hostile_api, operation

RECOVERED = "The CloudForge API answers again."


def test_watch_never_says_the_api_answers_again_after_a_malformed_200() -> None:
    answers = itertools.count()

    def malformed_then_done(seen: Seen) -> Answer:
        # two 200s whose `data` is not an operation (the second is the one a 200-counts-as-an-answer bug calls
        # "answers again"), then the operation's end; each more costs a longer outage wait (up to 8 s)
        if next(answers) < 2:
            return Answer(body=json.dumps({"data": ["not", "an", "operation"]}).encode())
        return Answer(body=operation("op_bad"))

    with hostile_api() as api:
        api.answer("/operations/op_bad", malformed_then_done)
        done = run_piped("watch", "op_bad", "--api-url", api.base_url, "--no-history", key=KEY, timeout=120)
    assert done.code == 0, done.stderr
    assert "Malformed response" in done.stderr, done.stderr
    # said at most once, and only after the real answer
    assert done.stderr.count(RECOVERED) <= 1, done.stderr
    if RECOVERED in done.stderr:
        assert done.stderr.rindex(RECOVERED) > done.stderr.rindex("Malformed response")


@pytest.mark.parametrize("url", ["http://user:pw@127.0.0.1:8080/v2", "https://token@api.example.com/v2",
                                 "https://:secret@api.example.com/v2"])  # fmt: skip
def test_credentials_in_the_api_url_are_refused(url: str) -> None:
    with pytest.raises(KeyPolicyError, match=r"user name or password .* Remove the part before '@'") as caught:
        check_api_url(url, source="--api-url")
    assert "pw" not in str(caught.value) and "secret" not in str(caught.value)


def test_the_commands_refuse_credentials_in_the_url_before_sending_anything() -> None:
    with hostile_api() as api:
        with_credentials = api.base_url.replace("http://", "http://user:pw@")
        done = run_piped("status", "--api-url", with_credentials, "--no-history", key=KEY)
        assert api.seen == []
    assert done.code == 2 and "user name or password" in done.stderr, done.stderr
    assert ":pw@" not in done.stderr
