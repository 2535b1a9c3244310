"""Starting the bot the usual way (SLACK_BOT_TOKEN in the environment) logs nothing alarming."""

from __future__ import annotations

import logging

import aiohttp
import pytest
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from simulators import RunningSimulator
from simulators.slack_api import RunningSlackStandin
from tests.slack_driver import running_bot

UNUSED_TOKEN = "will be unused"


async def test_bolt_reads_the_environment_token_on_its_own(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # Why the bot has to do anything: a bare AsyncApp given a client warns at every start.
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-from-the-environment")
    caplog.set_level(logging.WARNING)
    async with aiohttp.ClientSession() as session:
        AsyncApp(
            client=AsyncWebClient(token="xoxb-from-settings", session=session),
            request_verification_enabled=False,
            logger=logging.getLogger("tests.bare_bolt"),
        )
    assert any(UNUSED_TOKEN in record.getMessage() for record in caplog.records)


async def test_starting_the_bot_logs_no_unused_token_warning(
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    sim: RunningSimulator,
    slack: RunningSlackStandin,
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-roomops-demo")
    caplog.set_level(logging.DEBUG)
    async with running_bot(sim, slack) as bot:
        reply = await bot.ask("help")
    assert reply  # the bot really started and served a command
    assert not [r.getMessage() for r in caplog.records if UNUSED_TOKEN in r.getMessage()]
    assert not [r for r in caplog.records if r.name.startswith("slack_bolt") and r.levelno >= 30]
