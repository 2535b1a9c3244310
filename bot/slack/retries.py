"""Bounded retries for calls to Slack: slack-sdk's handlers, with Retry-After capped, and no
blind re-send of a message.

A connection that drops after the request went out may have delivered it: retrying is safe
for reads and edits (`chat.update` sets the same content again), not for a post or an
upload, which would show twice. Those are not retried here; the outbox
(bot/services/delivery.py) retries them, after looking for the earlier one.
"""

from __future__ import annotations

import asyncio
import random

from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from bot.ids import retry_after_in

# As for the provider: a longer Retry-After is not waited out, the call fails instead.
MAX_RETRY_AFTER_SECONDS = 30.0

# Web API methods that create something each time they are called.
NOT_RESENT = frozenset(
    {
        "chat.postMessage",
        "chat.postEphemeral",
        "chat.meMessage",
        "chat.scheduleMessage",
        "files.upload",
        "files.completeUploadExternal",
    }
)


def retry_after_seconds(response: HttpResponse | None) -> float | None:
    return None if response is None else retry_after_in(response.headers)


def api_method(url: str) -> str:
    """`chat.postMessage` from `https://slack.com/api/chat.postMessage?x=1`."""
    return url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]


class CappedRateLimitRetryHandler(AsyncRateLimitErrorRetryHandler):
    """Retries a 429 only when Slack asks for a wait no longer than the cap."""

    def __init__(self, *, max_retry_count: int = 2, max_wait: float = MAX_RETRY_AFTER_SECONDS):
        super().__init__(max_retry_count=max_retry_count)
        self.max_wait = max_wait

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if not await super()._can_retry_async(
            state=state, request=request, response=response, error=error
        ):
            return False
        wait = retry_after_seconds(response)
        return wait is None or wait <= self.max_wait

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        # slack-sdk's own reads the header with int(): an HTTP date would raise here.
        if response is None:
            raise error or RuntimeError("no response to retry")
        state.next_attempt_requested = True
        wait = retry_after_seconds(response)
        # Up to a second of jitter, as slack-sdk adds: callers limited together spread out.
        await asyncio.sleep((1.0 if wait is None else wait) + random.random())
        state.increment_current_attempt()


class SafeConnectionErrorRetryHandler(AsyncConnectionErrorRetryHandler):
    """slack-sdk's connection-error retry, except for calls that would post twice."""

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if api_method(request.url) in NOT_RESENT:
            return False
        return await super()._can_retry_async(
            state=state, request=request, response=response, error=error
        )


def slack_retry_handlers() -> list[AsyncRetryHandler]:
    return [
        SafeConnectionErrorRetryHandler(max_retry_count=2),
        CappedRateLimitRetryHandler(max_retry_count=2),
    ]
