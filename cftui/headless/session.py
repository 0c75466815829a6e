"""Shared start-up of the headless commands: settings, the monitor, and failures as one sentence.

Heavy imports (httpx through the monitor) happen inside these functions, so `--help` stays quick.
"""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from cftui.headless.output import say_error, with_request_id

if TYPE_CHECKING:
    from cftui.api.errors import ApiError
    from cftui.config import Settings
    from cftui.monitor import Monitor
    from cftui.monitor.state import Snapshot

# A connection in one of these states after a full pass means the answer is not known.
FAILED_STATES = frozenset({"auth_failed", "offline", "degraded", "rate_limited"})


class CommandFailed(Exception):
    """The command cannot give its answer; the message is the one sentence to print (exit 2)."""


def load_settings(command: str, args: argparse.Namespace) -> Settings | None:
    """Settings from flags > env > profile; a refused key or bad config is said on stderr (then exit 2)."""
    from cftui.api.keys import KeyPolicyError
    from cftui.config import ConfigError, Settings

    try:
        settings = Settings.load(args)
    except (ConfigError, KeyPolicyError) as error:
        say_error(command, str(error))
        return None
    for sentence in settings.warnings:
        say_error(command, f"warning: {sentence}")
    return settings


def api_failure(error: ApiError) -> str:
    return with_request_id(str(error), error.request_id)


def snapshot_failure(snapshot: Snapshot) -> str | None:
    """Why a snapshot from a full pass cannot be trusted, or None when it can."""
    connection = snapshot.connection
    if snapshot.projects is None or connection.status.value in FAILED_STATES:
        sentence = connection.last_error or "The CloudForge API gave no answer."
        return with_request_id(sentence, connection.request_id)
    return None


@asynccontextmanager
async def open_monitor(settings: Settings) -> AsyncIterator[Monitor]:
    """The same monitor the dashboard uses, closed (client and history) on the way out."""
    from cftui.monitor import build_monitor

    monitor = build_monitor(settings)
    try:
        yield monitor
    finally:
        await monitor.aclose()
