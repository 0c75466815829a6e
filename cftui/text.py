"""The text both front ends show: glyphs, money, ages, durations, progress bars, truncation to terminal cells.

Neutral: no Textual import, so the dashboard (cftui.ui), the headless commands and the monitor's event sentences
all format through this one module. Everything a glyph says is also
said by a word, so the dashboard reads the same without colour (NO_COLOR, monochrome terminals, screen readers).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from rich.cells import cell_len, set_cell_size

from cftui.api.models import money_amount
from cftui.api.sanitize import one_line

__all__ = [
    "OPERATION_GLYPHS",
    "STATUS_GLYPHS",
    "age",
    "clock_time",
    "compact_duration",
    "cost_text",
    "countdown",
    "duration",
    "fit",
    "fit_right",
    "money",
    "money_json",
    "one_line",
    "operation_badge",
    "progress_bar",
    "short_money",
    "status_badge",
    "status_glyph",
    "status_severity",
    "truncate",
]

# Resource and project statuses. Unknown statuses get "?" and are shown with their own word.
STATUS_GLYPHS: dict[str, str] = {
    "running": "●",
    "active": "●",
    "stopped": "■",
    "pending": "◌",
    "provisioning": "◐",
    "error": "✖",
    "archived": "▪",
}
UNKNOWN_GLYPH = "?"

OPERATION_GLYPHS: dict[str, str] = {
    "pending": "◌",
    "in_progress": "▶",
    "completed": "✔",
    "failed": "✖",
    "cancelled": "⊘",
}

# severity classes used by the styles (`status--ok`, `status--warn`, ...)
_SEVERITY: dict[str, str] = {
    "running": "ok",
    "active": "ok",
    "completed": "ok",
    "stopped": "muted",
    "archived": "muted",
    "cancelled": "muted",
    "pending": "busy",
    "provisioning": "busy",
    "in_progress": "busy",
    "error": "error",
    "failed": "error",
}


def status_glyph(status: str) -> str:
    return STATUS_GLYPHS.get(status, UNKNOWN_GLYPH)


def status_badge(status: str) -> str:
    """Glyph and word, e.g. `✖ error`; an unknown status keeps its own (flattened) word."""
    return f"{status_glyph(status)} {one_line(status) or 'unknown'}"


def operation_badge(status: str) -> str:
    glyph = OPERATION_GLYPHS.get(status, UNKNOWN_GLYPH)
    return f"{glyph} {one_line(status).replace('_', ' ') or 'unknown'}"


def status_severity(status: str) -> str:
    """One of ok / muted / busy / error / unknown: the style class for a status."""
    return _SEVERITY.get(status, "unknown")


CENT = Decimal("0.01")
INVALID_MONEY = "invalid"


def money(value: Decimal | int | float | None, missing: str = "—") -> str:
    """`$12,500.00`, `-$3.10` (the sign before the currency); `missing` when the API did not say.

    cftui's one money format: the dashboard, the headless commands and the event sentences use it."""
    if value is None:
        return missing
    # never raises: a value no bill can have (non-finite, absurd; say from an old history row) reads "invalid"
    # instead of breaking `quantize`
    checked = money_amount(value)
    if checked is None:
        return INVALID_MONEY
    amount = checked.quantize(CENT, rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"


def money_json(value: Decimal | int | float | None) -> str | None:
    """Money in JSON, everywhere (status documents, event lines, the history): an exact decimal string with two
    decimals, `"25779.80"`, never a float; None when the API did not say. A non-finite amount stays as written."""
    if value is None:
        return None
    try:
        amount = Decimal(str(value))
        return str(amount.quantize(CENT, rounding=ROUND_HALF_UP)) if amount.is_finite() else str(amount)
    except (InvalidOperation, ValueError):  # 1e26 has more digits than quantize keeps: never raise, say it as is
        return str(value)


def short_money(amount: Decimal | int | float | None) -> str:
    """Compact cost for narrow columns: `$950`, `$12.5k`, `$1.2M`."""
    if amount is None:
        return "—"
    value = float(amount)
    sign = "-" if value < 0 else ""
    value = abs(value)
    if value >= 1_000_000:
        return f"{sign}${value / 1_000_000:.1f}M"
    if value >= 10_000:
        return f"{sign}${value / 1_000:.1f}k"
    return f"{sign}${value:,.0f}"


def duration(seconds: float | timedelta) -> str:
    """`42s`, `4m 05s`, `2h 03m`, `3d 04h`; negative durations count as zero."""
    total = seconds.total_seconds() if isinstance(seconds, timedelta) else float(seconds)
    whole = max(0, int(total))
    days, rest = divmod(whole, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours:02d}h"
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m {secs:02d}s"
    return f"{secs}s"


def compact_duration(seconds: float) -> str:
    """The headless lines' short duration, rounded: `45s`, `4m05s`, `2h03m` (the dashboard's `duration` spaces and
    floors: `4m 05s`)."""
    whole = round(seconds)
    if whole < 60:
        return f"{whole}s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def age(then: datetime | None, now: datetime) -> str:
    """How long ago: `just now`, `12s ago`, `3m ago`, `2h ago`, `4d ago`; `never` for None."""
    if then is None:
        return "never"
    seconds = (now - then).total_seconds()
    if seconds < 1:
        return "just now"
    if seconds < 60:
        return f"{int(seconds)}s ago"
    if seconds < 3_600:
        return f"{int(seconds // 60)}m ago"
    if seconds < 86_400:
        return f"{int(seconds // 3_600)}h ago"
    return f"{int(seconds // 86_400)}d ago"


def countdown(until: datetime | None, now: datetime) -> str:
    """Time left until `until`: `in 4m 05s`, or `now` once it has passed."""
    if until is None:
        return "—"
    seconds = (until - now).total_seconds()
    return "now" if seconds <= 0 else f"in {duration(seconds + 0.999)}"


def clock_time(moment: datetime | None) -> str:
    """`14:03:27` in the moment's own zone (UTC for API times)."""
    return "—" if moment is None else moment.strftime("%H:%M:%S")


def progress_bar(percent: int | float | None, width: int = 20) -> str:
    """`[██████░░░░░░░░░░░░░░]  30%` — the bar uses block glyphs, the number says it again in text."""
    value = max(0.0, min(100.0, float(percent or 0)))
    width = max(1, width)
    filled = round(value / 100 * width)
    return f"[{'█' * filled}{'░' * (width - filled)}] {int(value):3d}%"


def truncate(text: str, width: int) -> str:
    """Cut to `width` terminal cells with an ellipsis (after flattening to one line); wide characters count 2."""
    flat = one_line(text)
    if width <= 0:
        return ""
    if flat.isascii():  # one cell per character: the common case, and much cheaper
        return flat if len(flat) <= width else flat[: width - 1] + "…"
    if cell_len(flat) <= width:
        return flat
    return set_cell_size(flat, width - 1) + "…"


def fit(text: str, width: int) -> str:
    """Exactly `width` cells: truncated with an ellipsis, or padded with spaces on the right."""
    cut = truncate(text, width)
    return cut + " " * max(0, width - _cells(cut))


def fit_right(text: str, width: int) -> str:
    cut = truncate(text, width)
    return " " * max(0, width - _cells(cut)) + cut


def _cells(text: str) -> int:
    return len(text) if text.isascii() else cell_len(text)


def cost_text(subject: Any) -> str:
    """A project's or resource's monthly cost for display: `invalid` when the client refused the API's value (it
    could not be a bill: non-finite, negative, absurd), `—` when the API gave none."""
    missing = INVALID_MONEY if getattr(subject, "cost_invalid", False) else "—"
    return money(subject.monthly_cost, missing=missing)
