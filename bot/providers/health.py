"""A cheap, in-memory record of how the provider has been answering, for /healthz.

It only watches calls the bot makes anyway, so reading it costs nothing and never adds
load on a provider that is already struggling.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from bot.providers.errors import ProviderError

# One failed call can be a blip; three in a row without a success in between is a pattern.
DEGRADED_AFTER = 3


@dataclass(frozen=True)
class ProviderHealth:
    status: Literal["ok", "degraded"]
    reason: str | None
    consecutive_failures: int
    last_success_at: datetime | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "reason": self.reason,
            "consecutive_failures": self.consecutive_failures,
            "last_success_at": (
                self.last_success_at.isoformat() if self.last_success_at is not None else None
            ),
        }


def failure_reason(error: ProviderError) -> str:
    """Type and status (or transport error type) only: messages may name hosts or ids."""
    kind = type(error).__name__
    if error.status is not None:
        return f"{kind} (HTTP {error.status})"
    cause = error.__cause__
    return f"{kind} ({type(cause).__name__})" if cause is not None else kind


class HealthRecord:
    """Consecutive failed calls, the last failure's reason and the last success's time."""

    def __init__(
        self,
        *,
        degraded_after: int = DEGRADED_AFTER,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._degraded_after = degraded_after
        self._clock = clock
        self._failures = 0
        self._reason: str | None = None
        self._last_success: datetime | None = None

    def succeeded(self) -> None:
        self._failures = 0
        self._last_success = self._clock()

    def failed(self, error: ProviderError) -> None:
        self._failures += 1
        self._reason = failure_reason(error)

    def snapshot(self) -> ProviderHealth:
        degraded = self._failures >= self._degraded_after
        return ProviderHealth(
            status="degraded" if degraded else "ok",
            # The last failure stays visible while it still matters, i.e. until a success.
            reason=self._reason if self._failures else None,
            consecutive_failures=self._failures,
            last_success_at=self._last_success,
        )
