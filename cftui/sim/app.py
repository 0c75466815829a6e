"""The Starlette application: routes, the gateway in front of them, and the background ticker."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response

from cftui.sim import routes_control, routes_oauth, routes_projects, routes_resources, routes_webhooks
from cftui.sim.errors import ApiError, error_body
from cftui.sim.gateway import Gateway
from cftui.sim.state import Simulator

TICK_SECONDS = 0.2  # how often the world catches up with the clock when nobody asks (for webhooks)


def _request_id(request: Request) -> str:
    return request.scope.get("state", {}).get("request_id", "req_unknown")


async def api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    body = error_body(exc.code, exc.message, _request_id(request))
    return Response(body, status_code=exc.status, media_type="application/json", headers=exc.headers)


async def http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own 404/405 (no route, or no such method on a route) in the reference's error format."""
    assert isinstance(exc, HTTPException)
    if exc.status_code == 405:
        message = f"{request.method} is not supported on {request.url.path}"
    else:
        message = f"no such endpoint: {request.method} {request.url.path}"
    body = error_body("resource_not_found", message, _request_id(request))
    return Response(body, status_code=404, media_type="application/json")


def build_app(sim: Simulator) -> Starlette:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async def tick() -> None:
            while True:
                sim.world.advance_to_now()
                await asyncio.sleep(TICK_SECONDS)

        ticker = asyncio.create_task(tick())
        try:
            yield
        finally:
            ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await ticker
            await sim.webhooks.close()

    routes = [
        *routes_projects.routes,
        *routes_resources.routes,
        *routes_webhooks.routes,
        *routes_control.routes,
        *routes_oauth.routes,
        *routes_oauth.control_routes,
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(Gateway, sim=sim)],
        exception_handlers={ApiError: api_error, HTTPException: http_error},
        lifespan=lifespan,
    )
    app.router.redirect_slashes = False  # the gateway redirects itself, never trusting the Host header
    app.state.sim = sim
    return app
