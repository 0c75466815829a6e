"""Where each resource stands in the resource tree: the sort modes (`s` cycles `SORT_MODES`), the grouped order
(category, type, name), the counts a group's label shows, and what counts as a change of a row. No widget here."""

from __future__ import annotations

from collections.abc import Iterable

from cftui.api.models import OTHER_CATEGORY, RESOURCE_CATEGORIES, Resource

CATEGORY_ORDER = [*dict.fromkeys(RESOURCE_CATEGORIES.values()), OTHER_CATEGORY]
# name: the tree, grouped by category and type, names A-Z; cost: one flat list, most expensive first (no cost
# last); status: one flat list, problems first (error, unknown statuses, then provisioning, pending, stopped,
# running), the most expensive first within a status
SORT_MODES = ("name", "cost", "status")
STATUS_RANK = {"error": 0, "provisioning": 2, "pending": 3, "stopped": 4, "running": 5}
UNKNOWN_STATUS_RANK = 1  # a status the reference does not know is a problem: right after `error`

GroupKey = tuple[str, ...]  # (category,) or (category, type)


def sort_key(resource: Resource, mode: str) -> tuple[object, ...]:
    """Where a resource stands among its siblings (the whole list when flat) in a sort mode."""
    name = (resource.name.casefold(), resource.id)
    cost = resource.monthly_cost
    if mode == "cost":
        return (cost is None, -(cost or 0), *name)
    if mode == "status":
        return (STATUS_RANK.get(resource.status, UNKNOWN_STATUS_RANK), cost is None, -(cost or 0), *name)
    return name


def tree_key(resource: Resource, mode: str) -> tuple[object, ...]:
    """Where a resource stands in the whole tree: flat (cost, status) by `sort_key`, grouped (name) by its
    category, type and name."""
    if mode != "name":
        return sort_key(resource, mode)
    return (CATEGORY_ORDER.index(resource.category), resource.type, resource.name.casefold(), resource.id)


def fingerprint(resource: Resource) -> tuple[object, ...]:
    """What a change is judged on: the row's contents, plus `updated_at`, which the API moves on any change.

    Much cheaper than comparing whole models, which matters at 5,000 resources a refresh.
    """
    return (
        resource.status,
        resource.name,
        resource.monthly_cost,
        resource.type,
        resource.provider,
        resource.region,
        resource.operation_id,
        resource.updated_at,
    )


def group_counts(resources: Iterable[Resource]) -> dict[GroupKey, tuple[int, int]]:
    """Resources and problems per category and per (category, type)."""
    counts: dict[GroupKey, list[int]] = {}
    for resource in resources:
        for key in ((resource.category,), (resource.category, resource.type)):
            pair = counts.setdefault(key, [0, 0])
            pair[0] += 1
            pair[1] += int(resource.is_problem)
    return {key: (count, problems) for key, (count, problems) in counts.items()}
