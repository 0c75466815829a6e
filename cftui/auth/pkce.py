"""PKCE (RFC 7636) with S256, and the `state` value: both from the `secrets` module."""

from __future__ import annotations

import base64
import hashlib
import secrets

VERIFIER_BYTES = 48  # 64 characters once base64url-encoded: within RFC 7636's 43-128


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def make_verifier() -> str:
    return _b64url(secrets.token_bytes(VERIFIER_BYTES))


def s256_challenge(verifier: str) -> str:
    """BASE64URL(SHA256(ASCII(code_verifier))), RFC 7636 section 4.2."""
    return _b64url(hashlib.sha256(verifier.encode("ascii")).digest())


def make_state() -> str:
    return _b64url(secrets.token_bytes(16))
