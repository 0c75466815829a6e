"""Small helpers shared by the route modules: JSON replies, the simulator behind a request, list pages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response

from cftui.sim.errors import dump

if TYPE_CHECKING:
    from cftui.sim.state import Simulator


def simulator(request: Request) -> Simulator:
    return request.app.state.sim


def reply(payload: Any, status: int = 200) -> Response:
    return Response(dump(payload), status_code=status, media_type="application/json")


def no_content() -> Response:
    return Response(status_code=204)


def page_of(items: Sequence[Any], page: int, per_page: int) -> tuple[Sequence[Any], dict[str, int]]:
    start = (page - 1) * per_page
    return items[start : start + per_page], {"page": page, "per_page": per_page, "total": len(items)}
