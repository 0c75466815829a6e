"""Wire a `Monitor` from `Settings`: the client, the history file and the engine's options."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from cftui.monitor.clock import SYSTEM_CLOCK, Clock
from cftui.monitor.engine import Monitor
from cftui.monitor.history import History

if TYPE_CHECKING:
    from cftui.config import Settings


def build_monitor(
    settings: Settings,
    *,
    operations: Sequence[str] | None = None,
    max_backoff: float = 60.0,
    clock: Clock = SYSTEM_CLOCK,
) -> Monitor:
    """A monitor that owns its client and history: close it with `await monitor.aclose()` (or `async with`).

    With `operations`: one that follows these operations and nothing else (`cftui watch`): no project is polled,
    and no webhook receiver of its own is started. `max_backoff`: the longest wait after an outage. `clock`: the one
    clock of the monitor and its webhook feed.
    """
    from cftui.api.client import CloudForgeClient

    client = CloudForgeClient(settings.api_url, settings.api_key, key_hint=settings.key_source)
    history = None
    if settings.history and settings.history_name:
        history = History.named(settings.history_name, settings.api_url)  # a stable file, whatever the URL
    elif settings.history:
        history = History.for_api_url(settings.api_url)
    push = None
    if operations is None and settings.webhook_listen and settings.webhook_secret:
        from cftui.monitor.push import PushFeed
        from cftui.monitor.push_listen import parse_listen

        push = PushFeed(parse_listen(settings.webhook_listen), settings.webhook_secret, clock=clock)
    return Monitor(
        client,
        interval=settings.interval,
        budget=settings.budget,
        history=history,
        cost_thresholds=dict(settings.cost_thresholds),
        watch_operations=settings.watch_operations if operations is None else operations,
        max_backoff=max_backoff,
        owns_client=True,
        push=push,
        operations_only=operations is not None,
        clock=clock,
    )
