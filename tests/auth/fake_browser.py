"""A browser for `BROWSER=...`: loads the sign-in page, signs in as ada, allows, and follows the redirect to
cftui's loopback listener, as a desktop browser would. Exit 0 when the listener said "Signed in"."""

from __future__ import annotations

import sys

import httpx

from tests.auth.helpers import browser_sign_in


def main() -> int:
    redirect = browser_sign_in(sys.argv[1], "ada")
    landed = httpx.get(redirect, timeout=10)
    return 0 if landed.status_code == 200 and "Signed in" in landed.text else 1


if __name__ == "__main__":
    sys.exit(main())
