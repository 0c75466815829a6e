"""The baseline an engineer types without a dashboard: `watch -n 2` around `curl | jq` of the projects page.

`watch_curl_command()` builds that command line; the benchmark runs it in a tmux pane (the same way it runs
cftui) and counts the bytes it writes to the terminal and the CPU it uses, itself and its curl/jq children.
"""

from __future__ import annotations

import shlex

# one line per project: what a person would pick out of the JSON by hand
JQ_PROJECT_LINES = r'.data[] | "\(.name)\t\(.status)\t\(.resource_count)\t\(.monthly_cost)"'


def curl_projects_pipeline(base_url: str, api_key: str) -> str:
    """The shell pipeline `watch` re-runs: fetch the first page of projects and print one line each."""
    url = f"{base_url.rstrip('/')}/projects?per_page=100"
    curl = ["curl", "-s", "-H", f"Authorization: Bearer {api_key}", url]
    return f"{shlex.join(curl)} | jq -r {shlex.quote(JQ_PROJECT_LINES)}"


def watch_curl_command(base_url: str, api_key: str, interval: float = 2.0) -> list[str]:
    """`watch -n INTERVAL '<curl | jq>'` as an argv list."""
    return ["watch", "-n", f"{interval:g}", curl_projects_pipeline(base_url, api_key)]
