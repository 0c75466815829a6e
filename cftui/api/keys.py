"""API keys: classification, the key policy, masking, and where a key may be sent.

A key is held in an `ApiKey`, whose `repr`/`str` are masked (`cf_read_…3f9a`); only the HTTP layer calls
`reveal()`. The policy is checked when settings are loaded and again when a client is built, so no path can
send a key the policy refuses.
"""

from __future__ import annotations

import ipaddress
import re
import urllib.request
from typing import Literal
from urllib.parse import urlsplit

KeyKind = Literal["read", "test", "live"]
KEY_PREFIXES: dict[str, KeyKind] = {"cf_read_": "read", "cf_test_": "test", "cf_live_": "live"}
# The reference shows `cf_live_xxxxxxxxxxxxx`: a prefix and a run of letters and digits. We accept a
# little more (underscore, dash) but nothing that could break a header.
MIN_KEY_BODY = 8
_KEY_BODY = re.compile(r"[A-Za-z0-9_-]{8,256}")
_KEY_CHARS = re.compile(r"[A-Za-z0-9_-]*")
# Anything that looks like a CloudForge key inside free text, for masking error messages and logs.
_KEY_IN_TEXT = re.compile(r"cf_(?:read|test|live)_[A-Za-z0-9_-]+")
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


class KeyPolicyError(ValueError):
    """A key or URL that cftui will not use. The message is a sentence a person can act on."""


def a_number(count: int) -> str:
    """`a 12`, `an 11`, `an 8`, `an 18000`: the article an English reader says before the number."""
    digits = str(abs(count))
    leading_group = digits[: len(digits) % 3 or 3]  # "11" in 11000 ("eleven thousand")
    vowel_sound = digits.startswith("8") or leading_group in ("11", "18")
    return f"{'an' if vowel_sound else 'a'} {count}"


def _mask(secret: str) -> str:
    for prefix in KEY_PREFIXES:
        if secret.startswith(prefix):
            body = secret[len(prefix) :]
            return f"{prefix}…{body[-4:]}" if len(body) >= 12 else f"{prefix}…"
    return "…"


# OAuth tokens have no fixed shape, so the sign-in registers each one it holds; `mask_key` hides them too.
_REGISTERED_SECRETS: set[str] = set()
MIN_REGISTERED = 12  # shorter strings could be ordinary words


def register_secret(secret: str) -> None:
    """Mask this secret (an OAuth token) wherever `mask_key` runs: error messages, logs, the status line."""
    if len(secret) >= MIN_REGISTERED:
        _REGISTERED_SECRETS.add(secret)


def mask_token(secret: str) -> str:
    """`…3f9a`: enough to tell two tokens apart, never enough to use one."""
    return f"…{secret[-4:]}" if len(secret) >= 16 else "…"


def mask_key(text: str) -> str:
    """Replace every CloudForge key (and every registered OAuth token) in `text` with its masked form."""
    for secret in _REGISTERED_SECRETS:
        if secret in text:
            text = text.replace(secret, mask_token(secret))
    return _KEY_IN_TEXT.sub(lambda match: _mask(match.group(0)), text)


class ApiKey:
    """A CloudForge API key that passed the policy. Prints masked; `reveal()` is for the HTTP layer only."""

    __slots__ = ("_secret", "kind", "live_allowed", "source")

    def __init__(self, secret: str, kind: KeyKind, *, source: str, live_allowed: bool = False) -> None:
        self._secret = secret
        self.kind: KeyKind = kind
        self.source = source
        self.live_allowed = live_allowed

    @classmethod
    def parse(cls, raw: str, *, source: str = "CLOUDFORGE_API_KEY", allow_live: bool = False) -> ApiKey:
        """Apply the key policy to `raw` (surrounding whitespace ignored); raise `KeyPolicyError` if refused."""
        secret = raw.strip()
        if not secret:
            raise KeyPolicyError(f"The API key from {source} is empty.")
        kind = next((k for prefix, k in KEY_PREFIXES.items() if secret.startswith(prefix)), None)
        body = secret[len(f"cf_{kind}_") :] if kind else ""
        if kind is not None and len(body) < MIN_KEY_BODY and _KEY_CHARS.fullmatch(body):
            raise KeyPolicyError(
                f"The API key from {source} is too short to be a CloudForge API key: after cf_{kind}_ it has "
                f"{len(body)} character{'' if len(body) == 1 else 's'}, and keys have at least {MIN_KEY_BODY} "
                "letters and digits there. Check that it was copied whole."
            )
        if kind is None or not _KEY_BODY.fullmatch(body):
            raise KeyPolicyError(
                f"The API key from {source} is not a CloudForge API key ({a_number(len(secret))}-character value): "
                "keys start with cf_read_ (read-only, what cftui is for), cf_test_ or cf_live_, "
                f"followed by at least {MIN_KEY_BODY} letters and digits."
            )
        key = cls(secret, kind, source=source, live_allowed=allow_live)
        key.check_policy()
        return key

    def check_policy(self) -> None:
        """Refuse a live key unless it was explicitly allowed."""
        if self.kind == "live" and not self.live_allowed:
            raise KeyPolicyError(
                f"The API key from {self.source} ({self.masked}) is a live key, which can change and delete "
                "production resources. cftui only reads, so it asks for a read-only key (cf_read_…, created "
                "in the CloudForge dashboard under Settings > API Keys). To use this live key anyway, "
                "pass --allow-live-key (or set allow_live_key = true in the profile)."
            )

    @property
    def masked(self) -> str:
        return _mask(self._secret)

    @property
    def is_test(self) -> bool:
        return self.kind == "test"

    def scrub(self, text: str) -> str:
        """`text` with this key masked wherever it appears, also its secret part without the `cf_read_` prefix
        (a server that echoes it in a request id or a name), and any other CloudForge key too."""
        body = self._secret[len(f"cf_{self.kind}_") :]
        if body in text:
            text = text.replace(self._secret, self.masked).replace(body, "…" + body[-4:] if len(body) >= 12 else "…")
        return mask_key(text) if "cf_" in text else text

    def reveal(self) -> str:
        """The secret itself. Only the HTTP layer calls this, to build the Authorization header."""
        return self._secret

    def __repr__(self) -> str:
        return f"ApiKey({self.masked}, kind={self.kind!r})"

    def __str__(self) -> str:
        return self.masked

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ApiKey) and other._secret == self._secret

    def __hash__(self) -> int:
        return hash(self._secret)

    def __reduce__(self) -> tuple:
        raise TypeError("an ApiKey cannot be pickled (it would write the secret out)")

    # immutable: copies (dataclasses.asdict, deepcopy of settings) may share it
    def __copy__(self) -> ApiKey:
        return self

    def __deepcopy__(self, memo: dict) -> ApiKey:
        return self


def is_loopback_host(host: str) -> bool:
    host = host.strip("[]").lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_api_url(url: str, *, source: str = "the API URL") -> str:
    """Validate a base URL; refuse credentials in it, and plain http:// except to loopback. Returns it without a
    trailing slash."""
    parts = urlsplit(url.strip())
    if "@" in parts.netloc:
        # httpx would send them as Basic auth in place of the Bearer key; the password is never repeated here
        host = parts.netloc.rsplit("@", 1)[1]
        raise KeyPolicyError(
            f"{source} holds a user name or password before {host} (user:password@host): cftui signs in with the "
            "API key alone and does not send credentials from a URL. Remove the part before '@'."
        )
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise KeyPolicyError(
            f"{source} {url!r} is not an http(s) URL; it should look like https://api.cloudforge.novatech.com/v2."
        )
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        raise KeyPolicyError(
            f"Refusing to send the API key over plain http:// to {parts.hostname} ({source}): "
            "use https://, or a loopback address (127.0.0.1, localhost) for a local simulator."
        )
    return url.strip().rstrip("/")


def lacks_version(url: str) -> bool:
    """True when the URL's path does not end in `/v2`: every endpoint of the reference lives under it."""
    return not urlsplit(url.strip()).path.rstrip("/").endswith("/v2")


def api_url_warning(url: str, *, source: str = "the API URL") -> str | None:
    """A sentence when the URL looks like it is missing `/v2` (it may still be right behind a proxy), else None."""
    if not lacks_version(url):
        return None
    return (
        f"The API URL {url.strip()} (from {source}) does not end in /v2, as CloudForge API v2 URLs do "
        "(https://api.cloudforge.novatech.com/v2, or http://127.0.0.1:PORT/v2 for the simulator)."
    )


def proxy_for(base_url: str) -> str | None:
    """The proxy from `HTTPS_PROXY`/`HTTP_PROXY` for this API's host, unless `NO_PROXY` or loopback exempts it.

    Through a proxy an https:// request is tunnelled (CONNECT), so the key stays inside TLS.
    """
    parts = urlsplit(base_url)
    host = parts.hostname or ""
    if not host or is_loopback_host(host) or urllib.request.proxy_bypass(host):
        return None
    return urllib.request.getproxies().get(parts.scheme) or None
