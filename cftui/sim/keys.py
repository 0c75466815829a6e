"""API keys the simulator accepts: their types, demo keys, and masking (a whole key is never logged)."""

from __future__ import annotations

import re
import secrets
import string

KEY_TYPES = {"cf_read_": "read-only", "cf_test_": "test", "cf_live_": "live"}
KEY_PATTERN = re.compile(r"^cf_(read|test|live)_[A-Za-z0-9]{8,128}$")
DEMO_SUFFIX_LENGTH = 24


def is_well_formed(key: str) -> bool:
    return KEY_PATTERN.match(key) is not None


def is_read_only(key: str) -> bool:
    return key.startswith("cf_read_")


def demo_keys() -> dict[str, str]:
    """One fresh key of each type: {"read-only": "cf_read_…", "test": …, "live": …}."""
    alphabet = string.ascii_letters + string.digits
    return {
        label: prefix + "".join(secrets.choice(alphabet) for _ in range(DEMO_SUFFIX_LENGTH))
        for prefix, label in KEY_TYPES.items()
    }


def mask_key(key: str | None) -> str | None:
    """`cf_read_…3f9a`: the type stays readable, the secret part does not."""
    if key is None:
        return None
    prefix = next((p for p in KEY_TYPES if key.startswith(p)), "")
    tail = key[-4:] if len(key) - len(prefix) > 8 else ""
    return f"{prefix}…{tail}"
