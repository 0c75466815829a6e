"""`/oauth/*`: the authorization server's endpoints (sign-in page, token, revocation, userinfo, metadata).

Forms are `application/x-www-form-urlencoded` (RFC 6749 section 4.1.3), parsed with the standard library.
Token answers carry `Cache-Control: no-store`; errors have the RFC 6749 section 5.2 shape.
"""

from __future__ import annotations

import html
import json
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from cftui.sim.errors import invalid
from cftui.sim.oauth import DEMO_USERS, SCOPES, AuthServer, OAuthError, configure
from cftui.sim.respond import reply, simulator

AUTHORIZE_FIELDS = ("response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge",
                    "code_challenge_method")  # fmt: skip
MAX_FORM_BYTES = 16_384


def _server(request: Request) -> AuthServer:
    return simulator(request).oauth


def _json(payload: dict[str, Any], status: int, server: AuthServer) -> Response:
    headers = {"Cache-Control": "no-store", "Pragma": "no-cache"}
    return Response(json.dumps(payload), status_code=status, media_type="application/json", headers=headers)


def _oauth_error(error: OAuthError, server: AuthServer) -> Response:
    return _json({"error": error.code, "error_description": error.description}, error.status, server)


async def _form(request: Request) -> dict[str, str]:
    body = bytearray()
    async for chunk in request.stream():  # counted as it arrives: a huge body is refused, never held
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise OAuthError("invalid_request", f"request body over {MAX_FORM_BYTES:,} bytes")
    try:
        return dict(parse_qsl(bytes(body).decode("utf-8"), keep_blank_values=True))
    except UnicodeDecodeError:
        raise OAuthError("invalid_request", "the body is not UTF-8 form data") from None


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    document = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>body{{font-family:sans-serif;max-width:32em;margin:3em auto}}"
        "label{display:block;margin:.6em 0}</style></head>"
        f"<body><h1>{html.escape(title)}</h1>{body}</body></html>"
    )
    return HTMLResponse(document, status_code=status, headers={"Cache-Control": "no-store"})


def _sign_in_page(params: dict[str, str], problem: str = "") -> HTMLResponse:
    hidden = "".join(
        f"<input type='hidden' name='{name}' value='{html.escape(params.get(name, ''), quote=True)}'>"
        for name in AUTHORIZE_FIELDS
    )
    users = "".join(
        f"<li><code>{html.escape(u.login)}</code> ({html.escape(u.name)}), password <code>{html.escape(u.password)}"
        "</code></li>"
        for u in DEMO_USERS.values()
    )
    scope = AuthServer.scope_for(params.get("scope")) or ""
    warning = f"<p role='alert' id='problem'>{html.escape(problem)}</p>" if problem else ""
    body = (
        f"{warning}<p><strong>{html.escape(params.get('client_id', ''))}</strong> asks to act as you with scope "
        f"<code id='scope'>{html.escape(scope)}</code>"
        f"{' (read only: GET requests)' if scope == 'read' else ''}.</p>"
        f"<form method='post' action='/oauth/authorize'>{hidden}"
        "<label>User <input name='login' id='login' autocomplete='username'></label>"
        "<label>Password <input name='password' id='password' type='password'></label>"
        "<button name='decision' value='allow' id='allow'>Sign in and allow</button> "
        "<button name='decision' value='deny' id='deny'>Deny</button></form>"
        f"<p>Demo users of this simulator:</p><ul>{users}</ul>"
    )
    return _page("Sign in to CloudForge (simulator)", body)


def _back_to_client(params: dict[str, str], **values: str) -> RedirectResponse:
    query = urlencode({**values, **({"state": params["state"]} if params.get("state") else {})})
    separator = "&" if "?" in params["redirect_uri"] else "?"
    return RedirectResponse(params["redirect_uri"] + separator + query, status_code=302)


async def authorize_page(request: Request) -> Response:
    server = _server(request)
    params = {name: request.query_params.get(name, "") for name in AUTHORIZE_FIELDS}
    problem = server.check_authorize(params)
    if problem:  # never redirect to an unchecked URI (RFC 6749 section 4.1.2.1)
        return _page("Cannot sign in", f"<p id='problem'>{html.escape(problem)}</p>", 400)
    error = server.redirect_error(params)
    if error:
        return _back_to_client(params, error=error[0], error_description=error[1])
    return _sign_in_page(params)


async def authorize_submit(request: Request) -> Response:
    server = _server(request)
    try:
        form = await _form(request)
    except OAuthError as exc:
        return _page("Cannot sign in", f"<p id='problem'>{html.escape(exc.description)}</p>", 400)
    params = {name: form.get(name, "") for name in AUTHORIZE_FIELDS}
    problem = server.check_authorize(params)
    if problem:
        return _page("Cannot sign in", f"<p id='problem'>{html.escape(problem)}</p>", 400)
    error = server.redirect_error(params)
    if error:
        return _back_to_client(params, error=error[0], error_description=error[1])
    if form.get("decision") != "allow":
        return _back_to_client(params, error="access_denied", error_description="the user denied the request")
    user = server.sign_in(form.get("login", ""), form.get("password", ""))
    if user is None:
        return _sign_in_page(params, "Unknown user or wrong password.")
    return _back_to_client(params, code=server.issue_code(user.login, params))


async def token(request: Request) -> Response:
    server = _server(request)
    fault = server.token_fault
    if fault == "unavailable":
        return HTMLResponse("<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>", 503)
    if fault == "garbage":
        return HTMLResponse("<html><body>Welcome to the captive portal</body></html>", 200)
    try:
        return _json(server.token(await _form(request)), 200, server)
    except OAuthError as exc:
        return _oauth_error(exc, server)


async def revoke(request: Request) -> Response:
    server = _server(request)
    try:
        form = await _form(request)
    except OAuthError as exc:
        return _oauth_error(exc, server)
    if form.get("client_id") not in server.client_ids:
        return _oauth_error(OAuthError("invalid_client", "unknown client_id", 401), server)
    server.revoke(form.get("token", ""))
    return Response(status_code=200, headers={"Cache-Control": "no-store"})


async def userinfo(request: Request) -> Response:
    server = _server(request)
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    info = server.userinfo(token.strip()) if scheme.lower() == "bearer" else None
    if info is None:
        headers = {"WWW-Authenticate": 'Bearer error="invalid_token"'}
        return Response(json.dumps({"error": "invalid_token"}), 401, headers=headers, media_type="application/json")
    return _json(info, 200, server)


async def metadata(request: Request) -> Response:
    """RFC 8414 metadata, so a client can see which scopes are offered."""
    root = str(request.base_url).rstrip("/")
    return reply(
        {
            "issuer": root,
            "authorization_endpoint": f"{root}/oauth/authorize",
            "token_endpoint": f"{root}/oauth/token",
            "revocation_endpoint": f"{root}/oauth/revoke",
            "userinfo_endpoint": f"{root}/oauth/userinfo",
            "scopes_supported": list(SCOPES),
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["none"],
        }
    )


async def control_state(request: Request) -> Response:
    return reply(_server(request).state())


async def control_set(request: Request) -> Response:
    """`POST /_sim/oauth {"access_ttl_s", "code_ttl_s", "clock_skew_s", "token_fault", "revoke_user"}`."""
    try:
        changes = json.loads(await request.body() or b"{}")
    except ValueError:
        raise invalid("the body must be a JSON object") from None
    if not isinstance(changes, dict):
        raise invalid("the body must be a JSON object")
    problem = configure(_server(request), changes)
    if problem:
        raise invalid(problem)
    return reply(_server(request).state())


control_routes = [
    Route("/_sim/oauth", control_state, methods=["GET"]),
    Route("/_sim/oauth", control_set, methods=["POST"]),
]

routes = [
    Route("/oauth/authorize", authorize_page, methods=["GET"]),
    Route("/oauth/authorize", authorize_submit, methods=["POST"]),
    Route("/oauth/token", token, methods=["POST"]),
    Route("/oauth/revoke", revoke, methods=["POST"]),
    Route("/oauth/userinfo", userinfo, methods=["GET"]),
    Route("/.well-known/oauth-authorization-server", metadata, methods=["GET"]),
]
