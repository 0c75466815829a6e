"""Faults the simulator can inject into /v2 responses, set by flags or through `/_sim/faults`."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from cftui.sim.keys import mask_key

PROXY_STATUSES = (500, 502, 503, 504)
RATES = ("error_rate", "hang_rate", "drop_rate", "truncate_rate")


@dataclass
class Faults:
    latency_ms: float = 0.0
    error_rate: float = 0.0
    error_status: int = 500
    hang_rate: float = 0.0
    hang_seconds: float = 600.0
    drop_rate: float = 0.0
    truncate_rate: float = 0.0
    revoked_keys: list[str] = field(default_factory=list)
    rate_limit_storm_seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def shown(self) -> dict[str, Any]:
        """The faults as the control endpoint shows them: revoked keys masked, like every key anywhere."""
        return {**self.to_dict(), "revoked_keys": [mask_key(key) for key in self.revoked_keys]}

    def merged(self, changes: Any) -> Faults:
        """A copy with `changes` applied; ValueError naming the field when a value is not acceptable."""
        if not isinstance(changes, dict):
            raise ValueError("faults must be a JSON object")
        known = {f.name for f in fields(self)}
        values = self.to_dict()
        for name, value in changes.items():
            if name not in known:
                raise ValueError(f"unknown fault {name!r}; known: {', '.join(sorted(known))}")
            values[name] = _checked(name, value)
        return Faults(**values)


def _checked(name: str, value: Any) -> Any:
    if name == "revoked_keys":
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ValueError("revoked_keys must be a list of strings")
        return list(value)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number")
    if name in RATES and not 0 <= value <= 1:
        raise ValueError(f"{name} must be between 0 and 1")
    if name == "error_status":
        if value not in PROXY_STATUSES:
            raise ValueError(f"error_status must be one of {', '.join(map(str, PROXY_STATUSES))}")
        return int(value)
    if value < 0:
        raise ValueError(f"{name} must not be negative")
    return float(value)
