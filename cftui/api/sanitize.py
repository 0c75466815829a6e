"""Make text from the API safe to put on a terminal.

Nothing in Rich or Textual strips escape sequences, so every string that arrives from the API passes through
here, at the client boundary, before anything else sees it. Control characters, C1 controls, line and paragraph
separators and bidi overrides become visible escapes (`\\x1b`, `\\u202e`), so a hostile name is shown, not obeyed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

KEPT_CONTROLS = frozenset("\t\n")
# U+202A-U+202E embeddings/overrides and U+2066-U+2069 isolates reorder text; U+2028/9 break lines.
BIDI_AND_SEPARATORS = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x2028, 0x2029))


def _is_unsafe(char: str) -> bool:
    code = ord(char)
    if code < 0x20:
        return char not in KEPT_CONTROLS
    return code == 0x7F or 0x80 <= code <= 0x9F or char in BIDI_AND_SEPARATORS


def _visible_escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def sanitize_text(text: str) -> str:
    """Return `text` with every unsafe character replaced by a visible escape; tab and newline are kept."""
    if text.isprintable() and text.isascii():
        return text  # the common case: nothing to do
    return "".join(_visible_escape(c) if _is_unsafe(c) else c for c in text)


def one_line(text: str) -> str:
    """A sanitised string flattened for a single-line cell: newlines and tabs become visible too."""
    return sanitize_text(text).replace("\n", "\\n").replace("\t", " ")


def sanitize_tree(value: Any, scrub: Callable[[str], str] | None = None) -> Any:
    """Sanitise every string (keys included) in a decoded JSON value, recursively; then `scrub` each one (the
    client masks its key there, should a server echo it)."""
    if isinstance(value, str):
        return scrub(sanitize_text(value)) if scrub else sanitize_text(value)
    if isinstance(value, dict):
        return {sanitize_tree(str(k), scrub): sanitize_tree(v, scrub) for k, v in value.items()}
    if isinstance(value, list):
        return [sanitize_tree(v, scrub) for v in value]
    return value
