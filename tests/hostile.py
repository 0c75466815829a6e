"""The one catalogue of hostile text: what counts as hostile, the pieces tests plant in data, and how to tell
whether any of it got through.

Shared by the property tests, the headless-output checks, the widget tests and the real-terminal checks.
"""

from __future__ import annotations

import re

from hypothesis import strategies as st

# Characters that must never reach a terminal raw: C0 controls except tab and newline, DEL, C1 controls,
# bidi embeddings/overrides/isolates, and the Unicode line/paragraph separators.
UNSAFE_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
# ...and in a one-line cell not even tab or newline.
UNSAFE_IN_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")

# Pieces the simulator's --nasty world and these tests plant in data (see cftui/sim/nasty.py).
ESCAPE_PIECES = ("\x1b]2;pwned\x07", "\x1b[2J", "\x1b[31m", "\x1b[?1049h", "\x07", "\x9b31m", "\x9d0;t\x9c")
MARKUP_PIECES = ("[bold red]x[/]", "[@click=app.quit]click me[/]", "oops [/] x", "list[int]", "[link=file:///x]l[/]")
BIDI_PIECES = ("\u202etxt.exe", "\u2066isolated\u2069", "line\u2028sep")
WIDE_PIECES = ("数据库服务器", "🔥🚀💾", "e\u0301\u0301 zalgo", "👩‍👩‍👧‍👦")
HOSTILE_PIECES = ESCAPE_PIECES + MARKUP_PIECES + BIDI_PIECES + WIDE_PIECES

# Single pieces by name, and one name that carries them all.
MARKUP = "[bold red]x[/]"
CLICK = "[@click=app.quit]q"
TITLE_ESCAPE = "\x1b]2;pwned\x07"
CLEAR_SCREEN = "\x1b[2J"
BIDI = "evil\u202egnp.exe"
C1 = "c1\x9bcontrol"
HOSTILE_NAME = f"{MARKUP} {TITLE_ESCAPE}{CLEAR_SCREEN} {BIDI} {C1} oops [/] x list[int] 宽字符🙂"

# Resource and project names of the --nasty kind, as they arrive from the wire (the client sanitises them);
# the dashboard's widget tests and snapshots name things with these.
NASTY_RAW: dict[str, str] = {
    "markup": "[bold red]alert[/] db",
    "click": "[@click=app.quit]click me",
    "close": "oops [/] x",
    "generic": "list[int]",
    "title": "web\x1b]2;pwned\x07-1",
    "clear": "cache\x1b[2J\x1b[31m-red",
    "bidi": "invoice\u202egpj.exe",
    "wide": "数据库-🚀-サーバー",
    "long": "n" * 120 + "[b]" + "m" * 177,
}
NASTY_NAMES = list(NASTY_RAW.values())

# Raw byte sequences from the data that would act on a terminal if they got through. The app's own output
# never contains a title change naming "pwned", nor the C1 CSI/OSC bytes encoded as UTF-8.
DATA_SEQUENCES = (
    b"\x1b]2;pwned",
    b"pwned\x07",
    "\x9b".encode(),
    "\x9d".encode(),
    "\u202e".encode(),
    "\u2066".encode(),
)

# What rich itself writes to a terminal: colours (SGR), cursor hide/show, and Live's erase-line / cursor-up.
RICH_OWN_SEQUENCES = r"\x1b\[[0-9;]*m|\x1b\[\?25[hl]|\x1b\[2K|\x1b\[\d*A"


def hostile_text() -> st.SearchStrategy[str]:
    """Text mixing the known hostile pieces with arbitrary Unicode (controls and surrogate-free)."""
    arbitrary = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
    pieces = st.lists(st.one_of(st.sampled_from(HOSTILE_PIECES), arbitrary), min_size=1, max_size=4)
    return pieces.map("".join)


def leaked_sequences(output: bytes) -> list[bytes]:
    """The data's own escape sequences found in bytes written to a terminal or a pipe."""
    return [sequence for sequence in DATA_SEQUENCES if sequence in output]


def assert_no_raw_controls(text: str, *, allow_sgr: bool = False) -> None:
    """No control character, C1 or bidi override reached the output; on a terminal only rich's own sequences
    (colours, cursor show/hide, erase line) are allowed, so a leaked `ESC[2J` or `ESC]2;` still fails."""
    if allow_sgr:
        text = re.sub(RICH_OWN_SEQUENCES, "", text)
    bad = [c for c in text if (ord(c) < 0x20 and c not in "\n\r") or 0x7F <= ord(c) <= 0x9F]
    bad += [c for c in text if 0x202A <= ord(c) <= 0x202E or 0x2066 <= ord(c) <= 0x2069]
    assert not bad, f"raw control characters in output: {sorted(set(bad))!r}"
