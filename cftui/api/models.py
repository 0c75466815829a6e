"""Typed, tolerant models of the CloudForge API v2 payloads.

Tolerance rules (the reference leaves much open): unknown fields are kept (and shown in the detail view),
unknown statuses and resource types are kept as they are, a timestamp without a zone is UTC and one that cannot
be read is None, costs are Decimal so cents stay exact. Every string has already been sanitised by the client
(`sanitize_tree`) before it reaches these models, extra fields included.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

# No CloudForge bill is negative or beyond this a month: such a number is a broken or hostile server, and is shown
# as invalid instead of being computed with (an Infinity or a 1e26 broke every later format and chart).
MAX_MONTHLY_COST = Decimal("1e12")
MAX_COUNT = 10**15  # a count beyond this is not a count (and int("1e999999999") would never end)
INVALID_COST_FIELD = "monthly_cost_invalid"  # where a refused cost's text is kept, for the detail view


def _lenient_datetime(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    elif isinstance(value, int | float) and not isinstance(value, bool):
        try:
            parsed = datetime.fromtimestamp(value, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    else:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    try:
        # in UTC from here on: 9999-12-31T23:59:59-23:59 has no UTC time, and failed every later format
        return parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def money_amount(value: Any) -> Decimal | None:
    """An amount of money cftui can compute with (a cost or a change of one), or None: not a number, non-finite,
    or beyond any bill in magnitude."""
    if value is None or isinstance(value, bool):
        return None
    try:
        # str() first so that a JSON float such as 30.37 keeps exactly its written digits
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, OverflowError):
        return None
    return number if number.is_finite() and abs(number) <= MAX_MONTHLY_COST else None


def cost_value(value: Any) -> Decimal | None:
    """A monthly cost cftui can compute with, or None: not a number, non-finite, negative or absurd."""
    number = money_amount(value)
    return number if number is not None and number >= 0 else None


def _lenient_decimal(value: Any) -> Decimal | None:
    return cost_value(value)


def _invalid_cost_text(value: Any) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _lenient_int(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
        if not number.is_finite() or abs(number) > MAX_COUNT:
            return None
        return int(number)
    except (InvalidOperation, ValueError, OverflowError):
        return None


def _text(value: Any) -> str:
    return "" if value is None else value if isinstance(value, str) else str(value)


def _optional_text(value: Any) -> str | None:
    return None if value is None else _text(value)


def _string_map(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {_text(k): _text(v) for k, v in value.items()}


def _any_map(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


Timestamp = Annotated[datetime | None, BeforeValidator(_lenient_datetime)]
Money = Annotated[Decimal | None, BeforeValidator(_lenient_decimal)]
Count = Annotated[int | None, BeforeValidator(_lenient_int)]
Text = Annotated[str, BeforeValidator(_text)]
OptionalText = Annotated[str | None, BeforeValidator(_optional_text)]
Tags = Annotated[dict[str, str], BeforeValidator(_string_map)]
Mapping = Annotated[dict[str, Any], BeforeValidator(_any_map)]


class ApiModel(BaseModel):
    """Base: immutable, keeps unknown fields (already sanitised) in `model_extra`."""

    model_config = ConfigDict(extra="allow", frozen=True)

    @property
    def extra_fields(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class CostedModel(ApiModel):
    """A payload with a `monthly_cost`: a value no bill can have is refused here, at the client boundary, and its
    text kept as the extra field `monthly_cost_invalid` (shown in the detail view; `cost_invalid` says so)."""

    @model_validator(mode="before")
    @classmethod
    def _refuse_impossible_cost(cls, data: Any) -> Any:
        if isinstance(data, dict):
            raw = data.get("monthly_cost")
            if raw is not None and cost_value(raw) is None:
                data = {**data, "monthly_cost": None, INVALID_COST_FIELD: _invalid_cost_text(raw)}
        return data

    @property
    def cost_invalid(self) -> bool:
        return INVALID_COST_FIELD in (self.model_extra or {})


# --- catalogue from the reference ---------------------------------------------------------------------

RESOURCE_CATEGORIES: dict[str, str] = {
    "compute_instance": "Compute",
    "container_cluster": "Compute",
    "function": "Compute",
    "vpc": "Network",
    "subnet": "Network",
    "load_balancer": "Network",
    "firewall": "Network",
    "block_storage": "Storage",
    "object_storage": "Storage",
    "file_storage": "Storage",
    "rds_instance": "Database",
    "nosql_database": "Database",
    "cache_cluster": "Database",
}
OTHER_CATEGORY = "Other"
RESOURCE_STATUSES = ("running", "stopped", "pending", "error", "provisioning")
PROJECT_STATUSES = ("active", "archived")
TERMINAL_OPERATION_STATUSES = frozenset({"completed", "failed", "cancelled"})


def category_of(resource_type: str) -> str:
    return RESOURCE_CATEGORIES.get(resource_type, OTHER_CATEGORY)


# --- payloads -----------------------------------------------------------------------------------------


class Project(CostedModel):
    id: Text
    name: Text = ""
    organization_id: OptionalText = None
    status: Text = "unknown"
    description: OptionalText = None
    created_at: Timestamp = None
    resource_count: Count = None
    monthly_cost: Money = None
    tags: Tags = Field(default_factory=dict)

    @property
    def is_archived(self) -> bool:
        return self.status == "archived"


class Resource(CostedModel):
    id: Text
    type: Text = "unknown"
    name: Text = ""
    status: Text = "unknown"
    provider: OptionalText = None
    region: OptionalText = None
    configuration: Mapping = Field(default_factory=dict)
    tags: Tags = Field(default_factory=dict)
    monthly_cost: Money = None
    created_at: Timestamp = None
    updated_at: Timestamp = None
    operation_id: OptionalText = None

    @property
    def category(self) -> str:
        return category_of(self.type)

    @property
    def is_problem(self) -> bool:
        """In `error`, or in a status the reference does not know: both deserve a look."""
        return self.status == "error" or self.status not in RESOURCE_STATUSES


class OperationLog(ApiModel):
    timestamp: Timestamp = None
    message: Text = ""


class Operation(ApiModel):
    id: Text
    type: Text = "unknown"
    status: Text = "unknown"
    progress: Count = None
    resource_id: OptionalText = None
    started_at: Timestamp = None
    estimated_completion: Timestamp = None
    logs: list[OperationLog] = Field(default_factory=list)

    @property
    def is_finished(self) -> bool:
        return self.status in TERMINAL_OPERATION_STATUSES

    @property
    def clamped_progress(self) -> int:
        return max(0, min(100, self.progress or 0))


class ListMeta(ApiModel):
    page: Count = None
    per_page: Count = None
    total: Count = None


class ErrorBody(ApiModel):
    code: Text = "unknown_error"
    message: Text = ""
    request_id: OptionalText = None
