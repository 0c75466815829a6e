"""The events feed's filter: words typed after `/` in the Events pane, matched against each event.

`kind:status` (or created, deleted, updated, cost, operation, project: any part of the kind's name),
`sev:error` / `severity:warn` (error, warn, info), `project:shop` (a part of the project's name or id), and any
other word, found in the line's text. Several words of one kind: any of them; words of different kinds: all.
Case is ignored. No Textual here: it is plain data, tested on its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from cftui.monitor.events import ChangeEvent, Severity

SEVERITY_NAMES = {"error": Severity.ERROR, "err": Severity.ERROR, "warn": Severity.WARNING}
SEVERITY_NAMES |= {"warning": Severity.WARNING, "info": Severity.INFO}


@dataclass(frozen=True, slots=True)
class EventFilter:
    kinds: tuple[str, ...] = ()
    severities: frozenset[Severity] = frozenset()
    projects: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()  # words that mean nothing (an unknown severity): said, not silently dropped

    @property
    def active(self) -> bool:
        return bool(self.kinds or self.severities or self.projects or self.words)

    def matches(self, event: ChangeEvent, project_name: str, line: str) -> bool:
        if self.kinds and not any(kind in event.kind.value for kind in self.kinds):
            return False
        if self.severities and event.severity not in self.severities:
            return False
        if self.projects:
            where = f"{project_name} {event.project_id or ''}".casefold()
            if not any(project in where for project in self.projects):
                return False
        text = line.casefold()
        return all(word in text for word in self.words)

    def describe(self) -> str:
        parts = [f"kind:{k}" for k in self.kinds] + [f"sev:{s.value}" for s in sorted(self.severities)]
        parts += [f"project:{p}" for p in self.projects] + list(self.words)
        return " ".join(parts)


def parse_event_filter(text: str) -> EventFilter:
    kinds: list[str] = []
    severities: set[Severity] = set()
    projects: list[str] = []
    words: list[str] = []
    problems: list[str] = []
    for word in text.casefold().split():
        key, _, value = word.partition(":")
        if key == "kind" and value:
            kinds.append(value)
        elif key in ("sev", "severity") and value:
            severity = SEVERITY_NAMES.get(value)
            if severity is None:
                problems.append(word)
            else:
                severities.add(severity)
        elif key == "project" and value:
            projects.append(value)
        else:
            words.append(word)
    return EventFilter(tuple(kinds), frozenset(severities), tuple(projects), tuple(words), tuple(problems))
