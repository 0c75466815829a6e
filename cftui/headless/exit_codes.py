"""The exit codes every headless command shares, so that they work as monitoring checks and CI steps."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0  # healthy / every operation completed / ended on request
    TROUBLE = 1  # something is in `error` / an operation failed or was cancelled
    FAILURE = 2  # settings, key, API or usage failure, unknown id, or a timeout: the answer is not known
