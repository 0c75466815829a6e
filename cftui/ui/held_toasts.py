"""Toasts that wait while a screen that must not be covered (the help, `HOLDS_NOTIFICATIONS`) is up.

Every notification goes through the App's `notify`; those raised while such a screen is shown are kept here (the
newest `MAX_HELD`) and shown, in order, once it has closed. A toast whose title is one of `replacing_titles`
replaces a held toast of the same title instead of queueing behind it: the events feed's error toast counts the
burst before it, so a burst that grows while the help is up still shows as one toast.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from textual.app import App
from textual.notifications import SeverityLevel
from textual.timer import Timer

MAX_HELD = 5  # more toasts than this, held while the help is up, keep only the newest
CHECK_EVERY_S = 0.5  # how often held toasts look whether the help has closed


@dataclass(frozen=True, slots=True)
class Toast:
    message: str
    title: str
    severity: SeverityLevel
    timeout: float | None
    markup: bool


def screen_holds_toasts(app: App[Any]) -> bool:
    return bool(getattr(app.screen, "HOLDS_NOTIFICATIONS", False))


class HeldToasts:
    def __init__(self, app: App[Any], show: Callable[[Toast], None], replacing_titles: Collection[str] = ()) -> None:
        self._app = app
        self._show = show
        self._replacing_titles = frozenset(replacing_titles)
        self._held: deque[Toast] = deque(maxlen=MAX_HELD)
        self._timer: Timer | None = None

    def hold(self, toast: Toast) -> None:
        if toast.title in self._replacing_titles:
            self._held = deque((held for held in self._held if held.title != toast.title), maxlen=MAX_HELD)
        self._held.append(toast)
        if self._timer is None:
            self._timer = self._app.set_interval(CHECK_EVERY_S, self._release)

    def _release(self) -> None:
        if screen_holds_toasts(self._app):
            return
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        while self._held:
            self._show(self._held.popleft())
