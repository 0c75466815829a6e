"""The package as a user gets it: a wheel with the styles inside, the `cftui` script, `python -m cftui`, lint."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYTHON_TREES = ("cftui", "tests", "bench", "screenshots")  # ruff would also reformat code blocks in Markdown


@pytest.mark.heavy
def test_the_wheel_ships_the_styles_and_the_console_script(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(tmp_path), str(ROOT)],
        check=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("cftui-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        entry_points = next(archive.read(n).decode() for n in names if n.endswith("entry_points.txt"))
    styles = {Path(n).name for n in names if n.startswith("cftui/styles/")}
    assert {p.name for p in (ROOT / "styles").glob("*.tcss")} <= styles
    assert "cftui = cftui.cli:main" in entry_points
    assert "cftui/sim/cli.py" in names and "cftui/ui/app.py" in names


def test_python_dash_m_and_the_version() -> None:
    from cftui import __version__

    result = subprocess.run(
        [sys.executable, "-m", "cftui", "--version"], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == f"cftui {__version__}"
    helped = subprocess.run([sys.executable, "-m", "cftui", "--help"], capture_output=True, text=True, timeout=60)
    assert helped.returncode == 0
    for command in ("sim", "status", "watch", "events", "--demo", "--watch-op", "--allow-live-key"):
        assert command in helped.stdout


def test_ruff_finds_nothing() -> None:
    check = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--quiet", *PYTHON_TREES],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    formatted = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", "--quiet", *PYTHON_TREES],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr


@pytest.mark.heavy
def test_mypy_finds_nothing() -> None:
    """The type checker runs clean on the package (its settings are `[tool.mypy]` in pyproject.toml)."""
    check = subprocess.run(
        [sys.executable, "-m", "mypy"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert check.returncode == 0, check.stdout + check.stderr
