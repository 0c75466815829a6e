"""Pure text helpers shared by every pane: glyphs, money, ages, durations, progress bars.

No Textual import here, so the headless commands and tests can use these too. Everything a glyph says is also
said by a word, so the dashboard reads the same without colour (NO_COLOR, monochrome terminals, screen readers).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from rich.cells import cell_len, set_cell_size

from cftui.api.sanitize import one_line
from cftui.monitor import summaries

__all__ = [
    "OPERATION_GLYPHS",
    "STATUS_GLYPHS",
    "age",
    "clock_time",
    "countdown",
    "duration",
    "fit",
    "fit_right",
    "money",
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


def money(amount: Decimal | int | float | None) -> str:
    """`$12,500.00`; `—` when the API did not say (cftui's one money format, with the dashboard's dash)."""
    return summaries.money(amount, missing="—")


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
