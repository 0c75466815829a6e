"""`cftui logout [--profile NAME]`: revoke what the server lets us revoke, then delete the stored tokens.

The reference names no revocation endpoint; with `revoke_url` (the simulator has one) both tokens are revoked
(RFC 7009), refresh token first. Exit 0 when the tokens are gone from this machine, 2 when they could not be.
"""

from __future__ import annotations

import argparse
import asyncio

from cftui.auth.command import load_sign_in_or_say, say

EXIT_OK, EXIT_FAILED = 0, 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = "Sign out: revoke the tokens at the authorization server when it allows, and delete them."


def run(args: argparse.Namespace) -> int:
    from cftui.auth.store import StoreError

    setup = load_sign_in_or_say("logout", args)
    if setup is None:
        return EXIT_FAILED
    label = setup.endpoints.profile_label
    try:
        tokens = setup.store.load()
    except StoreError:
        tokens = None  # unreadable or too open: nothing to revoke, but still delete it
    notes: list[str] = []
    revoke_url = setup.endpoints.revoke_url
    if tokens is not None and revoke_url:
        notes += asyncio.run(_revoke(revoke_url, tokens))
    elif tokens is not None:
        notes.append(
            "the authorization server names no revocation endpoint (set revoke_url), so the tokens stay valid on "
            "the server until they expire"
        )
    try:
        deleted = setup.store.delete()
    except OSError as exc:
        say("logout", f"could not delete the tokens of profile '{label}' from {setup.store.describe()}: {exc.strerror}")
        return EXIT_FAILED
    if not deleted and tokens is None:
        print(f"Profile '{label}' was not signed in; nothing to do.")
        return EXIT_OK
    print(f"Signed out of profile '{label}': tokens deleted from {setup.store.describe()}.")
    for note in notes:
        print(f"- {note}")
    return EXIT_OK


async def _revoke(url: str, tokens: object) -> list[str]:
    from cftui.auth.tokens import TokenSet, revoke

    assert isinstance(tokens, TokenSet)
    notes = []
    pairs = [("refresh_token", tokens.refresh_token), ("access_token", tokens.access_token)]
    for hint, token in pairs:
        if not token:
            continue
        problem = await revoke(url, token, hint, tokens.client_id)
        what = hint.replace("_", " ")
        notes.append(f"{what} revoked at {url}" if problem is None else f"{what} not revoked: {problem}")
    return notes
