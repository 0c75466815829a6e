"""The simulator's OAuth 2.0 authorization server: demo users, one-time codes with PKCE, tokens, revocation.

Written from RFC 6749 (authorization code grant, refresh grant, error shape), RFC 7636 (PKCE, S256 only) and
RFC 7009 (revocation). All state is in memory; a whole token is never logged or journaled (`mask_token`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

DEFAULT_CLIENT_ID = "cftui"
# The scopes this server offers, narrowest first. `read` may only GET (like a cf_read_ key).
SCOPES = ("read", "write")
DEFAULT_ACCESS_TTL_S = 3600.0
DEFAULT_CODE_TTL_S = 60.0
REFRESH_TTL_S = 30 * 86400.0
ACCESS_PREFIX = "cfo_at_"
REFRESH_PREFIX = "cfo_rt_"
CODE_PREFIX = "cfo_code_"


@dataclass(frozen=True)
class DemoUser:
    login: str
    name: str
    password: str


DEMO_USERS = {
    user.login: user
    for user in (
        DemoUser("ada", "Ada Lovelace", "ada-demo"),
        DemoUser("grace", "Grace Hopper", "grace-demo"),
    )
}


class OAuthError(Exception):
    """An RFC 6749 section 5.2 error: `{"error": code, "error_description": description}`."""

    def __init__(self, code: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.status = status


@dataclass
class Grant:
    """What a code or token stands for."""

    user: str
    client_id: str
    scope: str
    expires_at: float


@dataclass
class PendingCode(Grant):
    redirect_uri: str = ""
    challenge: str = ""
    used: bool = False
    issued: list[str] = field(default_factory=list)  # tokens made from it: revoked if the code is replayed


def mask_token(token: str | None) -> str | None:
    if not token:
        return None
    for prefix in (ACCESS_PREFIX, REFRESH_PREFIX, CODE_PREFIX):
        if token.startswith(prefix):
            return f"{prefix}…{token[-4:]}"
    return "…"


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def redirect_allowed(uri: str) -> bool:
    """A native app's loopback redirect (RFC 8252 section 7.3): http, a loopback host, any port, no fragment."""
    parts = urlsplit(uri)
    return parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost", "::1") and not parts.fragment


class AuthServer:
    def __init__(
        self,
        *,
        access_ttl_s: float = DEFAULT_ACCESS_TTL_S,
        code_ttl_s: float = DEFAULT_CODE_TTL_S,
        client_ids: tuple[str, ...] = (DEFAULT_CLIENT_ID,),
    ) -> None:
        self.access_ttl_s = access_ttl_s
        self.code_ttl_s = code_ttl_s
        self.client_ids = set(client_ids)
        self.clock_skew_s = 0.0  # shifts the Date this server reports (tests of a skewed clock)
        self.token_fault: str | None = None  # "unavailable" (503 page) or "garbage" (200, not JSON)
        self.codes: dict[str, PendingCode] = {}
        self.access: dict[str, Grant] = {}
        self.refresh: dict[str, Grant] = {}
        self.access_of_refresh: dict[str, set[str]] = {}

    # --- the authorize step ---------------------------------------------------------------------------

    def check_authorize(self, params: dict[str, str]) -> str | None:
        """Why this authorize request cannot be shown a sign-in page (said on the page, never redirected)."""
        if params.get("client_id") not in self.client_ids:
            return f"unknown client_id {params.get('client_id', '')!r}"
        if not redirect_allowed(params.get("redirect_uri", "")):
            return "redirect_uri must be an http:// loopback address (127.0.0.1, localhost or ::1)"
        return None

    def redirect_error(self, params: dict[str, str]) -> tuple[str, str] | None:
        """Errors that go back to the client on its redirect (RFC 6749 section 4.1.2.1)."""
        if params.get("response_type") != "code":
            return "unsupported_response_type", "only response_type=code is supported"
        if params.get("code_challenge_method") != "S256" or len(params.get("code_challenge", "")) != 43:
            return "invalid_request", "PKCE is required: code_challenge (43 characters) with code_challenge_method=S256"
        scope = self.scope_for(params.get("scope"))
        if scope is None:
            return "invalid_scope", f"scopes offered: {' '.join(SCOPES)}"
        return None

    @staticmethod
    def scope_for(requested: str | None) -> str | None:
        wanted = (requested or "read").split()
        return " ".join(wanted) if wanted and all(s in SCOPES for s in wanted) else None

    def sign_in(self, login: str, password: str) -> DemoUser | None:
        user = DEMO_USERS.get(login.strip().lower())
        if user is None or not hmac.compare_digest(user.password, password):
            return None
        return user

    def issue_code(self, user: str, params: dict[str, str]) -> str:
        code = CODE_PREFIX + secrets.token_urlsafe(24)
        self.codes[code] = PendingCode(
            user=user,
            client_id=params["client_id"],
            scope=self.scope_for(params.get("scope")) or "read",
            expires_at=time.time() + self.code_ttl_s,
            redirect_uri=params["redirect_uri"],
            challenge=params["code_challenge"],
        )
        return code

    # --- the token endpoint ---------------------------------------------------------------------------

    def token(self, form: dict[str, str]) -> dict[str, object]:
        grant_type = form.get("grant_type")
        if form.get("client_id") not in self.client_ids:
            raise OAuthError("invalid_client", f"unknown client_id {form.get('client_id', '')!r}", 401)
        if grant_type == "authorization_code":
            return self._exchange_code(form)
        if grant_type == "refresh_token":
            return self._refresh(form)
        raise OAuthError("unsupported_grant_type", f"grant_type {grant_type!r} is not supported")

    def _exchange_code(self, form: dict[str, str]) -> dict[str, object]:
        for name in ("code", "redirect_uri", "code_verifier"):
            if not form.get(name):
                raise OAuthError("invalid_request", f"missing {name}")
        pending = self.codes.get(form["code"])
        if pending is None:
            raise OAuthError("invalid_grant", "unknown authorization code")
        if pending.used:
            for token in pending.issued:  # RFC 6749 section 4.1.2: a replayed code revokes what it gave
                self.revoke(token)
            raise OAuthError("invalid_grant", "authorization code already used; the tokens it gave are revoked")
        pending.used = True
        if time.time() > pending.expires_at:
            raise OAuthError("invalid_grant", "authorization code expired")
        if pending.client_id != form["client_id"]:
            raise OAuthError("invalid_grant", "authorization code was issued to another client")
        if pending.redirect_uri != form["redirect_uri"]:
            raise OAuthError("invalid_grant", "redirect_uri does not match the one of the authorization request")
        if not hmac.compare_digest(s256(form["code_verifier"]), pending.challenge):
            raise OAuthError("invalid_grant", "PKCE verification failed: code_verifier does not match code_challenge")
        answer = self._issue(pending.user, pending.client_id, pending.scope)
        pending.issued += [str(answer["access_token"]), str(answer["refresh_token"])]
        return answer

    def _refresh(self, form: dict[str, str]) -> dict[str, object]:
        token = form.get("refresh_token", "")
        grant = self.refresh.get(token)
        if grant is None or time.time() > grant.expires_at:
            raise OAuthError("invalid_grant", "refresh token is invalid, expired or revoked")
        if grant.client_id != form["client_id"]:
            raise OAuthError("invalid_grant", "refresh token was issued to another client")
        self.revoke(token)  # rotation: each refresh token works once
        return self._issue(grant.user, grant.client_id, grant.scope)

    def _issue(self, user: str, client_id: str, scope: str) -> dict[str, object]:
        now = time.time()
        access = ACCESS_PREFIX + secrets.token_urlsafe(32)
        refresh = REFRESH_PREFIX + secrets.token_urlsafe(32)
        self.access[access] = Grant(user, client_id, scope, now + self.access_ttl_s)
        self.refresh[refresh] = Grant(user, client_id, scope, now + REFRESH_TTL_S)
        self.access_of_refresh[refresh] = {access}
        return {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": int(self.access_ttl_s) if self.access_ttl_s >= 1 else self.access_ttl_s,
            "refresh_token": refresh,
            "scope": scope,
        }

    # --- using and revoking tokens ----------------------------------------------------------------------

    def revoke(self, token: str) -> None:
        """RFC 7009: unknown tokens are fine. A refresh token takes its access tokens with it."""
        self.access.pop(token, None)
        if self.refresh.pop(token, None) is not None:
            for access in self.access_of_refresh.pop(token, set()):
                self.access.pop(access, None)

    def revoke_user(self, login: str) -> int:
        """An administrator signs a person out everywhere (the control endpoint)."""
        tokens = [t for t, g in (*self.access.items(), *self.refresh.items()) if g.user == login]
        for token in tokens:
            self.revoke(token)
        return len(tokens)

    def access_grant(self, token: str) -> tuple[Grant | None, str | None]:
        """The grant behind an access token, or why it is refused."""
        grant = self.access.get(token)
        if grant is None:
            return None, "invalid or revoked access token"
        if time.time() > grant.expires_at:
            return None, "access token expired"
        return grant, None

    def userinfo(self, token: str) -> dict[str, str] | None:
        grant, _ = self.access_grant(token)
        if grant is None:
            return None
        user = DEMO_USERS[grant.user]
        return {"sub": user.login, "name": user.name, "preferred_username": user.login}

    def state(self) -> dict[str, object]:
        return {
            "access_ttl_s": self.access_ttl_s,
            "code_ttl_s": self.code_ttl_s,
            "clock_skew_s": self.clock_skew_s,
            "token_fault": self.token_fault,
            "clients": sorted(self.client_ids),
            "scopes": list(SCOPES),
            "users": sorted(DEMO_USERS),
            "access_tokens": len(self.access),
            "refresh_tokens": len(self.refresh),
        }


TOKEN_FAULTS = ("unavailable", "garbage")


def configure(server: AuthServer, changes: dict[str, object]) -> str | None:
    """Apply a control-endpoint change; the sentence that refuses a bad one, else None."""
    for name in ("access_ttl_s", "code_ttl_s"):
        if name in changes:
            value = changes[name]
            if not isinstance(value, int | float) or not 0 < value <= 86400:
                return f"'{name}' must be a number of seconds in (0, 86400]"
            setattr(server, name, float(value))
    if "clock_skew_s" in changes:
        skew = changes["clock_skew_s"]
        if not isinstance(skew, int | float) or abs(skew) > 7 * 86400:
            return "'clock_skew_s' must be a number of seconds within a week"
        server.clock_skew_s = float(skew)
    if "token_fault" in changes:
        fault = changes["token_fault"]
        if fault is not None and fault not in TOKEN_FAULTS:
            return f"'token_fault' must be null or one of {', '.join(TOKEN_FAULTS)}"
        server.token_fault = fault
    if "revoke_user" in changes:
        server.revoke_user(str(changes["revoke_user"]))
    if "revoke_access_of" in changes:  # only the access tokens: the next API call gets a 401, a refresh mends it
        login = str(changes["revoke_access_of"])
        for token in [t for t, g in server.access.items() if g.user == login]:
            server.access.pop(token)
    return None
