"""Another version of cftui's monitor, run beside the current one on the same simulator: a like-for-like baseline.

`python -m bench coverage --old-sweep REF` extracts the `cftui` package of git revision REF (for example the one
before issue 11, whose round listed only `status=error` of the projects nobody looks at) into a temporary
directory and runs this module there as a child process, with its own key, the same interval, budget and focused
project as the current monitor. Each change event it reports is printed as one JSON line with the time it was
published, so both monitors are measured against the same journal.

Only the public interface every version has is used: `Monitor(client, interval=, budget=)`, `add_listener`,
`focus_project`, `run`, `aclose`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


async def _run(api_url: str, key: str, focus: str, duration: float) -> None:
    from cftui.api.client import CloudForgeClient
    from cftui.api.keys import ApiKey
    from cftui.monitor import Monitor

    client = CloudForgeClient(api_url, ApiKey.parse(key))
    monitor = Monitor(client, interval=5.0, budget=0.5, owns_client=True)

    def emit(update: object) -> None:
        for event in update.events:  # type: ignore[attr-defined]
            line = {
                "kind": event.kind.value,
                "subject_id": event.subject_id,
                "project_id": event.project_id,
                "old": event.old,
                "new": event.new,
                "at": event.at.timestamp(),
            }
            print(json.dumps(line, default=str), flush=True)

    monitor.add_listener(emit)
    monitor.focus_project(focus)
    task = asyncio.create_task(monitor.run())
    await asyncio.sleep(duration)
    await monitor.aclose()
    await task


@contextlib.contextmanager
def extracted(ref: str) -> Iterator[Path]:
    """The `cftui` package of git revision `ref`, in a temporary directory (removed afterwards)."""
    with tempfile.TemporaryDirectory(prefix="cftui-old-") as directory:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref, "cftui"], check=True, capture_output=True)
        subprocess.run(["tar", "-x", "-C", directory], input=archive.stdout, check=True)
        yield Path(directory)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api-url", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--focus", required=True)
    parser.add_argument("--duration", type=float, required=True)
    args = parser.parse_args(argv)
    asyncio.run(_run(args.api_url, args.key, args.focus, args.duration))
    return 0


if __name__ == "__main__":
    sys.exit(main())
