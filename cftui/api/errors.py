"""Typed API errors. Each one's `str()` is a sentence a person can act on, quoting the server's request id.

Every message passes through `mask_key`, so even a key echoed back by a server never prints whole.
"""

from __future__ import annotations

from datetime import UTC, datetime

from cftui.api.keys import mask_key


class ApiError(Exception):
    """A request to the CloudForge API that did not give a usable answer."""

    default_code = "api_error"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        status: int | None = None,
        request_id: str | None = None,
        method: str = "GET",
        path: str = "",
        hint: str | None = None,
    ) -> None:
        self.code = code or self.default_code
        self.message = mask_key(message)
        self.status = status
        self.request_id = request_id
        self.method = method
        self.path = path
        self.hint = mask_key(hint) if hint else None
        self.attempts = 1
        super().__init__(self.sentence())

    def after_attempts(self, attempts: int) -> ApiError:
        """Record that the client gave up after `attempts` tries (said at the end of the sentence)."""
        self.attempts = attempts
        self.args = (self.sentence(),)
        return self

    # what kind of failure this is, in a few words, for the start of the sentence
    def lead(self) -> str:
        return f"CloudForge API error on {self.method} {self.path}" if self.path else "CloudForge API error"

    def _reference(self) -> str:
        parts = [self.code]
        if self.status is not None and self.status not in _STANDARD_STATUS.get(self.code, ()):
            parts.append(f"HTTP {self.status}")
        if self.request_id:
            parts.append(f"request {self.request_id}")
        return ", ".join(parts)

    def sentence(self) -> str:
        text = f"{self.lead()} ({self._reference()})"
        details = [d for d in (self.message, self.hint) if d]
        if details:
            text += ": " + "; ".join(details)
        return mask_key(text + self._gave_up())

    def _gave_up(self) -> str:
        return f" (gave up after {self.attempts} attempts)" if self.attempts > 1 else ""

    def __str__(self) -> str:
        return self.sentence()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, status={self.status!r}, request_id={self.request_id!r})"


# Statuses that the code already implies, so the sentence need not repeat them.
_STANDARD_STATUS: dict[str, tuple[int, ...]] = {
    "authentication_failed": (401,),
    "sign_in_expired": (401,),
    "forbidden": (403,),
    "resource_not_found": (404,),
    "validation_error": (400,),
    "rate_limited": (429,),
    "internal_error": (500,),
}


class AuthenticationFailed(ApiError):
    default_code = "authentication_failed"

    def __init__(self, message: str = "", *, key_hint: str = "CLOUDFORGE_API_KEY", **kwargs) -> None:
        kwargs.setdefault("hint", f"check {key_hint}")
        super().__init__(message, **kwargs)

    def lead(self) -> str:
        return "API key rejected"

    def sentence(self) -> str:
        # The action comes first here: the server's own text ("Invalid API key") adds little.
        text = f"{self.lead()} ({self._reference()})"
        if self.hint:
            text += f": {self.hint}"
        if self.message:
            text += f" (server said: {self.message})"
        return mask_key(text)


AUTH_EXPIRED = "AUTH EXPIRED"


class SignInExpired(AuthenticationFailed):
    """An OAuth sign-in that can no longer be refreshed: the person must run `cftui login` again."""

    default_code = "sign_in_expired"

    def __init__(self, message: str = "", *, login_command: str = "cftui login", **kwargs) -> None:
        kwargs.setdefault("hint", f"run {login_command}")
        super().__init__(message, **kwargs)

    def lead(self) -> str:
        return f"{AUTH_EXPIRED}: {self.hint}"

    def sentence(self) -> str:
        text = f"{self.lead()} ({self._reference()})"
        if self.message:
            text += f": {self.message}"
        return mask_key(text)


class Forbidden(ApiError):
    default_code = "forbidden"

    def lead(self) -> str:
        return f"Not permitted: {self.method} {self.path}"


class NotFound(ApiError):
    default_code = "resource_not_found"

    def lead(self) -> str:
        return f"Not found: {self.path}" if self.path else "Not found"


class ValidationFailed(ApiError):
    default_code = "validation_error"

    def lead(self) -> str:
        return f"Request refused as invalid: {self.method} {self.path}".rstrip()


def utc_moment(at: datetime, now: datetime | None = None) -> str:
    """`01:48:43 UTC` today (UTC), `2026-12-16 01:48:43 UTC` on another day: a bare time days away misleads."""
    now = now or datetime.now(UTC)
    at = at.astimezone(UTC)
    return f"{at:%H:%M:%S} UTC" if at.date() == now.astimezone(UTC).date() else f"{at:%Y-%m-%d %H:%M:%S} UTC"


class RateLimited(ApiError):
    default_code = "rate_limited"

    def __init__(
        self, message: str = "", *, retry_at: datetime, server_reset: datetime | None = None, **kwargs
    ) -> None:
        self.retry_at = retry_at  # when cftui tries again: never more than 60 s after the answer
        self.server_reset = server_reset  # what the server asked for, uncapped (it may be days away, or past)
        kwargs.setdefault("status", 429)
        super().__init__(message, **kwargs)

    def lead(self) -> str:
        text = f"Rate limited until {utc_moment(self.retry_at)}"
        if self.server_reset is not None and (self.server_reset - self.retry_at).total_seconds() > 5:
            text += f" (the server named {utc_moment(self.server_reset)}; cftui never waits more than 60 s)"
        return text


class ServerError(ApiError):
    default_code = "internal_error"

    def lead(self) -> str:
        return f"CloudForge server error on {self.method} {self.path}"


class Unreachable(ApiError):
    default_code = "unreachable"

    def lead(self) -> str:
        return f"Cannot reach CloudForge for {self.method} {self.path}"


class MalformedResponse(ApiError):
    default_code = "malformed_response"

    def lead(self) -> str:
        return f"Malformed response to {self.method} {self.path}"


class ResponseTooLarge(MalformedResponse):
    """A body larger than the client's cap once decoded (a gzip bomb, a body that never ends): not read further."""

    default_code = "response_too_large"

    def lead(self) -> str:
        return f"Response too large to {self.method} {self.path}"


class ReadOnlyViolation(ApiError):
    """A request other than GET was about to be sent: cftui never changes anything."""

    default_code = "read_only"

    def lead(self) -> str:
        return f"Refused to send {self.method} {self.path}"


ERROR_BY_STATUS: dict[int, type[ApiError]] = {
    400: ValidationFailed,
    401: AuthenticationFailed,
    403: Forbidden,
    404: NotFound,
    422: ValidationFailed,
    429: RateLimited,
}


def error_class_for(status: int) -> type[ApiError]:
    if status >= 500:
        return ServerError
    return ERROR_BY_STATUS.get(status, ApiError)
