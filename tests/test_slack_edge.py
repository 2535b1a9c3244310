"""The edge under attack: nothing from a request runs, is sent or is logged before its
signature is verified; button values are the bot's own or nothing; each delivery once."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from bot.slack.edge import slack_signature
from simulators import RunningSimulator
from simulators.slack_api import RunningSlackStandin
from simulators.slack_payloads import block_action, signed_headers, slash_command
from tests.slack_driver import ALICE, CHANNEL, Driver, running_bot, text_of

STALE = "That button no longer works. Run the command again to get fresh buttons."


class Listener:
    """A socket that records every connection: proof that nothing was sent to it."""

    def __init__(self) -> None:
        self.connections = 0
        self.port = 0
        self._server: asyncio.Server | None = None

    async def __aenter__(self) -> Listener:
        async def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            self.connections += 1
            writer.close()

        self._server = await asyncio.start_server(accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *_: object) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()


async def click_with_value(bot: Driver, message: dict[str, Any], value: str) -> dict[str, Any]:
    actions = next(b for b in message["blocks"] if b["type"] == "actions")
    action = {**actions["elements"][0], "value": value, "block_id": actions.get("block_id")}
    url = bot.slack.new_response_url()
    body = block_action(action, response_url=url, user_id=ALICE, channel_id=CHANNEL)
    response = await bot.post(body)
    assert response.status_code == 200
    posts = await bot.slack.wait_for_response(url, timeout=10)
    return posts[0].body


# -- button values -------------------------------------------------------------------------


async def test_a_forged_cursor_cannot_send_credentials_to_another_host(bot: Driver) -> None:
    listing = await bot.ask("sessions limit=5")
    async with Listener() as elsewhere:
        cursor = f"http://127.0.0.1:{elsewhere.port}/api/video/room_sessions?page_size=5"
        value = json.dumps({"kind": "sessions", "limit": 5, "shown": 0, "cursor": cursor})
        reply = await click_with_value(bot, listing, value)
        await asyncio.sleep(0.2)
    assert text_of(reply) == STALE
    assert elsewhere.connections == 0
    assert len(bot.sim.requests) == 1  # the listing only


@pytest.mark.parametrize(
    "value",
    [
        '{"kind":"sessions","limit":5,"shown":0,"cursor":"/api/video/room_sessions?page_size=1000"}',
        '{"kind":"sessions","limit":5,"shown":0,"room":"../../x?y=1&page_size=999"}',
        '{"kind":"sessions","limit":5,"shown":0,"match":"' + "x" * 5000 + '"}',
        "",
    ],
)
async def test_hand_made_button_values_are_refused_without_a_provider_call(
    bot: Driver, value: str
) -> None:
    listing = await bot.ask("sessions limit=5")
    reply = await click_with_value(bot, listing, value)
    assert text_of(reply) == STALE
    assert len(bot.sim.requests) == 1


async def test_a_tampered_or_foreign_value_is_refused(bot: Driver) -> None:
    listing = await bot.ask("sessions limit=2")
    more = next(b for b in listing["blocks"] if b["type"] == "actions")["elements"][0]["value"]
    tampered = more[:-2] + ("AA" if not more.endswith("AA") else "BB")
    assert text_of(await click_with_value(bot, listing, tampered)) == STALE
    details = next(b["accessory"]["value"] for b in listing["blocks"] if "accessory" in b)
    assert text_of(await click_with_value(bot, listing, details)) == STALE
    assert len(bot.sim.requests) == 1


async def test_a_details_value_must_be_signed_too(bot: Driver) -> None:
    listing = await bot.ask("sessions limit=1")
    row = next(b for b in listing["blocks"] if "accessory" in b)
    url = bot.slack.new_response_url()
    action = {**row["accessory"], "value": bot.sim.dataset.session(3).id, "block_id": "x"}
    await bot.post(block_action(action, response_url=url, user_id=ALICE, channel_id=CHANNEL))
    posts = await bot.slack.wait_for_response(url, timeout=10)
    assert text_of(posts[0].body) == STALE
    assert len(bot.sim.requests) == 1


async def test_more_pages_carry_the_page_size_the_bot_chose(bot: Driver) -> None:
    first = await bot.ask("sessions limit=3 status=completed")
    await bot.press(first, "More")
    follow_up = bot.sim.requests[-1].query
    assert follow_up["page_size"] == "3" and follow_up["status"] == "completed"
    assert "page_token" in follow_up


# -- unverified requests -------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["command", "action"])
async def test_an_unverified_request_never_reaches_its_response_url(
    bot: Driver, kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    url = bot.slack.new_response_url()
    if kind == "command":
        body = slash_command("sessions", response_url=url, user_id=ALICE, channel_id=CHANNEL)
    else:
        action = {"action_id": "rooms_more", "value": "x", "type": "button"}
        body = block_action(action, response_url=url, user_id=ALICE, channel_id=CHANNEL)
    for timestamp in ("abc", "", "1e9", str(int(time.time()))):
        headers = {
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": "v0=" + "0" * 64,
            "Content-Type": "application/x-www-form-urlencoded",
        }
        response = await bot.http.post(f"{bot.url}/slack/events", content=body, headers=headers)
        assert response.status_code == 401
    await asyncio.sleep(0.3)
    assert bot.slack.responses == [] and bot.sim.requests == []
    assert url not in caplog.text
    assert not [r for r in caplog.records if r.exc_info]


async def test_an_unverified_body_is_not_logged(
    bot: Driver, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    body = "command=/rooms&text=" + "A" * 1_000_000
    headers = {"X-Slack-Request-Timestamp": "1", "X-Slack-Signature": "v0=" + "0" * 64}
    response = await bot.http.post(f"{bot.url}/slack/events", content=body, headers=headers)
    assert response.status_code == 401
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "AAAA" not in logged
    # The outbox's deliverer polls the database every second; at DEBUG the driver logs
    # each poll, which says nothing about this request.
    about_it = "\n".join(r.getMessage() for r in caplog.records if r.name != "aiosqlite")
    assert len(about_it) < 2000
    assert "refused a request" in logged and "bytes" in logged
    too_big = await bot.http.post(f"{bot.url}/slack/events", content=body * 2, headers=headers)
    assert too_big.status_code == 413


MALFORMED: list[tuple[bytes, str]] = [
    (b"command=/rooms&text=\xff\xfe", "application/x-www-form-urlencoded"),
    (b"command=/rooms&text=help", "application/x-www-form-urlencoded; charset=bogus"),
    (b"{not json", "application/json"),
    (b"[1, 2]", "application/json"),
    (urlencode({"payload": "{not-json"}).encode(), "application/x-www-form-urlencoded"),
    (urlencode({"payload": "[1,2]"}).encode(), "application/x-www-form-urlencoded"),
    (b"command=/rooms", "text/plain"),
]


@pytest.mark.parametrize(("body", "content_type"), MALFORMED)
async def test_malformed_bodies_get_a_4xx_and_no_traceback(
    bot: Driver, body: bytes, content_type: str, caplog: pytest.LogCaptureFixture
) -> None:
    stamp = str(int(time.time()))
    signature = slack_signature(bot.secret, stamp, body)
    headers = {
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature,
        "Content-Type": content_type,
    }
    verified = await bot.http.post(f"{bot.url}/slack/events", content=body, headers=headers)
    unsigned = await bot.http.post(
        f"{bot.url}/slack/events", content=body, headers={"Content-Type": content_type}
    )
    assert verified.status_code == 400, verified.text
    assert unsigned.status_code == 401
    assert "Traceback" not in verified.text + unsigned.text
    assert not [r for r in caplog.records if r.exc_info]


# -- access and duplicates -----------------------------------------------------------------


async def test_allowed_channels_applies_when_the_channel_is_missing(
    sim: RunningSimulator, slack: RunningSlackStandin
) -> None:
    async with running_bot(sim, slack, allowed_channels=("C0OPS00001",)) as bot:
        url = slack.new_response_url()
        fields = dict(
            pair.split("=", 1)
            for pair in slash_command(
                "sessions", response_url=url, user_id=ALICE, channel_id="X"
            ).split("&")
        )
        del fields["channel_id"]
        body = "&".join(f"{k}={v}" for k, v in fields.items())
        response = await bot.post(body)
        assert response.status_code == 200
        assert "not enabled in this channel" in response.json()["text"]
        await asyncio.sleep(0.2)
        assert sim.requests == []


async def test_a_replayed_command_is_served_once(bot: Driver) -> None:
    url = bot.slack.new_response_url()
    body = slash_command("sessions limit=1", response_url=url, user_id=ALICE, channel_id=CHANNEL)
    headers = signed_headers(bot.secret, body)
    first = await bot.http.post(f"{bot.url}/slack/events", content=body, headers=headers)
    again = await bot.http.post(f"{bot.url}/slack/events", content=body, headers=headers)
    assert first.status_code == 200 and again.status_code == 200 and again.text == ""
    await bot.slack.wait_for_response(url, timeout=10)
    await asyncio.sleep(0.3)
    assert len(bot.slack.responses_to(url)) == 1
    assert len(bot.sim.requests) == 1


async def test_a_retried_event_is_served_once(bot: Driver) -> None:
    event = {
        "token": "x",
        "team_id": "T0ROOMOPS1",
        "api_app_id": "A0ROOMOPS1",
        "type": "event_callback",
        "event_id": "Ev0RETRY01",
        "event_time": int(time.time()),
        "event": {"type": "app_home_opened", "user": ALICE, "channel": "D0ALICE", "tab": "home"},
    }
    for retry in range(3):
        body = json.dumps(event)
        # Each retry is signed anew (a later timestamp), and says it is a retry.
        headers = signed_headers(bot.secret, body, timestamp=int(time.time()) + retry)
        headers["Content-Type"] = "application/json"
        if retry:
            headers["X-Slack-Retry-Num"] = str(retry)
            headers["X-Slack-Retry-Reason"] = "http_timeout"
        response = await bot.http.post(f"{bot.url}/slack/events", content=body, headers=headers)
        assert response.status_code == 200
    await bot.slack.wait_for_call("views.publish")
    await asyncio.sleep(0.3)
    assert len(bot.slack.calls_to("views.publish")) == 1


async def test_a_command_replayed_to_another_replica_is_served_once(
    sim: RunningSimulator, slack: RunningSlackStandin, tmp_path: Path
) -> None:
    shared = {"database_url": f"sqlite:///{tmp_path}/shared.db"}
    async with running_bot(sim, slack, **shared) as one, running_bot(sim, slack, **shared) as two:
        url = slack.new_response_url()
        body = slash_command(
            "sessions limit=1", response_url=url, user_id=ALICE, channel_id=CHANNEL
        )
        headers = signed_headers(one.secret, body)
        first = await one.http.post(f"{one.url}/slack/events", content=body, headers=headers)
        again = await two.http.post(f"{two.url}/slack/events", content=body, headers=headers)
        # The other replica has not seen it: it acknowledges, then the store says "served".
        assert first.status_code == 200 and again.status_code == 200
        await slack.wait_for_response(url, timeout=10)
        await asyncio.sleep(0.8)
        assert len(slack.responses_to(url)) == 1
        assert len(sim.requests) == 1
