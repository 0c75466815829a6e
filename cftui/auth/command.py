"""What `cftui login` and `cftui logout` share: a failure said in one sentence on stderr, and the profile's
sign-in settings (or why there are none)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cftui.config import SignInSettings


def say(command: str, message: str) -> None:
    print(f"cftui {command}: {message}", file=sys.stderr, flush=True)


def load_sign_in_or_say(command: str, args: argparse.Namespace) -> SignInSettings | None:
    """The profile's sign-in settings; None once the reason there are none is said (the command exits 2)."""
    from cftui.api.keys import KeyPolicyError
    from cftui.config import ConfigError, load_sign_in

    try:
        return load_sign_in(args)
    except (ConfigError, KeyPolicyError) as exc:
        say(command, str(exc))
        return None
