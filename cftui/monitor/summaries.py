"""Short human sentences for change events (money in the one format of `cftui.text`)."""

from __future__ import annotations

from decimal import Decimal

from cftui import text
from cftui.api.models import Operation, money_amount
from cftui.text import money_json

__all__ = ["money", "money_json"]  # and the sentences below; importers of money here predate cftui.text


def money(value: Decimal | int | float | None, missing: str = "?") -> str:
    """`cftui.text.money`, with `?` for an amount the API did not give (what event sentences say)."""
    return text.money(value, missing)


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
