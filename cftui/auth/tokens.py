"""The two token requests (authorization_code and refresh_token, RFC 6749 sections 4.1.3 and 6), revocation
(RFC 7009) and userinfo, written on httpx. Every failure is a `SignInError` whose text is one sentence.

These POSTs go to the authorization server, never to the API: the API client stays GET-only.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from cftui import __version__
from cftui.api.keys import register_secret
from cftui.api.sanitize import one_line

TIMEOUT_S = 10.0
MAX_BODY_BYTES = 65_536  # a token response is a few hundred bytes; anything this big is not one
SKEW_WARN_S = 300.0  # a server clock this far from ours is worth a sentence


class SignInError(Exception):
    """Signing in or refreshing failed; the message says what happened and what to do."""

    def __init__(self, message: str, *, oauth_error: str | None = None) -> None:
        super().__init__(message)
        self.oauth_error = oauth_error  # RFC 6749 `error` when the server gave one


@dataclass
class TokenSet:
    access_token: str
    refresh_token: str | None
    expires_at: float | None  # Unix seconds on this machine's clock (from expires_in), None: not said
    scope: str
    obtained_at: float
    token_url: str
    client_id: str
    user: str | None = None  # who signed in, when the server says (userinfo)

    def __post_init__(self) -> None:
        register_secret(self.access_token)
        if self.refresh_token:
            register_secret(self.refresh_token)

    def __repr__(self) -> str:  # never the tokens
        return f"TokenSet(user={self.user!r}, scope={self.scope!r}, expires_at={self.expires_at!r})"

    def lifetime(self) -> float | None:
        return None if self.expires_at is None else self.expires_at - self.obtained_at

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> TokenSet:
        raw = json.loads(text)
        if not isinstance(raw, dict) or not isinstance(raw.get("access_token"), str):
            raise ValueError("not a token set")
        fields: dict[str, Any] = {name: raw.get(name) for name in cls.__dataclass_fields__}
        return cls(**fields)


def _short(text: str, limit: int = 120) -> str:
    return one_line(text)[:limit]


def _http() -> httpx.AsyncClient:
    return httpx.AsyncClient(
        timeout=httpx.Timeout(TIMEOUT_S),
        follow_redirects=False,  # a redirect could carry the code or refresh token elsewhere
        headers={"User-Agent": f"cftui/{__version__}", "Accept": "application/json"},
    )


async def _post(url: str, form: dict[str, str], what: str) -> httpx.Response:
    try:
        async with _http() as http:
            return await http.post(url, data=form)
    except httpx.TimeoutException:
        raise SignInError(f"The token endpoint {url} did not answer within {TIMEOUT_S:g} s ({what}).") from None
    except httpx.HTTPError as exc:
        reason = _short(str(exc) or type(exc).__name__)
        raise SignInError(f"Cannot reach the token endpoint {url} ({what}): {reason}.") from None


def _json_body(response: httpx.Response, url: str, what: str) -> dict[str, Any]:
    kind = response.headers.get("content-type", "no content type").split(";")[0]
    if len(response.content) > MAX_BODY_BYTES:
        raise SignInError(
            f"The token endpoint {url} sent {len(response.content):,} bytes ({what}): not a token answer."
        )
    try:
        body = json.loads(response.content)
    except ValueError:
        body = None
    if not isinstance(body, dict):
        start = _short(response.text.replace("<", " <"), 80).strip()
        raise SignInError(
            f"The token endpoint {url} answered HTTP {response.status_code} with something that is not an OAuth "
            f"JSON answer ({kind}: {start!r}) ({what}); a proxy or captive portal may be in the way, or token_url "
            "is wrong."
        )
    return body


def _oauth_failure(response: httpx.Response, body: dict[str, Any], url: str, what: str) -> SignInError:
    code = body.get("error")
    if not isinstance(code, str):
        return SignInError(f"The token endpoint {url} refused the {what} with HTTP {response.status_code}.")
    said = body.get("error_description")
    detail = f"{_short(code, 60)}: {_short(said)}" if isinstance(said, str) and said else _short(code, 60)
    return SignInError(f"The authorization server refused the {what} ({detail}).", oauth_error=code)


def clock_skew(response: httpx.Response, now: float | None = None) -> float | None:
    """Seconds the server's `Date` is ahead of this machine (negative: behind), None without a Date."""
    try:
        server = parsedate_to_datetime(response.headers["date"]).timestamp()
    except (KeyError, TypeError, ValueError, IndexError):
        return None
    return server - (time.time() if now is None else now)


def skew_warning(skew: float | None) -> str | None:
    if skew is None or abs(skew) < SKEW_WARN_S:
        return None
    minutes = round(abs(skew) / 60)
    side = "ahead of" if skew > 0 else "behind"
    return (
        f"The authorization server's clock is {minutes} minutes {side} this machine's. cftui times token refreshes "
        "from the server's expires_in, so signing in still works; but if the API refuses fresh tokens, set this "
        "machine's clock right (timedatectl set-ntp true)."
    )


def _token_set(body: dict[str, Any], url: str, client_id: str, asked_scope: str, what: str, sent_at: float) -> TokenSet:
    access = body.get("access_token")
    if not isinstance(access, str) or not access.strip() or not access.isascii() or not access.isprintable():
        raise SignInError(f"The token endpoint {url} answered the {what} without a usable access_token.")
    if str(body.get("token_type", "")).lower() != "bearer":
        raise SignInError(f"The token endpoint {url} gave a {_short(str(body.get('token_type')), 30)!r} token; "
                          "cftui can only send Bearer tokens.")  # fmt: skip
    refresh = body.get("refresh_token")
    expires_in = body.get("expires_in")
    now = time.time()
    expires_at = None
    if isinstance(expires_in, int | float) and not isinstance(expires_in, bool) and 0 < expires_in < 10**8:
        expires_at = sent_at + float(expires_in)  # counted from the request: never later than the server's count
    scope = body.get("scope")
    return TokenSet(
        access_token=access,
        refresh_token=refresh if isinstance(refresh, str) and refresh else None,
        expires_at=expires_at,
        scope=" ".join(scope.split()) if isinstance(scope, str) else asked_scope,  # RFC 6749 5.1: absent = as asked
        obtained_at=now,
        token_url=url,
        client_id=client_id,
    )


async def exchange_code(
    url: str, *, client_id: str, code: str, redirect_uri: str, verifier: str, scope: str
) -> tuple[TokenSet, str | None]:
    """Trade a code for tokens. Returns them and a clock-skew warning (or None)."""
    what = "authorization code"
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "client_id": client_id,
        "code_verifier": verifier,
    }
    sent_at = time.time()
    response = await _post(url, form, what)
    body = _json_body(response, url, what)
    if response.status_code != 200:
        error = _oauth_failure(response, body, url, what)
        if error.oauth_error == "invalid_grant":
            error.args = (
                f"{error} A code works once and only for a few minutes, with the cftui login that asked for it: "
                "run cftui login again and paste the new redirect URL.",
            )
        raise error
    return _token_set(body, url, client_id, scope, what, sent_at), skew_warning(clock_skew(response))


async def refresh(tokens: TokenSet) -> TokenSet:
    """A new access token from the refresh token (the server may rotate the refresh token too)."""
    what = "refresh token"
    if not tokens.refresh_token:
        raise SignInError("The access token expired and the server gave no refresh token.")
    form = {"grant_type": "refresh_token", "refresh_token": tokens.refresh_token, "client_id": tokens.client_id}
    sent_at = time.time()
    response = await _post(tokens.token_url, form, what)
    body = _json_body(response, tokens.token_url, what)
    if response.status_code != 200:
        raise _oauth_failure(response, body, tokens.token_url, what)
    new = _token_set(body, tokens.token_url, tokens.client_id, tokens.scope, what, sent_at)
    new.refresh_token = new.refresh_token or tokens.refresh_token  # RFC 6749 6: may keep the old one
    new.user = tokens.user
    return new


async def revoke(url: str, token: str, hint: str, client_id: str) -> str | None:
    """RFC 7009 revocation; None when done, else why not (a sentence)."""
    try:
        async with _http() as http:
            response = await http.post(url, data={"token": token, "token_type_hint": hint, "client_id": client_id})
    except httpx.HTTPError as exc:
        return f"could not reach {url} ({_short(str(exc) or type(exc).__name__)})"
    if response.status_code != 200:
        return f"{url} answered HTTP {response.status_code}"
    return None


async def who(url: str, access_token: str) -> str | None:
    """`Name (login)` from an OpenID-style userinfo endpoint, or None when it does not say."""
    try:
        async with _http() as http:
            response = await http.get(url, headers={"Authorization": f"Bearer {access_token}"})
        body = response.json() if response.status_code == 200 and len(response.content) < MAX_BODY_BYTES else None
    except (httpx.HTTPError, ValueError):
        return None
    if not isinstance(body, dict):
        return None
    login = body.get("preferred_username") or body.get("sub")
    name = body.get("name")
    if isinstance(name, str) and isinstance(login, str) and name != login:
        return _short(f"{name} ({login})", 80)
    return _short(str(login), 80) if isinstance(login, str) else None
