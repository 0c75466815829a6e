"""Copy an id: OSC 52 to the terminal (it travels over SSH to the one on the user's desk), and inside tmux also
into tmux's paste buffer, since tmux drops an application's OSC 52 by default (`set-clipboard external`).

`App.copy_to_clipboard` writes `ESC ] 52 ; c ; <base64> BEL`; many terminals honour it, some ignore it silently,
so the notification never claims more than cftui knows, says where the id went, and always shows the id: it can
be read (and selected) off the screen whatever happened to the copy.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Mapping
from typing import Any

from textual.app import App

from cftui.api.sanitize import one_line

TMUX_TIMEOUT_S = 2.0  # handing the id to tmux; past that the copy is reported as not done


def copy_id(app: App[Any], value: str | None, *, what: str = "id", environ: Mapping[str, str] | None = None) -> bool:
    """Copy `value` and say where it went; without one, say that instead. Returns whether there was one."""
    if not value:
        # said of the row, not of the selection: a category or type row in the tree is selected yet has no id
        app.notify(
            f"No {what} to copy: the cursor is not on a row that has one.",
            title="Copy",
            severity="warning",
            markup=False,
        )
        return False
    env = os.environ if environ is None else environ
    app.copy_to_clipboard(value)
    shown = one_line(value)
    if env.get("TMUX"):
        app.run_worker(_copy_in_tmux(app, value, what, shown, env), group="clipboard", exit_on_error=False)
    else:
        app.notify(
            f"{what.capitalize()} {shown} sent to your terminal's clipboard (OSC 52). If it does not paste, "
            "your terminal ignores OSC 52: copy it from here.",
            title="Copy",
            markup=False,
        )
    return True


async def _copy_in_tmux(app: App[Any], value: str, what: str, shown: str, env: Mapping[str, str]) -> None:
    # `-w` (tmux 3.2+) also hands the buffer to the outer terminal's clipboard; older tmux refuses the flag
    problem = await load_tmux_buffer(value, env, to_clipboard=True)
    with_clipboard = problem is None
    if problem is not None and "-w" in problem:
        problem = await load_tmux_buffer(value, env, to_clipboard=False)
    if problem is None:
        where = "tmux's paste buffer and, through tmux, your clipboard" if with_clipboard else "tmux's paste buffer"
        app.notify(f"Copied {what} {shown} to {where} (prefix ] pastes it).", title="Copy", markup=False)
    else:
        app.notify(
            f"{what.capitalize()} {shown} could not be handed to tmux ({problem}); it was sent with OSC 52, which "
            "tmux drops unless `set -g set-clipboard on`: copy it from here.",
            title="Copy",
            severity="warning",
            markup=False,
        )


async def load_tmux_buffer(value: str, env: Mapping[str, str], *, to_clipboard: bool) -> str | None:
    """`tmux load-buffer [-w] -` with the value on stdin; None when tmux took it, else why not (one line)."""
    argv = ["tmux", "load-buffer", *(["-w"] if to_clipboard else []), "-"]
    try:
        process = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
            env=dict(env),
        )
    except OSError as error:
        return "tmux was not found" if isinstance(error, FileNotFoundError) else one_line(str(error))[:120]
    try:
        _, stderr = await asyncio.wait_for(process.communicate(value.encode()), TMUX_TIMEOUT_S)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()
        return f"tmux did not answer within {TMUX_TIMEOUT_S:g} s"
    if process.returncode != 0:
        said = one_line(stderr.decode("utf-8", "replace").strip())[:120]
        return said or f"tmux exited with status {process.returncode}"
    return None
