"""`OAuthCredential`: the signed-in person's bearer for the API client, refreshed before it expires.

- before each request: the access token, refreshed first when it expires within `refresh_margin` (a fifth of
  its lifetime, at most 60 s), so a dashboard never shows a gap at expiry;
- after a 401: refreshed once (or taken from the store, when another cftui process refreshed first);
- a refresh the server refuses (`invalid_grant`: revoked, expired) becomes `SignInExpired`: the dashboard keeps
  its data with its age and says `AUTH EXPIRED: run cftui login`; a token endpoint that cannot be reached
  becomes `Unreachable` (retried), and the current token is used while it is still valid.
- `cftui login` in another terminal is picked up on the next request (the store changed).
"""

from __future__ import annotations

import asyncio
import logging
import time

from cftui.api.errors import SignInExpired, Unreachable
from cftui.api.keys import mask_key
from cftui.auth.endpoints import OAuthEndpoints
from cftui.auth.store import StoreError, TokenStore
from cftui.auth.tokens import SignInError, TokenSet, refresh

log = logging.getLogger("cftui.auth")
MAX_REFRESH_MARGIN_S = 60.0
REFRESH_RETRY_S = 5.0  # after a refresh that could not reach the server, wait this long before the next try


class OAuthCredential:
    kind = "oauth"

    def __init__(self, endpoints: OAuthEndpoints, store: TokenStore, tokens: TokenSet | None = None) -> None:
        self.endpoints = endpoints
        self.store = store
        self.source = f"the sign-in of profile '{endpoints.profile_label}'"
        self._tokens = tokens
        self._version = store.version()
        self._lock = asyncio.Lock()
        self._retry_after = 0.0
        self.refreshes = 0

    @property
    def tokens(self) -> TokenSet | None:
        return self._tokens

    @property
    def masked(self) -> str:
        """What the status line shows where a key's masked form would be: who, and the scope granted."""
        tokens = self._tokens
        if tokens is None:
            return "not signed in"
        return f"{tokens.user or 'signed in'} (scope {tokens.scope})"

    def __repr__(self) -> str:
        return f"OAuthCredential({self.endpoints.profile_label!r}, {self.masked})"

    def check_policy(self) -> None:
        """Nothing to refuse here: the client is GET-only whatever the token's scope allows."""

    def scrub(self, text: str) -> str:
        """Every token this process ever held is registered with `mask_key`, which masks them (and keys)."""
        return mask_key(text)

    def _expired(self, reason: str) -> SignInExpired:
        return SignInExpired(reason, login_command=self.endpoints.login_command, status=401)

    def _reload_if_changed(self) -> None:
        version = self.store.version()
        if version == self._version:
            return
        self._version = version
        try:
            self._tokens = self.store.load()
        except StoreError as exc:
            raise self._expired(str(exc)) from None
        self._retry_after = 0.0

    def _due(self, tokens: TokenSet, now: float) -> bool:
        if tokens.expires_at is None:
            return False  # the server gave no lifetime: refresh only after a 401
        lifetime = tokens.lifetime() or 0.0
        margin = min(MAX_REFRESH_MARGIN_S, max(0.0, lifetime) * 0.2)
        return now >= tokens.expires_at - margin

    async def bearer(self) -> str:
        self._reload_if_changed()
        tokens = self._tokens
        if tokens is None:
            raise self._expired("not signed in (no tokens stored)")
        now = time.time()
        if self._due(tokens, now) and now >= self._retry_after:
            async with self._lock:
                current = self._tokens
                if current is tokens:  # nobody refreshed while this request waited for the lock
                    await self._refresh(tokens, still_valid=tokens.expires_at is not None and now < tokens.expires_at)
        assert self._tokens is not None
        if self._tokens.expires_at is not None and time.time() >= self._tokens.expires_at and self._retry_after:
            raise Unreachable("the access token expired and the token endpoint cannot be reached to refresh it")
        return self._tokens.access_token

    async def after_rejection(self, rejected: str) -> bool:
        async with self._lock:
            self._reload_if_changed()
            tokens = self._tokens
            if tokens is None:
                raise self._expired("not signed in (no tokens stored)")
            if tokens.access_token != rejected:
                return True  # already refreshed (here or by another cftui process)
            await self._refresh(tokens, still_valid=False)
            return True

    async def _refresh(self, tokens: TokenSet, *, still_valid: bool) -> None:
        try:
            new = await refresh(tokens)
        except SignInError as exc:
            stored = self._stored()
            if stored is not None and stored.refresh_token != tokens.refresh_token:
                self._tokens = stored  # another process rotated the refresh token first: use its tokens
                return
            if exc.oauth_error is None:  # down or garbage: try again soon, keep the token while it works
                self._retry_after = time.time() + REFRESH_RETRY_S
                if still_valid:
                    return
                raise Unreachable(f"cannot refresh the sign-in: {exc}") from None
            raise self._expired(f"the sign-in could not be refreshed: {exc}") from None
        self._retry_after = 0.0
        self._tokens = new
        self.refreshes += 1
        try:
            self.store.save(new)
            self._version = self.store.version()
        except (OSError, StoreError) as exc:
            # the new tokens still work in this process; the next process will have to sign in again
            log.warning("the refreshed tokens could not be stored: %s", type(exc).__name__)

    def _stored(self) -> TokenSet | None:
        try:
            stored = self.store.load()
        except StoreError:
            return None
        self._version = self.store.version()
        return stored
