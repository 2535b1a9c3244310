"""Replies through a command's `response_url`, with a timeout and bounded retries."""

from __future__ import annotations

import logging

from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.slack.blocks.kit import Reply

log = logging.getLogger("bot.slack.responder")


class Responder:
    def __init__(self, *, timeout: float = 10.0) -> None:
        self._timeout = timeout

    async def send(
        self, response_url: str, reply: Reply, *, replace_original: bool = False
    ) -> bool:
        client = AsyncWebhookClient(
            response_url,
            timeout=int(self._timeout),
            retry_handlers=[
                AsyncConnectionErrorRetryHandler(max_retry_count=2),
                AsyncRateLimitErrorRetryHandler(max_retry_count=2),
                AsyncServerErrorRetryHandler(max_retry_count=2),
            ],
        )
        body = {
            "response_type": "ephemeral",
            "replace_original": replace_original,
            **reply.payload(),
        }
        try:
            response = await client.send_dict(body)
        except Exception as exc:  # the reply is lost either way; say so in the log, once
            log.warning("could not reply through response_url: %s", type(exc).__name__)
            return False
        if response.status_code != 200:
            log.warning("response_url answered HTTP %s: %s", response.status_code, response.body)
            return False
        return True
