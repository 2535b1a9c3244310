"""Typed provider failures: the only exceptions that cross the provider boundary.

Callers (Slack listeners, the digest, the CLI) turn these into friendly text in one place;
they never look at HTTP status codes themselves.
"""

from __future__ import annotations

from dataclasses import dataclass


class ProviderError(Exception):
    """Base of every failure a video provider can report."""

    provider: str = "provider"
    # The HTTP status behind the failure, when there was one (health reasons name it).
    status: int | None = None

    def __init__(
        self, message: str, *, provider: str = "provider", status: int | None = None
    ) -> None:
        super().__init__(message)
        self.provider = provider
        self.status = status


class NotFound(ProviderError):
    """The room, session or conference does not exist (HTTP 404)."""


class Unauthorized(ProviderError):
    """The credentials were refused (HTTP 401/403)."""


@dataclass(frozen=True)
class FieldError:
    """One entry of a 422 `errors[]` body."""

    attribute: str | None
    message: str
    code: str | None = None


class Invalid(ProviderError):
    """The provider refused the request's parameters (HTTP 400/422)."""

    def __init__(
        self,
        message: str,
        errors: list[FieldError] | None = None,
        *,
        provider: str = "provider",
        status: int | None = None,
    ) -> None:
        super().__init__(message, provider=provider, status=status)
        self.errors: list[FieldError] = errors or []


class RateLimited(ProviderError):
    """Still rate limited after the bounded retries (HTTP 429); `retry_after` in seconds."""

    def __init__(
        self,
        message: str,
        retry_after: float | None = None,
        *,
        provider: str = "provider",
        status: int | None = None,
    ) -> None:
        super().__init__(message, provider=provider, status=status)
        self.retry_after = retry_after


class ProviderUnavailable(ProviderError):
    """5xx answers, timeouts or dropped connections that outlasted the retries."""


class NotSupported(ProviderError):
    """The provider has no such resource (Telnyx has no conferences)."""


class RecordingNotReady(ProviderError):
    """A recording has no link yet: still recording, paused or processing (`recording_status`
    as the provider said it, None when it said nothing)."""

    def __init__(
        self,
        message: str,
        recording_status: str | None = None,
        *,
        provider: str = "provider",
        status: int | None = None,
    ) -> None:
        super().__init__(message, provider=provider, status=status)
        self.recording_status = recording_status
