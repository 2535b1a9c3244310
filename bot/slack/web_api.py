"""The services' Slack port (bot/services/slack_port.py) over slack-sdk's AsyncWebClient.

The client brings its own timeout and retry handlers (bot/slack/retries.py), as built in
bot/app.py; this adapter only shapes the calls and their answers, and turns slack-sdk's and
aiohttp's exceptions into the port's: Slack's answer (status, error code, Retry-After) or a
connection that gave none.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.ids import parse_retry_after
from bot.services.slack_port import (
    HistoryPage,
    Posted,
    SlackAnswered,
    SlackCallFailed,
    SlackUnreachable,
)

T = TypeVar("T")


def slack_failure(method: str, exc: BaseException) -> SlackCallFailed | None:
    """What a slack-sdk call's exception means to the services; None for anything that is
    not Slack's answer or a lost connection (a bug: it goes on as it is)."""
    if isinstance(exc, SlackApiError):
        response: Any = exc.response
        return SlackAnswered(
            method,
            status=_status(response),
            error=_error_code(response),
            retry_after=_retry_after(response),
        )
    if isinstance(exc, TimeoutError | aiohttp.ClientError | OSError | SlackClientError):
        return SlackUnreachable(method, type(exc).__name__)
    return None


class WebApiSlack:
    """SlackPort over one AsyncWebClient."""

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client

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
        response = await _call(
            "chat.postMessage",
            lambda: self.client.chat_postMessage(
                channel=channel,
                text=text,
                blocks=blocks,
                metadata=dict(metadata) if metadata is not None else None,
                unfurl_links=unfurl_links,
                unfurl_media=unfurl_media,
            ),
        )
        return Posted(_str(response.get("channel")), _str(response.get("ts")))

    async def update(
        self,
        channel: str,
        ts: str,
        text: str,
        *,
        blocks: list[dict[str, Any]] | None = None,
    ) -> str | None:
        response = await _call(
            "chat.update",
            lambda: self.client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks),
        )
        return _str(response.get("channel"))

    async def upload(
        self, channel: str, *, content: bytes, filename: str, title: str, alt_text: str
    ) -> None:
        await _call(
            "files.upload",
            lambda: self.client.files_upload_v2(
                channel=channel, file=content, filename=filename, title=title, alt_txt=alt_text
            ),
        )

    async def open_dm(self, user: str) -> str | None:
        response = await _call(
            "conversations.open", lambda: self.client.conversations_open(users=user)
        )
        opened = response.get("channel") or {}
        return _str(opened.get("id") if isinstance(opened, Mapping) else None)

    async def history(
        self, channel: str, *, oldest: str, limit: int, cursor: str | None = None
    ) -> HistoryPage:
        response = await _call(
            "conversations.history",
            lambda: self.client.conversations_history(
                channel=channel,
                oldest=oldest,
                limit=limit,
                include_all_metadata=True,
                cursor=cursor,
            ),
        )
        found = response.get("messages")
        messages = [m for m in found if isinstance(m, Mapping)] if isinstance(found, list) else []
        meta = response.get("response_metadata") or {}
        next_cursor = meta.get("next_cursor") if isinstance(meta, Mapping) else None
        return HistoryPage(messages, _str(next_cursor), bool(response.get("has_more")))

    async def permalink(self, channel: str, ts: str) -> str | None:
        response = await _call(
            "chat.getPermalink",
            lambda: self.client.chat_getPermalink(channel=channel, message_ts=ts),
        )
        return _str(response.get("permalink"))


async def _call(method: str, call: Callable[[], Awaitable[T]]) -> T:
    try:
        return await call()
    except Exception as exc:
        failure = slack_failure(method, exc)
        if failure is None:
            raise
        raise failure from exc


def _status(response: Any) -> int | None:
    for name in ("status_code", "status"):
        value = getattr(response, name, None)
        if isinstance(value, int):
            return value
    return None


def _error_code(response: Any) -> str | None:
    data = getattr(response, "data", None)
    if isinstance(data, Mapping):
        error = data.get("error")
        if isinstance(error, str) and error:
            return error[:100]
    return None


def _retry_after(response: Any) -> float | None:
    headers = getattr(response, "headers", None) or {}
    for name, value in headers.items():
        if str(name).lower() == "retry-after":
            text = value[0] if isinstance(value, list) and value else value
            return parse_retry_after(str(text))
    return None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
