"""Model objects built from API-shaped fields the way the client builds them (sanitised, then validated)."""

from __future__ import annotations

from typing import Any

from cftui.api.models import Operation, Project, Resource
from cftui.api.sanitize import sanitize_tree


def project(**fields: Any) -> Project:
    base = {"id": "proj_1", "name": "prod", "status": "active", "resource_count": 2, "monthly_cost": 12.5}
    return Project.model_validate(sanitize_tree({**base, **fields}))


def resource(**fields: Any) -> Resource:
    base = {"id": "res_1", "type": "compute_instance", "name": "web-1", "status": "running", "provider": "aws",
            "region": "us-west-2", "monthly_cost": 30.37}  # fmt: skip
    return Resource.model_validate(sanitize_tree({**base, **fields}))


def operation(**fields: Any) -> Operation:
    base = {"id": "op_1", "type": "update_resource", "status": "in_progress", "progress": 10, "resource_id": "res_1",
            "logs": []}  # fmt: skip
    return Operation.model_validate(sanitize_tree({**base, **fields}))
