"""Signing in with OAuth instead of an API key (a profile with `auth = "oauth"`): whether this run does, the
endpoints and token store of `cftui login` / `logout`, and the stored sign-in as the client's bearer."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cftui.api.keys import KeyPolicyError, check_api_url
from cftui.config.document import KEY_FIELDS, Layer
from cftui.config.errors import ConfigError
from cftui.config.layers import Layers
from cftui.config.secret_sources import key_outside_file

if TYPE_CHECKING:
    from cftui.api.bearer import BearerProvider
    from cftui.auth.endpoints import OAuthEndpoints
    from cftui.auth.store import TokenStore

OAUTH_FIELDS = ("auth", "oauth_client_id", "auth_url", "token_url", "revoke_url", "userinfo_url", "oauth_scope")


@dataclass(frozen=True)
class SignInSettings:
    """What `cftui login` / `logout` need: where to sign in, and where the tokens go."""

    api_url: str
    endpoints: OAuthEndpoints
    store: TokenStore


def load_sign_in(args: argparse.Namespace | None = None, environ: Mapping[str, str] | None = None) -> SignInSettings:
    """The chosen profile's OAuth settings (no tokens needed); `ConfigError` when it does not use OAuth."""
    layers = Layers.read(args, environ)
    if layers.merged.get("auth") != "oauth":
        where = f"profile '{layers.profile_name}'" if layers.profile_name else f"the top level of {layers.path}"
        raise ConfigError(
            f'{where} does not use OAuth: add auth = "oauth" to it (see docs/oauth.md), or keep using an API key.'
        )
    api_url, url_source = layers.api_url()
    try:
        api_url = check_api_url(api_url, source=url_source)
        return _sign_in_parts(api_url, layers.profile_name, layers.merged)
    except KeyPolicyError as exc:
        raise ConfigError(str(exc)) from None


def _sign_in_parts(api_url: str, profile: str | None, merged: Layer) -> SignInSettings:
    from cftui.auth.endpoints import resolve_endpoints
    from cftui.auth.store import StoreError, open_store

    endpoints = resolve_endpoints(
        api_url,
        profile=profile,
        client_id=merged.get("oauth_client_id"),
        auth_url=merged.get("auth_url"),
        token_url=merged.get("token_url"),
        revoke_url=merged.get("revoke_url"),
        userinfo_url=merged.get("userinfo_url"),
        scope=merged.get("oauth_scope"),
    )
    try:
        store = open_store(endpoints.profile_label, merged.get("token_store") or "auto")
    except StoreError as exc:
        raise ConfigError(str(exc)) from None
    return SignInSettings(api_url, endpoints, store)


def uses_oauth(layers: Layers) -> bool:
    """A key from a flag or the environment beats `auth = "oauth"` (flags > env > profile); in the profile
    file, naming both a key and auth = "oauth" is refused as ambiguous."""
    if key_outside_file(layers) or layers.merged.get("auth") != "oauth":
        return False
    keys = [name for name in KEY_FIELDS if layers.merged.get(name) is not None]
    if keys:
        raise ConfigError(f'{layers.scope()} sets auth = "oauth" and {keys[0]}; keep only one way to sign in.')
    return True


def signed_in(api_url: str, profile: str | None, merged: Layer) -> tuple[BearerProvider, str]:
    """The stored sign-in as the client's bearer, and the command that renews it (for messages)."""
    from cftui.auth.credential import OAuthCredential
    from cftui.auth.store import StoreError

    try:
        parts = _sign_in_parts(api_url, profile, merged)
        tokens = parts.store.load()
    except (StoreError, KeyPolicyError) as exc:
        raise ConfigError(str(exc)) from None
    command = parts.endpoints.login_command
    label = parts.endpoints.profile_label
    if tokens is None:
        raise ConfigError(f"Not signed in to CloudForge for profile '{label}': run {command}.")
    if tokens.token_url != parts.endpoints.token_url or tokens.client_id != parts.endpoints.client_id:
        raise ConfigError(
            f"The stored sign-in of profile '{label}' was made with another authorization server or client "
            f"({tokens.token_url}); run {command}."
        )
    return OAuthCredential(parts.endpoints, parts.store, tokens), command
