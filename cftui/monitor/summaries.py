"""Short human sentences for change events, and the one money format every front end uses."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from cftui.api.models import Operation, money_amount

CENT = Decimal("0.01")
INVALID_MONEY = "invalid"


def money(value: Decimal | int | float | None, missing: str = "?") -> str:
    """`$12,500.00`, `-$3.10` (the sign before the currency); `missing` when the API did not say.

    The single home of cftui's money format: the dashboard, the headless commands and event sentences import it.
    """
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


def percent_change(old: Decimal | None, new: Decimal | None) -> str:
    old, new = money_amount(old), money_amount(new)
    if old is None or new is None or old == 0:
        return ""
    change = (new - old) / old * 100
    return f" ({change:+.1f}%)"


def status_sentence(name: str, old: str | None, new: str) -> str:
    """`web-1: running -> error`; a resource never seen before has no old status: `web-1: found in error`."""
    return f"{name}: {old} -> {new}" if old else f"{name}: found in {new}"


def cost_sentence(name: str, old: Decimal | None, new: Decimal | None) -> str:
    return f"{name}: {money(old)} -> {money(new)} a month{percent_change(old, new)}"


def fields_sentence(name: str, fields: list[str]) -> str:
    return f"{name}: {', '.join(fields)} changed"


def operation_label(operation: Operation, subject_name: str) -> str:
    return f"{operation.type} on {subject_name}" if subject_name else f"{operation.type} {operation.id}"


def operation_sentence(operation: Operation, subject_name: str) -> str:
    label = operation_label(operation, subject_name)
    if operation.status == "completed":
        return f"{label} completed"
    if operation.status in ("failed", "cancelled"):
        reason = operation.extra_fields.get("error")
        return f"{label} {operation.status}" + (f": {reason}" if isinstance(reason, str) and reason else "")
    return f"{label}: {operation.status} {operation.clamped_progress}%"
