"""The dashboard's text helpers: all of them live in the neutral `cftui.text`, which the headless commands use
too; this name stays for the dashboard's modules."""

from __future__ import annotations

from cftui.text import *  # noqa: F403
from cftui.text import __all__  # noqa: F401
