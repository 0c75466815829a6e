"""OAuth 2.0 sign-in for cftui: PKCE, paste-back or loopback redirect, a private token store, refresh.

It hands the API client a bearer (`OAuthCredential`, a `cftui.api.bearer.BearerProvider`); the client never
learns how the token was obtained. Never imports textual.
"""
