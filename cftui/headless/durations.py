"""Durations as people type them: `90s`, `15m`, `1h`, `1h30m`, `2d`, or bare seconds."""

from __future__ import annotations

import argparse
import re

UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
PART = re.compile(r"(\d+(?:\.\d+)?)([smhdw])")


def parse_duration(text: str) -> float:
    """Seconds in `text`; raises ValueError with a sentence saying what is accepted."""
    cleaned = text.strip().lower()
    try:
        seconds = float(cleaned)
    except ValueError:
        seconds = None
    if seconds is None:
        parts = PART.findall(cleaned)
        if not parts or "".join(n + u for n, u in parts) != cleaned:
            raise ValueError(f"{text!r} is not a duration: use a number of seconds or e.g. 90s, 15m, 1h30m, 2d")
        seconds = sum(float(number) * UNIT_SECONDS[unit] for number, unit in parts)
    if seconds <= 0 or seconds != seconds or seconds == float("inf"):
        raise ValueError(f"{text!r} is not a positive duration")
    return seconds


def duration_argument(text: str) -> float:
    """argparse `type=` wrapper: a bad value becomes argparse's usual one-line error (exit 2)."""
    try:
        return parse_duration(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
