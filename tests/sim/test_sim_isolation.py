"""The simulator is the other side of the contract: it never imports cftui's client, monitor or UI."""

from __future__ import annotations

import ast
from pathlib import Path

import cftui.sim

FORBIDDEN = ("cftui.api", "cftui.monitor", "cftui.ui", "cftui.config", "cftui.headless", "textual")


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_simulator_imports_nothing_from_the_client_side() -> None:
    files = sorted(Path(cftui.sim.__file__).parent.glob("*.py"))
    assert len(files) > 10
    for path in files:
        for name in imported_modules(path):
            assert not any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN), f"{path.name}: {name}"


def test_cli_default_seed_is_the_generators() -> None:
    from cftui.sim import cli, generate

    assert cli.DEFAULT_SEED == generate.DEFAULT_SEED
