"""`/v2/webhooks`: register (as the reference shows), and list, get, delete (a documented addition)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from cftui.sim import params
from cftui.sim.errors import found, invalid
from cftui.sim.respond import no_content, page_of, reply, simulator
from cftui.sim.webhooks import DEFAULT_COST_THRESHOLD, EVENT_TYPES, Webhook, loopback_problem


def _find(request: Request) -> Webhook:
    return found(simulator(request).webhooks.hooks, "webhook", request.path_params["webhook_id"])


async def create_webhook(request: Request) -> Response:
    body = await params.json_object(request)
    url = params.required_string(body, "url", 2000)
    problem = loopback_problem(url)
    if problem:
        raise invalid(problem)
    events = body.get("events")
    if not isinstance(events, list) or not events or not all(isinstance(event, str) for event in events):
        raise invalid(f"field 'events' must be a non-empty list of: {', '.join(EVENT_TYPES)}")
    unknown = [event for event in events if event not in EVENT_TYPES]
    if unknown:
        raise invalid(f"field 'events' has unknown event type(s) {', '.join(map(repr, unknown))}")
    secret = params.required_string(body, "secret", 500)
    threshold = body.get("cost_threshold", DEFAULT_COST_THRESHOLD)
    if isinstance(threshold, bool) or not isinstance(threshold, int | float) or threshold < 0:
        raise invalid("field 'cost_threshold' must be a non-negative number")
    hook = simulator(request).webhooks.register(url, list(dict.fromkeys(events)), secret, float(threshold))
    return reply({"data": hook.payload()}, 201)


async def list_webhooks(request: Request) -> Response:
    page, per_page = params.paging(request)
    hooks = list(simulator(request).webhooks.hooks.values())
    items, meta = page_of(hooks, page, per_page)
    return reply({"data": [hook.payload() for hook in items], "meta": meta})


async def get_webhook(request: Request) -> Response:
    return reply({"data": _find(request).payload()})


async def delete_webhook(request: Request) -> Response:
    simulator(request).webhooks.remove(_find(request))
    return no_content()


routes = [
    Route("/v2/webhooks", list_webhooks, methods=["GET"]),
    Route("/v2/webhooks", create_webhook, methods=["POST"]),
    Route("/v2/webhooks/{webhook_id}", get_webhook, methods=["GET"]),
    Route("/v2/webhooks/{webhook_id}", delete_webhook, methods=["DELETE"]),
]
