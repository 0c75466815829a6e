"""Hostile strings as the API might send them, and model objects built from them the way the client does."""

from __future__ import annotations

from typing import Any

from cftui.api.models import Operation, Project, Resource
from cftui.api.sanitize import sanitize_tree

MARKUP = "[bold red]x[/]"
CLICK = "[@click=app.quit]q"
TITLE_ESCAPE = "\x1b]2;pwned\x07"
CLEAR_SCREEN = "\x1b[2J"
BIDI = "evil\u202egnp.exe"
C1 = "c1\x9bcontrol"
HOSTILE_NAME = f"{MARKUP} {TITLE_ESCAPE}{CLEAR_SCREEN} {BIDI} {C1} oops [/] x list[int] 宽字符🙂"


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


# What rich itself writes to a terminal: colours (SGR), cursor hide/show, and Live's erase-line / cursor-up.
RICH_OWN_SEQUENCES = r"\x1b\[[0-9;]*m|\x1b\[\?25[hl]|\x1b\[2K|\x1b\[\d*A"


def assert_no_raw_controls(text: str, *, allow_sgr: bool = False) -> None:
    """No control character, C1 or bidi override reached the output; on a terminal only rich's own sequences
    (colours, cursor show/hide, erase line) are allowed, so a leaked `ESC[2J` or `ESC]2;` still fails."""
    import re

    if allow_sgr:
        text = re.sub(RICH_OWN_SEQUENCES, "", text)
    bad = [c for c in text if (ord(c) < 0x20 and c not in "\n\r") or 0x7F <= ord(c) <= 0x9F]
    bad += [c for c in text if 0x202A <= ord(c) <= 0x202E or 0x2066 <= ord(c) <= 0x2069]
    assert not bad, f"raw control characters in output: {sorted(set(bad))!r}"
