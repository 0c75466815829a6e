"""Where to sign in: the authorization server's URLs, the client id and the scope, with their defaults.

The reference names the authorize and token URLs (`https://auth.cloudforge.novatech.com/oauth/...`) and no
scope, revocation or userinfo endpoint. When the API URL is a loopback address (the simulator), every
default is the simulator's own `/oauth/...` endpoint instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from cftui.api.keys import KeyPolicyError, is_loopback_host

REFERENCE_AUTH_URL = "https://auth.cloudforge.novatech.com/oauth/authorize"
REFERENCE_TOKEN_URL = "https://auth.cloudforge.novatech.com/oauth/token"  # noqa: S105 (a URL, not a secret)
DEFAULT_CLIENT_ID = "cftui"
# The reference names no scope. cftui asks for `read`, the narrowest the simulator offers (a server that
# names its scopes in RFC 8414 metadata usually calls its read-only one that); `oauth_scope` changes it.
DEFAULT_SCOPE = "read"


@dataclass(frozen=True)
class OAuthEndpoints:
    client_id: str
    auth_url: str
    token_url: str
    revoke_url: str | None
    userinfo_url: str | None
    scope: str
    profile: str | None  # which profile these tokens belong to ("default" when none)

    @property
    def profile_label(self) -> str:
        return self.profile or "default"

    @property
    def login_command(self) -> str:
        return "cftui login" + (f" --profile {self.profile}" if self.profile else "")


def simulator_root(api_url: str) -> str | None:
    """`http://127.0.0.1:PORT` when the API URL points at a loopback simulator, else None."""
    parts = urlsplit(api_url)
    if parts.scheme == "http" and parts.hostname and is_loopback_host(parts.hostname):
        return f"{parts.scheme}://{parts.netloc}"
    return None


def check_auth_url(url: str, field: str) -> str:
    """https://, or http:// to loopback only: a code or token must never cross a network in the clear."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise KeyPolicyError(f"{field} {url!r} is not an http(s) URL.")
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        raise KeyPolicyError(
            f"Refusing plain http:// for {field} ({parts.hostname}): tokens would cross the network in the clear; "
            "use https://, or a loopback address for the simulator."
        )
    return url.strip()


def resolve_endpoints(
    api_url: str,
    *,
    profile: str | None,
    client_id: str | None = None,
    auth_url: str | None = None,
    token_url: str | None = None,
    revoke_url: str | None = None,
    userinfo_url: str | None = None,
    scope: str | None = None,
) -> OAuthEndpoints:
    root = simulator_root(api_url)
    defaults = (
        (f"{root}/oauth/authorize", f"{root}/oauth/token", f"{root}/oauth/revoke", f"{root}/oauth/userinfo")
        if root
        else (REFERENCE_AUTH_URL, REFERENCE_TOKEN_URL, None, None)
    )
    revoke = revoke_url or defaults[2]
    userinfo = userinfo_url or defaults[3]
    return OAuthEndpoints(
        client_id=(client_id or DEFAULT_CLIENT_ID).strip(),
        auth_url=check_auth_url(auth_url or defaults[0], "auth_url"),
        token_url=check_auth_url(token_url or defaults[1], "token_url"),
        revoke_url=check_auth_url(revoke, "revoke_url") if revoke else None,
        userinfo_url=check_auth_url(userinfo, "userinfo_url") if userinfo else None,
        scope=" ".join((scope or DEFAULT_SCOPE).split()),
        profile=profile,
    )
