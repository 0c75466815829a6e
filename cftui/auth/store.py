"""Where tokens are kept: the system keyring when one is usable, else a private file under the XDG state dir.

The file is `$XDG_STATE_HOME/cftui/tokens/<profile>.json` (platformdirs' user state dir), created 0600 in a
0700 directory and written atomically (a new file renamed over the old), so a reader never sees half a token.
A file that others can read is refused, as key files are.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import stat
from pathlib import Path
from typing import Protocol

from cftui.auth.tokens import TokenSet

KEYRING_SERVICE = "cftui"
STORE_CHOICES = ("auto", "file", "keyring")


class StoreError(Exception):
    """The token store cannot be used; the message says how to fix it."""


class TokenStore(Protocol):
    def load(self) -> TokenSet | None: ...
    def save(self, tokens: TokenSet) -> None: ...
    def delete(self) -> bool: ...
    def describe(self) -> str: ...
    def version(self) -> object: ...  # changes when another process saved new tokens


def state_dir() -> Path:
    from platformdirs import user_state_dir

    return Path(user_state_dir("cftui", appauthor=False))


def _slug(profile: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", profile)[:100] or "default"


class FileTokenStore:
    def __init__(self, profile: str, directory: Path | None = None) -> None:
        self.directory = directory or state_dir() / "tokens"
        self.path = self.directory / f"{_slug(profile)}.json"

    def describe(self) -> str:
        return f"file {self.path} (mode 0600, directory 0700)"

    def version(self) -> object:
        try:
            info = self.path.stat()
        except OSError:
            return None
        return (info.st_mtime_ns, info.st_size, info.st_ino)

    def _check_private(self) -> None:
        if os.name != "posix":
            return
        mode = self.path.stat().st_mode
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise StoreError(
                f"The token file {self.path} is readable by other users (mode {stat.S_IMODE(mode):04o}); cftui "
                f"will not use it. Fix it with: chmod 600 {shlex.quote(str(self.path))} (or run cftui logout and "
                "sign in again)."
            )

    def load(self) -> TokenSet | None:
        if not self.path.exists():
            return None
        self._check_private()
        try:
            return TokenSet.from_json(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError, TypeError) as exc:
            raise StoreError(
                f"The token file {self.path} cannot be read ({type(exc).__name__}); run cftui login again."
            ) from None

    def save(self, tokens: TokenSet) -> None:
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        if os.name == "posix":
            os.chmod(self.directory, 0o700)  # ours: tighten a directory someone made looser
        temporary = self.directory / f".{self.path.name}.{os.getpid()}.tmp"
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                handle.write(tokens.to_json())
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                temporary.unlink()
            raise

    def delete(self) -> bool:
        try:
            self.path.unlink()
        except FileNotFoundError:
            return False
        return True


class KeyringTokenStore:
    """The system keyring (Secret Service, macOS Keychain, Windows Credential Locker) through `keyring`."""

    def __init__(self, profile: str, backend: object) -> None:
        self.entry = _slug(profile)
        self._backend = backend
        self._last: str | None = None

    def describe(self) -> str:
        return f"system keyring ({type(self._backend).__name__}), service {KEYRING_SERVICE!r}, entry {self.entry!r}"

    def _get(self) -> str | None:
        try:
            return self._backend.get_password(KEYRING_SERVICE, self.entry)  # type: ignore[attr-defined]
        except Exception as exc:
            raise StoreError(f"The system keyring could not be read: {type(exc).__name__}.") from None

    def version(self) -> object:
        return self._get()

    def load(self) -> TokenSet | None:
        text = self._get()
        if text is None:
            return None
        try:
            return TokenSet.from_json(text)
        except (ValueError, TypeError):
            raise StoreError("The tokens in the system keyring are damaged; run cftui login again.") from None

    def save(self, tokens: TokenSet) -> None:
        try:
            self._backend.set_password(KEYRING_SERVICE, self.entry, tokens.to_json())  # type: ignore[attr-defined]
        except Exception as exc:
            raise StoreError(f"The system keyring refused the tokens: {type(exc).__name__}.") from None

    def delete(self) -> bool:
        if self._get() is None:
            return False
        try:
            self._backend.delete_password(KEYRING_SERVICE, self.entry)  # type: ignore[attr-defined]
        except Exception:
            return False
        return True


def usable_keyring() -> object | None:
    """The keyring backend when the optional `keyring` package is installed and has a real backend, else None."""
    try:
        import keyring  # type: ignore[import-not-found]
        from keyring.backends import fail  # type: ignore[import-not-found]
    except ImportError:
        return None
    try:
        backend = keyring.get_keyring()
    except Exception:
        return None
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 0) <= 0:
        return None
    return backend


def open_store(profile: str, choice: str = "auto") -> TokenStore:
    if choice not in STORE_CHOICES:
        raise StoreError(f"token_store must be one of {', '.join(STORE_CHOICES)}, not {choice!r}.")
    if choice == "file":
        return FileTokenStore(profile)
    backend = usable_keyring()
    if backend is not None:
        return KeyringTokenStore(profile, backend)
    if choice == "keyring":
        raise StoreError(
            "token_store = 'keyring' but no system keyring is usable here (the Python package keyring is missing "
            "or finds no backend, as on most SSH hosts); use token_store = 'auto' or 'file'."
        )
    return FileTokenStore(profile)
