"""The resource filter language: `type:vpc tag:env:prod status:error web`.

Words are separated by spaces. `type:T` keeps resources of type T (several `type:` words: any of them);
`tag:KEY:VALUE` keeps resources whose tag KEY equals VALUE, `tag:KEY` those that have the tag at all (several
`tag:` words: all of them); `status:S` keeps that status (several: any). A status word may be cut to a unique
prefix of one of the reference's statuses (`status:err` is `status:error`; `status:p` could be `pending` or
`provisioning`, so it stays as typed and matches only a status spelled `p`). Every other word must appear in the
resource's name, id, type, provider or region. Matching ignores case. Pure Python: no Textual here.
"""

from __future__ import annotations

from dataclasses import dataclass

from cftui.api.models import RESOURCE_STATUSES, Resource


@dataclass(frozen=True, slots=True)
class ResourceFilter:
    words: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    tags: tuple[tuple[str, str | None], ...] = ()
    problems_only: bool = False

    @property
    def active(self) -> bool:
        return bool(self.words or self.types or self.statuses or self.tags or self.problems_only)

    def matches(self, resource: Resource) -> bool:
        if self.problems_only and not resource.is_problem:
            return False
        if self.types and resource.type.casefold() not in self.types:
            return False
        if self.statuses and resource.status.casefold() not in self.statuses:
            return False
        if self.tags:
            tags = {k.casefold(): v.casefold() for k, v in resource.tags.items()}
            for key, value in self.tags:
                if key not in tags or (value is not None and tags[key] != value):
                    return False
        if self.words:
            haystack = " ".join(
                (resource.name, resource.id, resource.type, resource.provider or "", resource.region or "")
            ).casefold()
            return all(word in haystack for word in self.words)
        return True

    def describe(self) -> str:
        """The filter as the user would type it, for the pane title."""
        parts = [f"type:{t}" for t in self.types] + [f"status:{s}" for s in self.statuses]
        parts += [f"tag:{k}" if v is None else f"tag:{k}:{v}" for k, v in self.tags]
        parts += list(self.words)
        if self.problems_only:
            parts.append("problems only")
        return " ".join(parts)


def expand_status(word: str) -> str:
    """The reference status `word` is a unique prefix of, else `word` itself (exact names always win)."""
    if word in RESOURCE_STATUSES:
        return word
    candidates = [status for status in RESOURCE_STATUSES if status.startswith(word)]
    return candidates[0] if len(candidates) == 1 else word


def parse_filter(text: str, *, problems_only: bool = False) -> ResourceFilter:
    words: list[str] = []
    types: list[str] = []
    statuses: list[str] = []
    tags: list[tuple[str, str | None]] = []
    for token in text.casefold().split():
        prefix, _, rest = token.partition(":")
        if prefix == "type" and rest:
            types.append(rest)
        elif prefix == "status" and rest:
            statuses.append(expand_status(rest))
        elif prefix == "tag" and rest:
            key, sep, value = rest.partition(":")
            tags.append((key, value if sep else None))
        else:
            words.append(token)
    return ResourceFilter(tuple(words), tuple(types), tuple(statuses), tuple(tags), problems_only)
