"""No module but `cftui/ui/textual_adapter.py` uses a Textual private (a name starting with `_`).

Two ways to use one: a widget, screen or app class that overrides, sets or reads a private of its Textual base
class (found by comparing each class's source with the sources of the Textual classes it inherits from), and an
access such as `node._children` on some other Textual object (any `._name` that Textual's own code uses and cftui
never defines).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from functools import cache
from pathlib import Path

import textual
from textual.dom import DOMNode

import cftui

ADAPTER = "cftui.ui.textual_adapter"
ROOT = Path(cftui.__file__).resolve().parent
NAMES = re.compile(r"\bself\.(_[a-zA-Z]\w*)|^\s*def (_[a-zA-Z]\w*)\(|^    (_[a-zA-Z]\w*)\s*[:=]", re.MULTILINE)
# no access to a Textual private is tolerated outside the adapter (help.py reads the public BINDINGS now)
PENDING: set[tuple[str, str]] = set()
OTHER_ACCESS = re.compile(r"\b(?!self\b|cls\b)([a-zA-Z_]\w*)\)?\.(_[a-zA-Z]\w*)\b")
# `import os` then `os._exit(...)`: a module that is not Textual's may have its own underscored names
PLAIN_IMPORT = re.compile(r"^\s*import (?!textual)(\w+)", re.MULTILINE)


def _names(source: str) -> set[str]:
    return {a or b or c for a, b, c in NAMES.findall(source)}


def _modules() -> list[str]:
    return [
        m.name
        for m in pkgutil.walk_packages(cftui.__path__, "cftui.")
        if m.name != ADAPTER and not m.name.endswith("__main__")  # importing that one would run the CLI
    ]


@cache
def _base_names(base: type) -> frozenset[str]:
    """A Textual class's names, read once: every cftui widget shares Widget, DOMNode, MessagePump... in its MRO."""
    return frozenset(_names(inspect.getsource(base)))


def _textual_privates() -> set[str]:
    names: set[str] = set()
    for path in Path(textual.__file__).parent.rglob("*.py"):
        names |= _names(path.read_text(encoding="utf-8", errors="replace"))
    return names


def test_no_textual_subclass_touches_a_private_of_its_base() -> None:
    offenders: list[str] = []
    for name in _modules():
        if not name.startswith("cftui.ui"):
            continue  # api, monitor, headless and sim never import textual (tests/monitor/test_imports.py)
        module = importlib.import_module(name)
        for cls in vars(module).values():
            if not (inspect.isclass(cls) and cls.__module__ == name and issubclass(cls, DOMNode)):
                continue
            inherited: set[str] = set()
            for base in cls.__mro__:
                if base.__module__.split(".")[0] == "textual":
                    inherited |= _base_names(base)
            clash = _names(inspect.getsource(cls)) & inherited
            if clash:
                offenders.append(f"{name}.{cls.__name__}: {sorted(clash)}")
    assert not offenders, f"Textual privates used outside {ADAPTER}: {offenders}"


def test_no_module_reaches_into_another_textual_object() -> None:
    sources = {
        str(path.relative_to(ROOT.parent)): path.read_text(encoding="utf-8")
        for path in ROOT.rglob("*.py")
        if path != ROOT / "ui" / "textual_adapter.py"
    }
    ours: set[str] = set()
    for source in sources.values():
        ours |= _names(source)
    theirs = _textual_privates() - ours
    offenders = [
        f"{name}: {receiver}.{attribute}"
        for name, source in sources.items()
        for receiver, attribute in OTHER_ACCESS.findall(source)
        if attribute in theirs and (name, attribute) not in PENDING and receiver not in PLAIN_IMPORT.findall(source)
    ]
    assert not offenders, f"Textual privates used outside {ADAPTER}: {offenders}"
