"""Shared output helpers: terminal detection, times and money as text, one-sentence errors, plain tables.

Every string that came from the API has already been sanitised by the client; plain output still passes it
through `one_line` so a cell can never break a line, and rich output wraps it in `Text` so no markup is parsed.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import TextIO

from rich.cells import cell_len

from cftui.api.keys import mask_key
from cftui.api.sanitize import one_line
from cftui.text import compact_duration, money_json, truncate

PLAIN_CELL_LIMIT = 48  # plain tables cut longer cells (with "…"); JSON always carries the whole value


def is_terminal(stream: TextIO | None = None) -> bool:
    stream = sys.stdout if stream is None else stream
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def format_time(moment: datetime | None) -> str:
    """ISO 8601 in UTC to the second, with a Z: the time column of every plain line."""
    if moment is None:
        return "-"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (OverflowError, ValueError):  # a time with no UTC equivalent (year 9999 at -23:59)
        return "-"


format_seconds = compact_duration  # the headless lines' short duration, from the one text module


def format_money(value: Decimal | None) -> str | None:
    """Exact cents as a string ("12500.00"), or None when the API gave no usable number (the JSON format)."""
    return money_json(value)


def say_error(command: str, sentence: str, stream: TextIO | None = None) -> None:
    """One line on stderr: `cftui <command>: <sentence>`, flattened so nothing it holds can break the line."""
    stream = sys.stderr if stream is None else stream
    print(f"cftui {command}: {mask_key(one_line(sentence))}", file=stream, flush=True)


def with_request_id(sentence: str, request_id: str | None) -> str:
    """Append the server's request id (what a person quotes to support) unless the sentence already holds it."""
    sentence = mask_key(sentence.rstrip())
    request_id = mask_key(request_id) if request_id else None  # a server may echo the key as its request id
    if request_id and request_id not in sentence:
        sentence = f"{sentence.rstrip('.')} (request id {request_id})."
    return sentence


def fit_cell(text: str, limit: int = PLAIN_CELL_LIMIT) -> str:
    """A sanitised single-line cell at most `limit` terminal cells wide (wide characters count double)."""
    return truncate(text, limit)


def plain_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], right_aligned: frozenset[int] = frozenset()
) -> str:
    """Columns padded to line up (by terminal cells), two spaces apart, no colour and no box drawing."""
    cells = [[fit_cell(c) for c in row] for row in rows]
    widths = [cell_len(h) for h in headers]
    for row in cells:
        for index, cell in enumerate(row):
            widths[index] = max(widths[index], cell_len(cell))

    def line(row: Sequence[str]) -> str:
        padded = []
        for index, cell in enumerate(row):
            gap = " " * (widths[index] - cell_len(cell))
            padded.append(gap + cell if index in right_aligned else cell + gap)
        return "  ".join(padded).rstrip()

    return "\n".join([line(headers), *(line(row) for row in cells)])


def silence_stdout() -> None:
    """After a closed pipe: point stdout at /dev/null so the interpreter's final flush cannot raise again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
