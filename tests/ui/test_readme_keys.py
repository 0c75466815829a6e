"""The README's keys table and the dashboard's bindings agree both ways: every key the app binds (in its footer or
its help) is in the table, and every key the table names is bound (`z` and `:` were missing)."""

from __future__ import annotations

import re
from pathlib import Path

from cftui.ui.app import CloudForgeApp
from tests.ui.test_panes_docs import KEY_NAMES  # the one table of how keys are written in the docs

README = Path(__file__).resolve().parents[2] / "README.md"
RANGE = re.compile(r"`(\d)`-`(\d)`")


def readme_keys() -> set[str]:
    """The first column of the `### Keys` table, as key names: `` `s` / `S` `` gives s and S, `1`-`4` gives 1..4."""
    text = README.read_text(encoding="utf-8")
    table = text.split("### Keys", 1)[1].strip().split("\n\n", 1)[0]
    keys: set[str] = set()
    for row in table.splitlines()[2:]:
        cell = row.split("|")[1]
        for low, high in RANGE.findall(cell):
            keys.update(str(n) for n in range(int(low), int(high) + 1))
        cell = RANGE.sub("", cell)
        keys.update(re.findall(r"`([^`]+)`", cell))
        keys.update(word for word in re.findall(r"[A-Z][\w+]*(?:\+\w+)?", re.sub(r"`[^`]*`", "", cell)))
    return keys


def app_keys() -> set[str]:
    keys: set[str] = set()
    for binding in CloudForgeApp.BINDINGS:
        for key in binding.key.split(","):  # type: ignore[union-attr]
            keys.add(KEY_NAMES.get(key, key))
    return keys


def test_every_dashboard_key_is_in_the_readme_table_and_every_key_there_is_bound() -> None:
    table, bound = readme_keys(), app_keys()
    assert bound - table == set(), f"bound but not in the README's keys table: {sorted(bound - table)}"
    # the table also names the panes' own movement keys (j, k, h, l, g, G, arrows) and Enter
    movement = {"j", "k", "h", "l", "g", "G", "Enter"}
    assert table - bound - movement == set(), f"in the README's table but not bound: {sorted(table - bound - movement)}"
    assert {"z", ":"} <= table
