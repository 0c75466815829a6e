"""How wide a name column is: names get the room a table has left once its other columns are laid out, and the
subject's id appears beside its name when both fit whole (issue 13 item 7).

Pure arithmetic on terminal cells, shared by the project list and the resource tree.
"""

from __future__ import annotations

from rich.text import Text

from cftui.ui.format import fit, truncate

ID_GAP = 2  # cells between a name and its id


def name_room(room: int, longest_name: int, longest_id: int, minimum: int) -> tuple[int, bool]:
    """(cells for names, whether ids are shown after them) for `room` cells.

    Ids show when every name and every id fit whole; otherwise names take the room (never less than `minimum`,
    never more than the longest name: space past it is no use to a name)."""
    longest_name = max(longest_name, 1)
    if longest_id and longest_name + ID_GAP + longest_id <= room:
        return longest_name, True
    return max(minimum, min(room, longest_name)), False


def name_cell_text(name: str, subject_id: str, width: int, with_id: bool) -> Text:
    """The name cut to `width` cells (with `…`), then the id in dim when `with_id`."""
    if not with_id:
        return Text(truncate(name, width), no_wrap=True)
    shown = fit(name, width) + " " * ID_GAP
    text = Text(shown + subject_id, no_wrap=True)
    text.stylize("dim", len(shown))
    return text
