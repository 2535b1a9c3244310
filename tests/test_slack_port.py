"""The services' Slack port over slack-sdk (bot/slack/web_api.py), against the Slack stand-in
over a socket: what each call sends and answers, and each failure turned into the port's
error the way the outbox's deliverer reads it (bot/services/delivery.py `classify`)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.services.delivery import Failure, classify
from bot.services.slack_port import SlackAnswered, SlackUnreachable
from bot.slack.web_api import WebApiSlack
from simulators.slack_api import RunningSlackStandin

TOKEN = "xoxb-roomops-demo"  # the `slack` fixture's
GENERAL = "C0GENERAL1"
ALICE = "U0ALICE001"


@pytest.fixture
async def port(slack: RunningSlackStandin) -> AsyncIterator[WebApiSlack]:
    async with aiohttp.ClientSession() as session:
        # As the deliverer's: no retries inside the client, so each failure is seen.
        client = AsyncWebClient(
            token=TOKEN, base_url=slack.api_url, session=session, retry_handlers=[], timeout=5
        )
        yield WebApiSlack(client)


async def test_a_post_lands_with_its_metadata_and_is_found_in_the_history(
    port: WebApiSlack, slack: RunningSlackStandin
) -> None:
    metadata = {"event_type": "roomops_outbox", "event_payload": {"id": 7}}
    posted = await port.post(GENERAL, "hello", metadata=metadata, unfurl_links=False)
    (message,) = slack.channel_messages(GENERAL)
    assert (posted.channel, posted.ts) == (GENERAL, message["ts"])
    (call,) = slack.calls_to("chat.postMessage")
    assert call.args["unfurl_links"] is False and "unfurl_media" not in call.args
    page = await port.history(GENERAL, oldest="0", limit=10)
    assert [(m["ts"], m["metadata"]) for m in page.messages] == [(posted.ts, metadata)]
    assert (page.has_more, page.next_cursor) == (False, None)
    assert posted.ts is not None
    assert await port.update(GENERAL, posted.ts, "edited") == GENERAL
    assert slack.channel_messages(GENERAL)[0]["text"] == "edited"


async def test_a_direct_message_channel_is_opened_by_user(port: WebApiSlack) -> None:
    dm = await port.open_dm(ALICE)
    assert dm is not None and dm.startswith("D")
    posted = await port.post(ALICE, "just you")
    assert posted.channel == dm


async def test_a_refusal_is_slacks_answer_and_final(
    port: WebApiSlack, slack: RunningSlackStandin
) -> None:
    slack.add_channel("G0SECRET01", "secret", is_private=True, is_member=False)
    with pytest.raises(SlackAnswered) as refused:
        await port.post("G0SECRET01", "hello")
    assert (refused.value.status, refused.value.error) == (200, "not_in_channel")
    assert "xoxb" not in str(refused.value)
    assert classify(refused.value) == Failure("not_in_channel", True, False)


async def test_a_rate_limit_carries_retry_after(
    port: WebApiSlack, slack: RunningSlackStandin
) -> None:
    slack.rate_limit("chat.update", retry_after=7)
    with pytest.raises(SlackAnswered) as limited:
        await port.update(GENERAL, "1.000001", "edited")
    assert (limited.value.status, limited.value.retry_after) == (429, 7.0)
    assert classify(limited.value) == Failure("ratelimited", False, False, 7.0)


async def test_a_dropped_connection_is_unreachable_and_may_have_landed(
    port: WebApiSlack, slack: RunningSlackStandin
) -> None:
    slack.drop_after_accepting("chat.postMessage")
    with pytest.raises(SlackUnreachable) as dropped:
        await port.post(GENERAL, "once")
    assert [m["text"] for m in slack.channel_messages(GENERAL)] == ["once"]
    failure = classify(dropped.value)
    assert failure.ambiguous and not failure.final and failure.error.startswith("connection: ")
