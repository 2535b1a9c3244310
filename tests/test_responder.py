"""Replies through response_url and Web API calls: bounded retries, capped Retry-After."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError

from bot.app import build_web_client
from bot.render.kit import Reply
from bot.settings import Settings
from bot.slack.responder import Responder, is_reply_url
from bot.slack.users import UserZones
from simulators.slack_api import RunningSlackStandin

TOKEN = "xoxb-roomops-demo"


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as shared:
        yield shared


def responder(
    session: aiohttp.ClientSession, slack: RunningSlackStandin, timeout: float = 2.0
) -> Responder:
    return Responder(
        session, api_url=slack.api_url, timeout=timeout, attempts=3, total_seconds=10, backoff=0.01
    )


@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_a_5xx_reply_is_retried(
    slack: RunningSlackStandin, session: aiohttp.ClientSession, status: int
) -> None:
    url = slack.new_response_url()
    slack.fail_responses(2, status=status)
    assert await responder(session, slack).send(url, Reply("hello"))
    assert [p.body["text"] for p in slack.responses_to(url)] == ["hello"]


async def test_a_timed_out_reply_is_retried(
    slack: RunningSlackStandin, session: aiohttp.ClientSession
) -> None:
    url = slack.new_response_url()
    slack.fail_responses(1, status=200, stall=3.0)
    started = time.monotonic()
    assert await responder(session, slack, timeout=1.0).send(url, Reply("late"))
    assert time.monotonic() - started < 3.0
    assert len(slack.responses_to(url)) == 1


async def test_retries_are_bounded(
    slack: RunningSlackStandin, session: aiohttp.ClientSession
) -> None:
    url = slack.new_response_url()
    slack.fail_responses(10, status=503)
    assert not await responder(session, slack).send(url, Reply("never"))
    slack.fail_responses(0)
    assert slack.responses_to(url) == []


async def test_every_reply_shares_one_pool(
    slack: RunningSlackStandin, session: aiohttp.ClientSession
) -> None:
    urls = [slack.new_response_url() for _ in range(5)]
    for url in urls:
        assert await responder(session, slack).send(url, Reply("x"))
    assert session.connector is not None and not session.closed


async def test_a_long_retry_after_from_slack_is_not_waited_out(
    slack: RunningSlackStandin, session: aiohttp.ClientSession
) -> None:
    settings = Settings(slack_bot_token=TOKEN, slack_api_url=slack.api_url)
    client = build_web_client(settings, session)
    slack.rate_limit("users.info", times=1, retry_after=1)
    response = await client.users_info(user="U0ALICE001")  # a short wait is honoured
    assert response["ok"]
    slack.rate_limit("users.info", times=1, retry_after=120)
    started = time.monotonic()
    with pytest.raises(SlackApiError):
        await client.users_info(user="U0ALICE001")
    assert time.monotonic() - started < 5


async def test_a_burst_from_one_new_user_asks_slack_for_their_zone_once(
    slack: RunningSlackStandin, session: aiohttp.ClientSession
) -> None:
    settings = Settings(slack_bot_token=TOKEN, slack_api_url=slack.api_url)
    zones = UserZones(build_web_client(settings, session))
    found = await asyncio.gather(*(zones.zone("U0BOB00002") for _ in range(50)))
    assert {z.key for z in found} == {"America/New_York"}
    assert len(slack.calls_to("users.info")) == 1
    await zones.zone("U0BOB00002")
    assert len(slack.calls_to("users.info")) == 1


STANDIN = "http://127.0.0.1:8123/api/"


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://hooks.slack.com/commands/T0/1/abc", True),
        ("https://hooks.slack.com:443/actions/T0/1/abc", True),
        ("http://127.0.0.1:8123/response/abc", True),  # SLACK_API_URL's host: the stand-in
        ("http://hooks.slack.com/commands/T0/1/abc", False),  # not https
        ("https://hooks.slack.com:8443/commands/x", False),
        ("https://hooks.slack.com.evil.example/commands/x", False),
        ("https://hooks.slack.com@evil.example/commands/x", False),
        ("https://user:pw@hooks.slack.com/commands/x", False),
        ("https://evil.example/commands/x", False),
        ("http://127.0.0.1:8124/response/abc", False),  # the stand-in's host, another port
        ("https://127.0.0.1:8123/response/abc", False),  # another scheme
        ("http://127.0.0.1:notaport/x", False),
        ("ftp://hooks.slack.com/x", False),
        ("", False),
    ],
)
def test_only_slack_and_the_api_host_receive_replies(url: str, allowed: bool) -> None:
    assert is_reply_url(url, STANDIN) is allowed


async def test_a_reply_to_another_host_is_refused_before_any_request(
    slack: RunningSlackStandin, session: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    url = slack.new_response_url().replace("127.0.0.1", "localhost")
    assert not await responder(session, slack).send(url, Reply("hello"))
    assert slack.responses == []
    assert [r.getMessage() for r in caplog.records if r.name == "bot.slack.responder"] == [
        "refused to reply through a response_url that is not Slack's"
    ]
