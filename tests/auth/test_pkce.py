"""PKCE (RFC 7636) as cftui computes it, checked against the RFC's own example, and the state value."""

from __future__ import annotations

import re

from cftui.auth.pkce import make_state, make_verifier, s256_challenge


def test_s256_matches_rfc_7636_appendix_b() -> None:
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert s256_challenge(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_verifiers_are_unreserved_characters_of_allowed_length_and_never_repeat() -> None:
    verifiers = {make_verifier() for _ in range(200)}
    assert len(verifiers) == 200
    for verifier in verifiers:
        assert re.fullmatch(r"[A-Za-z0-9\-._~]{43,128}", verifier)
        assert re.fullmatch(r"[A-Za-z0-9_-]{43}", s256_challenge(verifier))


def test_states_are_unguessable_and_url_safe() -> None:
    states = {make_state() for _ in range(200)}
    assert len(states) == 200
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{22}", state) for state in states)
