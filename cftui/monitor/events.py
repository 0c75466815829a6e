"""Change events: what the monitor saw change between two snapshots.

Kinds are named like the reference's webhook events, so a line of `cftui events` reads like a webhook.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class EventKind(StrEnum):
    RESOURCE_CREATED = "resource.created"
    RESOURCE_DELETED = "resource.deleted"
    RESOURCE_STATUS_CHANGED = "resource.status_changed"
    RESOURCE_UPDATED = "resource.updated"
    COST_CHANGED = "cost.changed"
    COST_THRESHOLD_EXCEEDED = "cost.threshold_exceeded"
    OPERATION_PROGRESS = "operation.progress"
    OPERATION_COMPLETED = "operation.completed"
    OPERATION_FAILED = "operation.failed"
    # Added by the monitor engine: changes to the project list itself (the simulator journals these too).
    PROJECT_CREATED = "project.created"
    PROJECT_DELETED = "project.deleted"
    PROJECT_UPDATED = "project.updated"
    # Added by the webhook receiver: a pushed change the API did not confirm (a targeted GET said otherwise).
    PUSH_CONTRADICTED = "push.contradicted"


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class ChangeEvent:
    """One real change, seen once. All text in it came through the sanitising client."""

    kind: EventKind
    at: datetime  # when cftui observed the change (aware, UTC)
    subject_id: str  # the resource, project or operation the change is about
    subject_name: str
    project_id: str | None = None
    old: str | None = None  # previous status / cost, as text
    new: str | None = None
    severity: Severity = Severity.INFO
    summary: str = ""  # one human sentence, e.g. "web-1: running -> error"
    data: dict[str, Any] = field(default_factory=dict)  # extra facts (operation progress, threshold, ...)
    source: str = "poll"  # "poll": seen by polling; "push": a verified webhook delivery (not yet confirmed)

    def to_json(self) -> dict[str, Any]:
        """The stable JSON shape used by `cftui events --format jsonl` and the history database."""
        return {
            "kind": self.kind.value,
            "at": self.at.isoformat().replace("+00:00", "Z"),
            "subject_id": self.subject_id,
            "subject_name": self.subject_name,
            "project_id": self.project_id,
            "old": self.old,
            "new": self.new,
            "severity": self.severity.value,
            "summary": self.summary,
            "data": self.data,
            "source": self.source,
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> ChangeEvent:
        return cls(
            kind=EventKind(raw["kind"]),
            at=datetime.fromisoformat(str(raw["at"]).replace("Z", "+00:00")),
            subject_id=str(raw["subject_id"]),
            subject_name=str(raw.get("subject_name", "")),
            project_id=raw.get("project_id"),
            old=raw.get("old"),
            new=raw.get("new"),
            severity=Severity(raw.get("severity", "info")),
            summary=str(raw.get("summary", "")),
            data=dict(raw.get("data") or {}),
            source="push" if raw.get("source") == "push" else "poll",
        )
