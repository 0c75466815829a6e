"""Hostile but valid data for `--nasty`: what a careless client would render, obey or crash on.

Every string is valid JSON once encoded; the danger is in what a terminal or a markup parser does with it.
"""

from __future__ import annotations

import random
from typing import Any

MARKUP = ("[bold red]x[/]", "[@click=app.quit]click me[/]", "oops [/] x", "list[int]", "[link=file:///etc/passwd]l[/]")
ESCAPES = ("\x1b]2;pwned\x07", "\x1b[2J", "\x1b[31mred", "\x1b[?1049h", "bell\x07", "back\x08space")
C1_CONTROLS = ("c1\x85next", "csi\x9b31m", "osc\x9d0;t\x9c")
BIDI = ("\u202etxt.exe", "\u2066isolated\u2069", "\u202dforced\u202c", "line\u2028sep")
WIDE = ("数据库服务器", "🔥🚀💾", "ｆｕｌｌｗｉｄｔｈ", "e\u0301\u0301\u0301 zalgo", "👩‍👩‍👧‍👦 family")
HOSTILE_PIECES = MARKUP + ESCAPES + C1_CONTROLS + BIDI + WIDE

# The extra project of a --nasty world: markup, an escape that retitles the terminal, a bidi override, emoji.
HOSTILE_PROJECT_NAME = "[bold red]prod[/] \x1b]2;pwned\x07\u202eyrtsudni 🔥 [@click=app.quit]x"

UNKNOWN_STATUSES = ("degraded", "hibernating", "[blink]zombie[/]", "migrating\x1b[2J")
UNKNOWN_TYPES = ("quantum_accelerator", "gpu_cluster", "[red]mainframe[/]", "edge\x1b]2;type\x07node")
NASTY_OPERATION_TYPES = ("[bold]reboot[/]", "snapshot\x1b[2J", "migrate_\u202eresource")


def nasty_text(rng: random.Random, base: str = "") -> str:
    """`base` with one or two hostile pieces mixed in (sometimes padded to 300 characters)."""
    pieces = [base] if base else []
    pieces += rng.sample(HOSTILE_PIECES, k=rng.randint(1, 2))
    rng.shuffle(pieces)
    text = " ".join(pieces)
    if rng.random() < 0.15:
        text = (text + " " + "very-long-name-" * 25)[:300]
    return text


def long_name(rng: random.Random) -> str:
    stem = rng.choice(("a", "ü", "名", "[x]"))
    return (stem * 300)[:300]


def extra_fields(rng: random.Random) -> dict[str, Any]:
    """Unknown fields a future API version might add, nested and hostile."""
    return {
        "x_vendor_meta": {
            "nested": {"deep": [1, "two", {"k": rng.choice(HOSTILE_PIECES)}], "none": None},
            "flags": ["[bold]", "\x1b[0m"],
        },
        "x_score": rng.choice(("42", 42, 4.2e-7, "NaN-ish")),
    }


def nasty_configuration(rng: random.Random, configuration: dict[str, Any]) -> dict[str, Any]:
    """Configuration with numbers turned into strings and a hostile value added."""
    result: dict[str, Any] = {}
    for key, value in configuration.items():
        is_number = isinstance(value, int | float) and not isinstance(value, bool)
        result[key] = str(value) if is_number else value
    result[rng.choice(("[i]note[/]", "note\x1b[2J", "備考"))] = nasty_text(rng)
    return result


def nasty_tags(rng: random.Random, tags: dict[str, str]) -> dict[str, str]:
    result = dict(tags)
    result[rng.choice(("[bold]owner[/]", "owner\x1b]2;x\x07", "\u202eenv"))] = nasty_text(rng)
    return result
