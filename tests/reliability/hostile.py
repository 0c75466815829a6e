"""What counts as hostile, and how to tell whether any of it got through.

Shared by the property tests, the headless-output checks and the real-terminal checks.
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


def hostile_text() -> st.SearchStrategy[str]:
    """Text mixing the known hostile pieces with arbitrary Unicode (controls and surrogate-free)."""
    arbitrary = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
    pieces = st.lists(st.one_of(st.sampled_from(HOSTILE_PIECES), arbitrary), min_size=1, max_size=4)
    return pieces.map("".join)


def leaked_sequences(output: bytes) -> list[bytes]:
    """The data's own escape sequences found in bytes written to a terminal or a pipe."""
    return [sequence for sequence in DATA_SEQUENCES if sequence in output]
