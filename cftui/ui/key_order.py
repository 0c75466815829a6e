"""Keys handled in the order they were typed, also when several arrive in one read (a fast typist, a paste over SSH).

Textual runs a priority binding (`0`, `w`, `1`-`4`, Tab, `/`, `p`) at once, in the App, but hands every other key
to the focused widget's queue; it is matched against the bindings only once it has bubbled back up to the App,
against the screen and focus of *that* moment. So of `j j 0` read at once, `0` pushed the problems view before the
two `j` were matched: they were matched against the new screen and lost (`j 2` moved the resources pane, not the
project list). Here a callback follows each key handed on, queued behind it at every node of its path (the focused
widget up to the App), and tells when it has arrived; a priority key waits until every key before it has arrived,
and the keys after it wait for it (until it has gone the way of its new focus). Other keys are handed on at once,
as before (typing stays as quick as ever).
A node that never answers (removed meanwhile) cannot hold the keyboard: held keys go on after `RELEASE_AFTER_S`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

from textual import events
from textual.app import App
from textual.binding import Binding, BindingType
from textual.dom import DOMNode

RELEASE_AFTER_S = 0.5  # the most a key waits for the ones before it to arrive (normally a few milliseconds)


def priority_keys(bindings: Iterable[BindingType]) -> frozenset[str]:
    """The keys of the priority bindings: those the App runs at once, ahead of the keys before them."""
    return frozenset(
        key.strip()
        for binding in bindings
        if isinstance(binding, Binding) and binding.priority
        for key in binding.key.split(",")
    )


class KeyOrder:
    """Holds a priority key (and the keys after it) until the keys before it have arrived, then hands them on."""

    def __init__(
        self,
        app: App[Any],
        handle: Callable[[events.Key], Awaitable[None]],
        priority: frozenset[str],
    ) -> None:
        self._app = app
        self._handle = handle  # how the App handles a key (priority bindings, else forwarded to the focus)
        self._priority = priority  # the keys that wait for the keys before them (the App's priority keys)
        self._held: deque[events.Key] = deque()
        self._in_flight = 0  # keys handed on whose arrival is not known yet
        self._priority_in_flight = 0  # of them, priority keys: every key after one waits for it (its new focus)
        self._generation = 0  # moves when the safety net gives up on the keys in flight (their news is then stale)
        self._wait: object | None = None  # the current wait of a held key (its safety net's token)

    def hold(self, event: events.Key) -> bool:
        """True when the key must wait (it is kept and handled later, in order)."""
        if not self._must_wait(event):
            return False
        self._held.append(event)
        if len(self._held) == 1:
            self._watch_wait()
        return True

    def _watch_wait(self) -> None:
        token = self._wait = object()
        self._app.set_timer(RELEASE_AFTER_S, lambda: self._app.call_later(self._give_up, token))

    def _waits(self, event: events.Key) -> bool:
        return event.key in self._priority

    def _must_wait(self, event: events.Key) -> bool:
        return bool(self._held or self._priority_in_flight or (self._in_flight and self._waits(event)))

    def sent(self, event: events.Key) -> None:
        """A key was just handled or handed to the focused widget: follow it to the App."""
        app = self._app
        target: DOMNode | None = app.focused
        if target is None and app.screen_stack:
            target = app.screen
        if target is None:
            return
        priority = self._waits(event)
        self._in_flight += 1
        self._priority_in_flight += priority
        self._hop(target.ancestors_with_self, 0, (self._generation, priority))

    def _hop(self, path: Sequence[DOMNode], index: int, news: tuple[int, bool]) -> None:
        """Queue the next hop behind the key at the next node of its path; at the end, it has arrived."""
        while index < len(path):
            if path[index].call_later(self._hop, path, index + 1, news):
                return
            index += 1  # a node that is closing takes no message (nor the key): on to the next one
        self._app.call_later(self._arrived, news)

    async def _arrived(self, news: tuple[int, bool]) -> None:
        generation, priority = news
        if generation != self._generation:
            return
        self._in_flight = max(0, self._in_flight - 1)
        self._priority_in_flight = max(0, self._priority_in_flight - priority)
        await self._hand_on()

    async def _give_up(self, token: object) -> None:
        """The safety net: the keys in flight did not all answer in time; the held ones go on anyway."""
        if token is not self._wait or not self._held:
            return
        self._generation += 1
        self._in_flight = self._priority_in_flight = 0
        await self._hand_on()

    async def _hand_on(self) -> None:
        while self._held and not self._priority_in_flight and not (self._in_flight and self._waits(self._held[0])):
            await self._handle(self._held.popleft())
        if self._held:  # a priority key waits again: the safety net watches this wait too
            self._watch_wait()
        else:
            self._wait = None
