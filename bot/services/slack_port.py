"""The handful of Slack Web API calls the application services make, and how they fail.

Services reach Slack only through `SlackPort`; its one implementation over slack-sdk lives in
bot/slack/web_api.py, which also turns slack-sdk's and aiohttp's exceptions into the two
below, so that no service needs to know either library.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol


class SlackCallFailed(Exception):
    """A Web API call that did not succeed. Its text names the method and Slack's error code
    or the problem's type: never a token or a message's content."""

    def __init__(self, method: str, problem: str) -> None:
        super().__init__(f"{method}: {problem}")
        self.method = method


class SlackAnswered(SlackCallFailed):
    """Slack answered, with an error: its HTTP status (None when the answer could not be
    read), its error code (`channel_not_found`, ...) and its Retry-After, in seconds."""

    def __init__(
        self,
        method: str,
        *,
        status: int | None,
        error: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        problem = error or (f"HTTP {status}" if status is not None else "unreadable answer")
        super().__init__(method, problem)
        self.status = status
        self.error = error
        self.retry_after = retry_after


class SlackUnreachable(SlackCallFailed):
    """No answer: a timeout, a refused or dropped connection. The call may have reached
    Slack before the answer was lost. `reason` is the problem's type name."""

    def __init__(self, method: str, reason: str) -> None:
        super().__init__(method, reason)
        self.reason = reason


@dataclass(frozen=True)
class Posted:
    """Where Slack put a message (as it answered: either may be missing)."""

    channel: str | None
    ts: str | None


@dataclass(frozen=True)
class HistoryPage:
    messages: Sequence[Mapping[str, Any]]
    next_cursor: str | None
    has_more: bool


class SlackPort(Protocol):
    """What the services ask of Slack. Each call raises SlackCallFailed when it fails."""

    async def post(
        self,
        channel: str,
        text: str,
        *,
        blocks: list[dict[str, Any]] | None = None,
        metadata: Mapping[str, Any] | None = None,
        unfurl_links: bool | None = None,
        unfurl_media: bool | None = None,
    ) -> Posted:
        """chat.postMessage (`channel` may be a user id: a direct message)."""
        ...

    async def update(
        self,
        channel: str,
        ts: str,
        text: str,
        *,
        blocks: list[dict[str, Any]] | None = None,
    ) -> str | None:
        """chat.update; the channel Slack names in its answer, if any."""
        ...

    async def upload(
        self, channel: str, *, content: bytes, filename: str, title: str, alt_text: str
    ) -> None:
        """files.upload (v2) into `channel`."""
        ...

    async def open_dm(self, user: str) -> str | None:
        """conversations.open: the id of the direct-message channel with `user`."""
        ...

    async def history(
        self, channel: str, *, oldest: str, limit: int, cursor: str | None = None
    ) -> HistoryPage:
        """conversations.history, with every message's metadata."""
        ...

    async def permalink(self, channel: str, ts: str) -> str | None:
        """chat.getPermalink: the message's link, as Slack gave it (None without one)."""
        ...
