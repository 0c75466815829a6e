"""`cftui` (the dashboard): load settings, start the demo simulator if asked, build and run the app.

Errors in the settings (a bad or live key, an unreadable or too-open config file, an unknown theme) are printed
as one sentence on stderr with exit code 2, before any UI starts. The demo simulator is stopped in a `finally`,
and SIGTERM / SIGHUP end the app the same way `q` does, so that `finally` always runs.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
from collections.abc import Iterator
from types import FrameType
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from cftui.ui.hangup import TerminalWatch, arm_hard_exit

if TYPE_CHECKING:
    from cftui.config import Settings
    from cftui.ui.app import CloudForgeApp
    from cftui.ui.demo import DemoSimulator

EXIT_CONFIG = 2
HANDLED_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


def _fail(message: str) -> int:
    print(f"cftui: {message}", file=sys.stderr)
    return EXIT_CONFIG


def build_app(settings: Settings, *, demo: bool = False) -> CloudForgeApp:
    """The one factory for the dashboard on a live API (tests build `CloudForgeApp` directly to feed updates)."""
    from cftui.monitor import build_monitor
    from cftui.ui.app import CloudForgeApp
    from cftui.ui.widgets.status_line import ConnectionInfo

    info = ConnectionInfo(
        host=urlsplit(settings.api_url).netloc or settings.api_url,
        key_kind=settings.api_key.kind,
        key_masked=settings.api_key.masked,
        profile=settings.profile,
        demo=demo,
    )
    monitor = build_monitor(settings)
    return CloudForgeApp(
        info,
        monitor=monitor,
        now=monitor.clock.now,  # data's age on the monitor's clock
        bell=settings.bell,
        watch_operations=tuple(settings.watch_operations),
        startup_notes=settings.warnings,
    )


@contextlib.contextmanager
def _signals_end(app: CloudForgeApp, received: list[int]) -> Iterator[None]:
    """While the app runs, SIGTERM/SIGHUP make it exit normally; outside its loop they raise SystemExit.

    Whatever state the app is in, the process ends: if the normal exit has not finished `HARD_EXIT_AFTER_S` after
    the signal (the terminal is gone and a write blocks, start-up is half done), or a second signal comes, it
    ends at once. A terminal that disappears without a SIGHUP (the pty closed under a process that is not its
    session's leader, as when an SSH session drops) is noticed by `TerminalWatch` and treated as one. Each signal
    is added to `received`: the exit code is the signal's, whatever the app's teardown meets on its way out."""

    def handler(signum: int, frame: FrameType | None) -> None:
        received.append(signum)
        arm_hard_exit(128 + signum)
        loop = getattr(app, "_loop", None)
        if app.is_running and loop is not None and loop.is_running():
            loop.call_soon_threadsafe(app.exit, None, 128 + signum)
        else:
            raise SystemExit(128 + signum)

    previous = {signum: signal.signal(signum, handler) for signum in HANDLED_SIGNALS}
    try:
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)


def run(args: argparse.Namespace) -> int:
    from cftui.config import ConfigError, Settings
    from cftui.ui.demo import DEMO_HISTORY_NAME, DemoSimulator, DemoStartError

    demo: DemoSimulator | None = None
    # from the first moment: a terminal that goes away during start-up ends the process like a SIGHUP
    watch = TerminalWatch(on_lost=lambda: os.kill(os.getpid(), signal.SIGHUP))
    watch.start()
    try:
        environ = dict(os.environ)
        if getattr(args, "demo", False):
            demo = DemoSimulator()
            try:
                url = demo.start()
            except DemoStartError as error:
                return _fail(str(error))
            # the demo's own URL and key win over any profile, environment or key file
            args = argparse.Namespace(**{**vars(args), "api_url": url, "api_key_file": None, "profile": None,
                                         "history_name": DEMO_HISTORY_NAME})  # fmt: skip
            environ["CLOUDFORGE_API_KEY"] = demo.key
            environ.pop("CFTUI_PROFILE", None)
            args, environ = _demo_push(demo, args, environ)
        try:
            settings = Settings.load(args, environ)
        except ConfigError as error:
            return _fail(str(error))
        return _run_app(settings, args, demo=demo is not None)
    finally:
        watch.stop()
        if demo is not None:
            demo.stop()


def _demo_push(
    demo: DemoSimulator, args: argparse.Namespace, environ: dict[str, str]
) -> tuple[argparse.Namespace, dict[str, str]]:
    """The demo receives its simulator's webhooks (push) on a free loopback port, with a fresh secret."""
    import secrets

    from cftui.ui.demo import free_loopback_port

    environ = {k: v for k, v in environ.items() if k not in ("CFTUI_WEBHOOK_LISTEN", "CFTUI_WEBHOOK_SECRET")}
    port = free_loopback_port()
    secret = secrets.token_hex(16)
    if not demo.register_webhook(f"http://127.0.0.1:{port}/webhook", secret):
        return args, environ  # the demo still works, by polling alone
    environ = {**environ, "CFTUI_WEBHOOK_SECRET": secret}
    return argparse.Namespace(**{**vars(args), "webhook_listen": f"127.0.0.1:{port}"}), environ


def _run_app(settings: Settings, args: argparse.Namespace, *, demo: bool) -> int:
    from cftui.ui.themes import UnknownThemeError, choose_theme

    app = build_app(settings, demo=demo)
    try:
        app.theme = choose_theme(app, getattr(args, "theme", None) or settings.theme)
    except UnknownThemeError as error:
        return _fail(str(error))
    received: list[int] = []
    with _signals_end(app, received):
        app.run()
    if received:  # a script or a service manager reads 128 + the signal, even if an error came during teardown
        return 128 + received[0]
    return int(app.return_code or 0)
