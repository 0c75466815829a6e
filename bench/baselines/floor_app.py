"""The floor for time to first data: a bare Textual app that starts and does one GET of the same page.

No configuration, no monitor, no layout: it mounts one `Static`, fetches `GET /projects?per_page=100` with
httpx in a worker and shows the project names. Nothing that shows real data can be faster than this on the
same machine, so cftui's time to first data is reported beside it.

`python -m bench.baselines.floor_app URL` with the key in `CLOUDFORGE_API_KEY`; `q` quits.
"""

from __future__ import annotations

import os
import sys

import httpx
from textual import work
from textual.app import App, ComposeResult
from textual.content import Content
from textual.widgets import Static


class FloorApp(App[None]):
    BINDINGS = [("q", "quit", "Quit")]  # noqa: RUF012 - Textual's own convention

    def __init__(self, base_url: str, api_key: str) -> None:
        super().__init__()
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key

    def compose(self) -> ComposeResult:
        yield Static(Content("loading"), id="projects")

    def on_mount(self) -> None:
        self.fetch_projects()

    @work(exclusive=True, exit_on_error=False)
    async def fetch_projects(self) -> None:
        headers = {"Authorization": f"Bearer {self.api_key}"}
        async with httpx.AsyncClient(timeout=10.0) as client:
            response = await client.get(f"{self.base_url}/projects", params={"per_page": 100}, headers=headers)
        names = [str(project.get("name", "")) for project in response.json().get("data", [])]
        # the floor need not sanitise for speed's sake, but it must not be a hole either
        safe = ["".join(c if c.isprintable() else "?" for c in name) for name in names]
        self.query_one("#projects", Static).update(Content("\n".join(safe)))


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: python -m bench.baselines.floor_app API_URL (key in CLOUDFORGE_API_KEY)", file=sys.stderr)
        return 2
    FloorApp(sys.argv[1], os.environ.get("CLOUDFORGE_API_KEY", "")).run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
