"""Shared pieces of the sign-in tests: a profile that uses OAuth, a browser played by httpx, and `cftui login`
run as a real child process whose stdin takes the paste."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections import deque
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx

from tests.simproc import SimServer, wait_for

URL_LINE = re.compile(r"^(http://127\.0\.0\.1:\d+/oauth/authorize\?\S+)$", re.MULTILINE)


def write_profile(home: Path, sim: SimServer | None, *, api_url: str | None = None, **fields: str) -> Path:
    """`[profiles.sim]` with auth = "oauth" in $XDG_CONFIG_HOME/cftui/config.toml (what tests' env points at)."""
    path = home / "xdg_config_home" / "cftui" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    url = api_url or (sim.base_url if sim else "")
    lines = ["[profiles.sim]", f'api_url = "{url}"', 'auth = "oauth"', *(f'{k} = "{v}"' for k, v in fields.items())]
    path.write_text("\n".join(lines) + "\n")
    return path


def token_file(home: Path) -> Path:
    return home / "xdg_state_home" / "cftui" / "tokens" / "sim.json"


def authorize_params(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


def browser_sign_in(url: str, login: str = "ada", password: str | None = None) -> str:
    """What a browser does on the simulator's page: load it, sign in, allow. Returns the redirect address."""
    page = httpx.get(url, timeout=10)
    assert page.status_code == 200 and "Sign in" in page.text, page.text[:300]
    form = {**authorize_params(url), "login": login, "password": password or f"{login}-demo", "decision": "allow"}
    root = f"{urlsplit(url).scheme}://{urlsplit(url).netloc}"
    answer = httpx.post(f"{root}/oauth/authorize", data=form, timeout=10)
    assert answer.status_code == 302, answer.text[:300]
    return answer.headers["location"]


class LoginProcess:
    """`python -m cftui login --profile sim --no-browser`, reading what it prints, pasting into its stdin."""

    def __init__(self, *extra: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "cftui", "login", "--profile", "sim", "--no-browser", *extra],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.lines: deque[str] = deque()
        self._chunks: list[str] = []
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        assert self.process.stdout is not None
        while True:
            chunk = self.process.stdout.read(1)
            if not chunk:
                return
            self._chunks.append(chunk)

    @property
    def output(self) -> str:
        return "".join(self._chunks)

    def authorize_url(self) -> str:
        match = wait_for(lambda: URL_LINE.search(self.output), timeout=20, message="the authorize URL")
        return match.group(1)

    def paste(self, text: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(text + "\n")
        self.process.stdin.flush()

    def wait_for(self, text: str, timeout: float = 20) -> str:
        wait_for(lambda: text in self.output, timeout=timeout, message=f"{text!r} in: {self.output[-600:]}")
        return self.output

    def finish(self, timeout: float = 30) -> tuple[int, str]:
        if self.process.stdin is not None and not self.process.stdin.closed:
            self.process.stdin.close()
        code = self.process.wait(timeout=timeout)
        self._reader.join(timeout=10)  # everything it printed has been read
        return code, self.output


def sign_in(login: str = "ada") -> tuple[int, str]:
    """A whole paste-back sign-in for profile 'sim'; returns the exit code and everything printed."""
    proc = LoginProcess()
    proc.paste(browser_sign_in(proc.authorize_url(), login))
    return proc.finish()


def cftui(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cftui", *args], capture_output=True, text=True, timeout=timeout, check=False
    )
