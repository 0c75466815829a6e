"""The text of an events-feed line, and the whole text of one event (what the highlighted line shows in full).

No Textual here: the feed draws these, tests read them back.
"""

from __future__ import annotations

from cftui.api.sanitize import one_line
from cftui.monitor.events import ChangeEvent, EventKind, Severity
from cftui.ui.format import clock_time

SUMMARY_WIDTH = 200  # a 300-character name should not make every line scroll sideways

KIND_GLYPHS: dict[EventKind, str] = {
    EventKind.RESOURCE_CREATED: "+",
    EventKind.RESOURCE_DELETED: "−",
    EventKind.RESOURCE_STATUS_CHANGED: "⇄",
    EventKind.RESOURCE_UPDATED: "✎",
    EventKind.COST_CHANGED: "$",
    EventKind.COST_THRESHOLD_EXCEEDED: "$!",
    EventKind.OPERATION_PROGRESS: "▶",
    EventKind.OPERATION_COMPLETED: "✔",
    EventKind.OPERATION_FAILED: "✖",
    EventKind.PUSH_CONTRADICTED: "?!",
}
PUSH_MARK = "pushed "  # a change a webhook delivery told of (before polling saw it); a word, so it reads uncoloured
SEVERITY_WORDS: dict[Severity, str] = {Severity.ERROR: "ERROR ", Severity.WARNING: "WARN ", Severity.INFO: ""}


def event_summary(event: ChangeEvent) -> str:
    """The event's sentence, or one built from its facts; always a single, bounded line of text."""
    summary = event.summary
    if not summary:
        change = f"{event.old} -> {event.new}" if event.old is not None or event.new is not None else ""
        summary = f"{event.subject_name or event.subject_id}: {event.kind.value} {change}".strip()
    flat = one_line(summary)
    return flat if len(flat) <= SUMMARY_WIDTH else flat[: SUMMARY_WIDTH - 1] + "…"


def event_body(event: ChangeEvent, project: str | None = None) -> str:
    """What happened first, then whose it is: `running -> error · web-1`, or `running -> error ·
    data-platform/web-1` for a resource of another project than the selected one, so a line cut at the pane's
    width still says what happened."""
    summary = event_summary(event)
    name = one_line(event.subject_name or "")
    subject = f"{project}/{name}" if project and name else name or (project or "")
    lead = f"{name}: "
    if name and summary.startswith(lead) and len(summary) > len(lead):
        return f"{summary[len(lead) :]} · {subject}"
    return f"{summary} · {project}" if project else summary


def event_line_text(event: ChangeEvent, project: str | None = None) -> str:
    """The plain text of a feed line (also what tests read back)."""
    glyph = KIND_GLYPHS.get(event.kind, "•")
    mark = PUSH_MARK if event.source == "push" else ""
    severity = SEVERITY_WORDS.get(event.severity, "")
    return f"{clock_time(event.at)} {glyph:<2} {mark}{severity}{event_body(event, project)}"


def went_to_error(event: ChangeEvent) -> bool:
    return event.kind is EventKind.RESOURCE_STATUS_CHANGED and event.new == "error"


def event_full_text(event: ChangeEvent, project: str | None) -> str:
    """Everything the event says, uncut, what happened first: severity, change, subject (name and id), project
    (name and id), kind, date and time."""
    parts: list[str] = []
    if event.severity is not Severity.INFO:
        parts.append(event.severity.value.upper())
    name, subject_id = one_line(event.subject_name or ""), one_line(event.subject_id)
    what = one_line(event.summary)
    if name and what.startswith(f"{name}: "):
        what = what[len(name) + 2 :]
    if not what and (event.old is not None or event.new is not None):
        new = one_line(event.new or "?")
        what = f"{one_line(event.old)} -> {new}" if event.old else f"found in {new}"
    parts.append(what)
    parts.append(f"{name} ({subject_id})" if name and name != subject_id else subject_id)
    project_id = one_line(event.project_id or "")
    if project:
        parts.append(f"project {project}" + (f" ({project_id})" if project_id and project_id != project else ""))
    parts += [event.kind.value, event.at.strftime("%Y-%m-%d %H:%M:%S UTC")]
    if event.source == "push":
        parts.append("from a webhook delivery")
    return " · ".join(part for part in parts if part)
