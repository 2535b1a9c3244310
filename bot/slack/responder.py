"""Replies through a command's `response_url`, on the process's one Slack HTTP session.

slack-sdk's webhook client consults its retry handlers only for 429s and exceptions, so
5xx answers and timeouts get a bounded retry of their own here (tenacity, with jitter).
"""

from __future__ import annotations

import asyncio
import logging

import aiohttp
from slack_sdk.webhook.async_client import AsyncWebhookClient
from tenacity import (
    AsyncRetrying,
    retry_if_exception_type,
    stop_after_attempt,
    stop_after_delay,
    wait_random_exponential,
)

from bot.slack.blocks.kit import Reply
from bot.slack.retries import slack_retry_handlers

log = logging.getLogger("bot.slack.responder")


class _ServerError(Exception):
    pass


# A timeout or a 5xx may still have delivered the reply; one more of the same ephemeral
# message is the lesser harm than none.
_RETRYABLE = (_ServerError, asyncio.TimeoutError, aiohttp.ClientError)


class Responder:
    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        timeout: float = 10.0,
        attempts: int = 3,
        total_seconds: float = 30.0,
        backoff: float = 0.5,
    ) -> None:
        self._session = session
        self._timeout = timeout
        self._attempts = attempts
        self._total = total_seconds
        self._backoff = backoff

    async def send(
        self, response_url: str, reply: Reply, *, replace_original: bool = False
    ) -> bool:
        client = AsyncWebhookClient(
            response_url,
            session=self._session,
            retry_handlers=slack_retry_handlers(),
        )
        body = {
            "response_type": "ephemeral",
            "replace_original": replace_original,
            **reply.payload(),
        }
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self._attempts) | stop_after_delay(self._total),
            wait=wait_random_exponential(multiplier=self._backoff, max=4 * self._backoff),
            retry=retry_if_exception_type(_RETRYABLE),
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    # On a shared session the webhook client sets no timeout of its own.
                    async with asyncio.timeout(self._timeout):
                        response = await client.send_dict(body)
                    if response.status_code >= 500:
                        raise _ServerError(f"HTTP {response.status_code}")
        except Exception as exc:  # the reply is lost either way; say so in the log, once
            log.warning("could not reply through response_url: %s", _describe(exc))
            return False
        if response.status_code != 200:
            log.warning("response_url answered HTTP %s", response.status_code)
            return False
        return True


def _describe(exc: BaseException) -> str:
    return str(exc) if isinstance(exc, _ServerError) else type(exc).__name__
