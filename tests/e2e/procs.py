"""Find the simulator a `cftui --demo` started, by walking /proc (no psutil needed)."""

from __future__ import annotations

from pathlib import Path


def _stat_fields(pid: int) -> list[str] | None:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def is_running(pid: int) -> bool:
    """Alive and not a zombie waiting to be reaped."""
    fields = _stat_fields(pid)
    return fields is not None and fields[0] != "Z"


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        fields = _stat_fields(int(stat.parent.name))
        if fields is not None and int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def cmdline(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def descendants(pid: int) -> list[int]:
    found: list[int] = []
    queue = [pid]
    while queue:
        kids = children(queue.pop())
        found += kids
        queue += kids
    return found


def demo_simulators(ancestor: int) -> list[int]:
    """The `cftui sim` processes below `ancestor`."""
    return [pid for pid in descendants(ancestor) if "cftui sim" in cmdline(pid)]


def dashboard(ancestor: int) -> int | None:
    """The `cftui --demo` process below `ancestor`."""
    return next((pid for pid in descendants(ancestor) if "cftui --demo" in cmdline(pid)), None)
