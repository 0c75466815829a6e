"""The one error of the settings: a sentence that says what to change, with every key in it masked."""

from __future__ import annotations

from cftui.api.keys import mask_key


class ConfigError(Exception):
    """Settings cftui cannot use. The message is a sentence that says what to change (keys masked)."""

    def __init__(self, message: str) -> None:
        super().__init__(mask_key(message))
