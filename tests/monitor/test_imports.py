"""The engine is shared with the headless commands: it never imports textual (nor httpx until it connects)."""

from __future__ import annotations

import subprocess
import sys


def test_the_monitor_imports_neither_textual_nor_httpx() -> None:
    code = (
        "import sys, cftui.monitor, cftui.monitor.history, cftui.monitor.engine;"
        "print('textual' in sys.modules, 'httpx' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "False"]
