"""`python -m bot socket` end to end, no mocks: Bolt's real AsyncSocketModeHandler (slack_sdk's
aiohttp Socket Mode client) opens a loopback WebSocket to the Slack stand-in; commands arrive
as envelopes, acks go back on the socket, replies reach the stand-in's response_url and the
data comes from the SignalWire simulator."""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

import aiohttp
import pytest
from pydantic import SecretStr
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.app import build_runtime
from bot.demo import DEMO_BOT_TOKEN, demo_settings
from bot.serve import serve_socket
from bot.settings import Settings
from simulators import RunningSimulator, SimulatorConfig, run_simulator
from simulators.slack_api import RunningSlackStandin, run_slack_standin
from simulators.slack_payloads import slash_command

APP_TOKEN = "xapp-1-A0ROOMOPS1-socket-test"
ALICE = "U0ALICE001"
CHANNEL = "C0GENERAL1"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass
class Answered:
    envelope_id: str
    ack: dict[str, Any]
    ack_seconds: float
    reply: dict[str, Any]

    @property
    def text(self) -> str:
        return str(self.reply.get("text") or "")


@dataclass
class Bot:
    sim: RunningSimulator
    slack: RunningSlackStandin

    async def command(self, text: str) -> Answered:
        """`/rooms text` pushed as a slash_commands envelope; its ack and its one reply."""
        url = self.slack.new_response_url()
        # Slack sends the same fields it would POST over HTTP, as a JSON object.
        form = slash_command(text, response_url=url, user_id=ALICE, channel_id=CHANNEL)
        started = time.monotonic()
        envelope_id = await self.slack.socket_send("slash_commands", dict(parse_qsl(form)))
        ack = await self.slack.socket_wait_ack(envelope_id, timeout=3)
        ack_seconds = time.monotonic() - started
        posts = await self.slack.wait_for_response(url, timeout=3)
        assert len(posts) == 1
        return Answered(envelope_id, ack, ack_seconds, posts[0].body)


def socket_settings(sim: RunningSimulator, slack: RunningSlackStandin, app_token: str) -> Settings:
    base = demo_settings(slack.api_url, sim.provider_settings())
    return base.model_copy(update={"slack_app_token": SecretStr(app_token)})


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    # slack_sdk's Socket Mode client routes even loopback WebSockets through an env proxy.
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
async def sim() -> AsyncIterator[RunningSimulator]:
    now = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)
    async with run_simulator(SimulatorConfig(seed=7, now=now, session_count=200)) as running:
        yield running


@pytest.fixture
async def slack() -> AsyncIterator[RunningSlackStandin]:
    async with run_slack_standin(bot_token=DEMO_BOT_TOKEN, app_token=APP_TOKEN) as running:
        yield running


@pytest.fixture
async def bot(sim: RunningSimulator, slack: RunningSlackStandin) -> AsyncIterator[Bot]:
    runtime = build_runtime(socket_settings(sim, slack, APP_TOKEN))
    async with serve_socket(runtime, APP_TOKEN):
        await slack.wait_socket_connected(timeout=2)
        yield Bot(sim, slack)
    # The client closed the socket itself; the stand-in saw it go.
    await slack.wait_socket_disconnected(timeout=2)


# -- the stand-in's side of the protocol ---------------------------------------------------


async def test_connections_open_takes_only_the_app_token(slack: RunningSlackStandin) -> None:
    async def open_with(token: str | None) -> str:
        client = AsyncWebClient(base_url=slack.api_url)
        try:
            reply = await client.api_call(
                "apps.connections.open", params={"token": token} if token else {}
            )
        except SlackApiError as refused:
            return str(refused.response["error"])
        return str(reply["url"])

    assert await open_with(None) == "not_authed"
    assert await open_with("xapp-wrong") == "invalid_auth"
    assert await open_with(DEMO_BOT_TOKEN) == "not_allowed_token_type"
    url = await open_with(APP_TOKEN)
    assert url.startswith(slack.base_url.replace("http://", "ws://") + "/socket-mode/")
    with pytest.raises(SlackApiError) as wrong_kind:
        await AsyncWebClient(token=APP_TOKEN, base_url=slack.api_url).auth_test()
    assert wrong_kind.value.response["error"] == "not_allowed_token_type"


async def test_socket_greets_pongs_pushes_and_records_acks(slack: RunningSlackStandin) -> None:
    with pytest.raises(RuntimeError, match="no Socket Mode client"):
        await slack.socket_send("slash_commands", {})
    opened = await AsyncWebClient(base_url=slack.api_url).apps_connections_open(app_token=APP_TOKEN)
    async with (
        aiohttp.ClientSession() as http,
        http.ws_connect(opened["url"], autoping=False) as ws,
    ):
        hello = await ws.receive_json(timeout=2)
        assert hello["type"] == "hello"
        assert hello["connection_info"] == {"app_id": "A0ROOMOPS1"}
        assert hello["num_connections"] == 1 and "debug_info" in hello
        await slack.wait_socket_connected(timeout=1)

        await ws.ping(b"sdk-ping-pong:1.5")
        pong = await ws.receive(timeout=2)
        assert (pong.type, pong.data) == (aiohttp.WSMsgType.PONG, b"sdk-ping-pong:1.5")

        with pytest.raises(ValueError, match="envelope type"):
            await slack.socket_send("block_actions", {})
        envelope_id = await slack.socket_send(
            "events_api", {"type": "event_callback"}, accepts_response_payload=False
        )
        envelope = await ws.receive_json(timeout=2)
        assert envelope == {
            "envelope_id": envelope_id,
            "payload": {"type": "event_callback"},
            "type": "events_api",
            "accepts_response_payload": False,
            "retry_attempt": 0,
            "retry_reason": "",
        }
        await ws.send_str(json.dumps({"envelope_id": envelope_id, "payload": {"text": "hi"}}))
        ack = await slack.socket_wait_ack(envelope_id, timeout=2)
        assert ack == {"envelope_id": envelope_id, "payload": {"text": "hi"}}
    await slack.wait_socket_disconnected(timeout=2)
    assert not slack.socket_connected.is_set()
    with pytest.raises(TimeoutError, match="acks of envelope"):
        await slack.socket_wait_ack("never-sent", timeout=0.05)


# -- the real bot in Socket Mode -----------------------------------------------------------


async def test_bot_connects_with_the_app_token(bot: Bot) -> None:
    opened = bot.slack.calls_to("apps.connections.open")
    assert [(c.token, c.ok) for c in opened] == [(APP_TOKEN, True)]
    assert bot.slack.socket_connections == 1


async def test_sessions_acked_on_the_socket_then_answered_at_the_response_url(bot: Bot) -> None:
    answered = await bot.command("sessions limit=3")
    assert answered.ack == {"envelope_id": answered.envelope_id}
    assert answered.ack_seconds < 1.0  # Slack gives up after 3 s
    assert UUID.findall(answered.text) == [bot.sim.dataset.session(i).id for i in range(3)]
    assert answered.reply["response_type"] == "ephemeral"
    assert [r.query for r in bot.sim.requests] == [{"page_size": "3"}]


async def test_help(bot: Bot) -> None:
    answered = await bot.command("help")
    assert answered.ack == {"envelope_id": answered.envelope_id}
    for usage in ("/rooms sessions", "/rooms session UUID", "/rooms list", "/rooms room"):
        assert usage in answered.text
    assert bot.sim.requests == []


async def test_bad_session_id_is_explained_without_calling_the_provider(bot: Bot) -> None:
    answered = await bot.command("session nope")
    assert answered.ack == {"envelope_id": answered.envelope_id}
    assert "`nope` is not a session id" in answered.text
    assert bot.sim.requests == []


async def test_wrong_app_token_fails_to_connect_promptly(
    sim: RunningSimulator, slack: RunningSlackStandin
) -> None:
    runtime = build_runtime(socket_settings(sim, slack, "xapp-wrong"))
    with pytest.raises(SlackApiError) as refused:
        async with asyncio.timeout(2), serve_socket(runtime, "xapp-wrong"):
            pass
    assert refused.value.response["error"] == "invalid_auth"
    assert not slack.socket_connected.is_set()


async def test_cli_socket_mode_with_a_refused_token_exits_2_naming_it(
    sim: RunningSimulator, slack: RunningSlackStandin
) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SIGNALWIRE_"))},
        "SLACK_BOT_TOKEN": "xoxb-roomops-demo",
        "SLACK_APP_TOKEN": "xapp-refused-token-value",
        "SLACK_API_URL": slack.api_url,
        "SIGNALWIRE_BASE_URL": sim.base_url,
        "SIGNALWIRE_PROJECT_ID": sim.config.project_id,
        "SIGNALWIRE_API_TOKEN": sim.config.api_token,
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "socket", env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    async with asyncio.timeout(30):
        out, err = await proc.communicate()
    assert proc.returncode == 2
    assert (
        err.decode().strip().splitlines()[-1] == "SLACK_APP_TOKEN: Slack refused it (invalid_auth)"
    )
    assert b"xapp-refused-token-value" not in out + err
    assert b"Traceback" not in err
