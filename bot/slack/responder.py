"""Replies through a command's `response_url`, on the process's one Slack HTTP session.

slack-sdk's webhook client consults its retry handlers only for 429s and exceptions, so
5xx answers and timeouts get a bounded retry of their own here (tenacity, with jitter).

A response_url comes from a payload: signed, but whatever host it names would receive the
reply (and, with it, whatever the reply shows). Only Slack's hosts are called, and the
host of SLACK_API_URL, where a stand-in for Slack serves both.
"""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import urlsplit

import aiohttp
from slack_sdk.webhook.async_client import AsyncWebhookClient
from tenacity import (
    AsyncRetrying,
    retry_if_exception_type,
    stop_after_attempt,
    stop_after_delay,
    wait_random_exponential,
)

from bot.render.kit import Reply
from bot.slack.retries import slack_retry_handlers

log = logging.getLogger("bot.slack.responder")
# slack-sdk's webhook client logs each body it sends at DEBUG, and a reply may carry a
# credential (a recording link, bot/slack/listeners/recording_link.py): its own logger never
# goes below INFO, whatever the process's level.
_QUIET_WEBHOOK = logging.getLogger("bot.slack.responder.webhook")
_QUIET_WEBHOOK.setLevel(logging.INFO)


# Where Slack's response_urls point (https://hooks.slack.com/commands/..., .../actions/...).
SLACK_REPLY_HOSTS = frozenset({"hooks.slack.com"})


def is_reply_url(url: str, api_url: str) -> bool:
    """Whether a reply may be POSTed to `url` (pure): https on one of Slack's response_url
    hosts, or the same scheme, host and port as SLACK_API_URL."""
    try:
        target, own = urlsplit(url), urlsplit(api_url)
        if target.username is not None or target.password is not None:
            return False
        if target.scheme == "https" and target.hostname in SLACK_REPLY_HOSTS:
            return target.port in (None, 443)
        return (
            target.scheme in ("http", "https")
            and target.hostname is not None
            and (target.scheme, target.hostname, target.port)
            == (own.scheme, own.hostname, own.port)
        )
    except ValueError:  # a port that is not a number, a malformed IPv6 host
        return False


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
        api_url: str,
        timeout: float = 10.0,
        attempts: int = 3,
        total_seconds: float = 30.0,
        backoff: float = 0.5,
    ) -> None:
        self._session = session
        self._api_url = api_url
        self._timeout = timeout
        self._attempts = attempts
        self._total = total_seconds
        self._backoff = backoff

    async def send(
        self, response_url: str, reply: Reply, *, replace_original: bool = False
    ) -> bool:
        if not is_reply_url(response_url, self._api_url):
            # The URL itself is not logged: a real one is a credential (bot/logs.py).
            log.warning("refused to reply through a response_url that is not Slack's")
            return False
        client = AsyncWebhookClient(
            response_url,
            session=self._session,
            retry_handlers=slack_retry_handlers(),
            logger=_QUIET_WEBHOOK,
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
