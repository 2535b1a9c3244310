"""The edge's refusals, tried as an attacker would, against the real bot over HTTP: a body's
encoding, size and shape are checked before Bolt; each refusal is a 4xx and one short log
line (never a 500 or a traceback), and nothing reaches Bolt, the store or any host but
Slack's. And the word "payload" in a command is just a word."""

from __future__ import annotations

import asyncio
import copy
import gzip
import json
import logging
import time
import zlib
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlencode

import pytest
from aiohttp import web

from bot.serve import build_web_app, edge_runner
from bot.slack.edge import slack_signature
from simulators.slack_payloads import block_action, signed_headers, slash_command
from tests.slack_driver import ALICE, BOB, CHANNEL, Driver, text_of
from tests.test_update_flow import ask_update, puts, request_message

EVENTS = "/slack/events"
FORM = "application/x-www-form-urlencoded"


@dataclass
class BoltSpy:
    """Counts the requests the edge hands to Bolt: a refusal must leave it at zero."""

    requests: list[dict[str, Any]] = field(default_factory=list)


@pytest.fixture
def bolt_spy(bot: Driver, monkeypatch: pytest.MonkeyPatch) -> BoltSpy:
    assert bot.runtime is not None
    bolt = bot.runtime.bolt
    spy = BoltSpy()
    dispatch = bolt.async_dispatch

    async def counted(request: Any) -> Any:
        spy.requests.append(request.body)
        return await dispatch(request)

    monkeypatch.setattr(bolt, "async_dispatch", counted)
    return spy


def edge_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    """What the edge logged, after checking nothing else said anything about it: no
    traceback anywhere, no error from aiohttp's server."""
    assert not [r for r in caplog.records if r.exc_info or r.exc_text]
    assert not [r for r in caplog.records if r.name.startswith("aiohttp")]
    return [r.getMessage() for r in caplog.records if r.name == "bot.serve"]


def signed(secret: str, body: bytes, content_type: str = FORM) -> dict[str, str]:
    stamp = str(int(time.time()))
    return {
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": slack_signature(secret, stamp, body),
        "Content-Type": content_type,
    }


async def until(condition: Any, seconds: float = 3.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"not so within {seconds} s"
        await asyncio.sleep(0.02)


@pytest.fixture
async def impatient(bot: Driver) -> AsyncIterator[str]:
    """The bot's edge, waiting 0.3 s (not 10) for a body to arrive."""
    assert bot.runtime is not None
    app = build_web_app(bot.runtime.bolt, signing_secret=bot.secret, body_seconds=0.3)
    runner = edge_runner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


async def raw_exchange(url: str, data: bytes, *, hang_up: bool = False) -> bytes:
    """Bytes on a bare connection, for what no HTTP client would send."""
    host, port = url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(data)
    await writer.drain()
    answer = b""
    if not hang_up:
        answer = await asyncio.wait_for(reader.read(4096), 3)
    writer.close()
    await writer.wait_closed()
    return answer


# -- "payload" is a word --------------------------------------------------------------------


@pytest.mark.parametrize(
    "names",
    [
        {},
        {"channel_name": "payload-team"},
        {"user_name": "payload"},
        {"team_domain": "payload-team"},
    ],
)
async def test_the_word_payload_is_just_a_word(bot: Driver, names: dict[str, str]) -> None:
    for text, says in [
        ("payload", "`payload` is not a /rooms command"),
        ("sessions limit=1 match=payload", "No room sessions matching match=payload."),
    ]:
        url = bot.slack.new_response_url()
        command = slash_command(text, response_url=url, user_id=ALICE, channel_id=CHANNEL)
        body = urlencode({**dict(parse_qsl(command)), **names})
        assert "payload" in body
        response = await bot.post(body)
        assert response.status_code == 200, response.text
        (reply,) = await bot.slack.wait_for_response(url, timeout=10)
        assert says in text_of(reply.body)


# -- encoding, size and hung-up bodies ------------------------------------------------------

NOT_DEFLATED = b"command=/rooms&text=sessions" * 4


@pytest.mark.parametrize(
    ("encoding", "body"),
    [
        ("deflate", NOT_DEFLATED),
        ("deflate", zlib.compress(NOT_DEFLATED)),
        ("gzip", gzip.compress(b"x" * 2_000_000)),  # a bomb stays a small body
        ("br", NOT_DEFLATED),
        ("identity, gzip", NOT_DEFLATED),
        ("x-unknown", NOT_DEFLATED),
    ],
)
async def test_an_encoded_body_is_refused_with_415_before_it_is_read(
    bot: Driver,
    bolt_spy: BoltSpy,
    caplog: pytest.LogCaptureFixture,
    encoding: str,
    body: bytes,
) -> None:
    caplog.set_level(logging.INFO)
    for headers in ({}, signed(bot.secret, body)):
        response = await bot.http.post(
            bot.url + EVENTS, content=body, headers={**headers, "Content-Encoding": encoding}
        )
        assert response.status_code == 415
        assert response.json() == {"error": "Content-Encoding other than identity"}
    lines = edge_lines(caplog)
    assert lines == ["refused a request: Content-Encoding other than identity"] * 2
    assert bolt_spy.requests == [] and bot.slack.responses == [] and bot.sim.requests == []


async def test_a_hundred_hostile_requests_log_a_hundred_short_lines(
    bot: Driver, bolt_spy: BoltSpy, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    headers = {"Content-Encoding": "deflate", "Content-Type": FORM}
    for _ in range(100):
        response = await bot.http.post(bot.url + EVENTS, content=NOT_DEFLATED, headers=headers)
        assert response.status_code == 415
    lines = edge_lines(caplog)
    assert len(lines) == 100
    assert sum(len(line) + 1 for line in lines) < 100 * 80  # was 431 KB of tracebacks
    assert bolt_spy.requests == []


async def test_a_second_content_encoding_header_is_seen_too(bot: Driver, bolt_spy: BoltSpy) -> None:
    head = (
        b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
        b"Content-Encoding: gzip\r\nContent-Encoding: identity\r\n\r\n"
    )
    answer = await raw_exchange(bot.url, head + b"abcd")
    assert answer.startswith(b"HTTP/1.1 415")
    assert bolt_spy.requests == []


async def test_an_identity_encoding_is_no_encoding(bot: Driver) -> None:
    url = bot.slack.new_response_url()
    body = slash_command("help", response_url=url, user_id=ALICE, channel_id=CHANNEL)
    headers = {**signed_headers(bot.secret, body), "Content-Encoding": "Identity"}
    response = await bot.http.post(bot.url + EVENTS, content=body, headers=headers)
    assert response.status_code == 200
    await bot.slack.wait_for_response(url, timeout=10)


async def test_a_declared_size_over_the_cap_is_refused_unread(
    bot: Driver, bolt_spy: BoltSpy, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    head = b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 50000000\r\n\r\n"
    answer = await raw_exchange(bot.url, head + b"command=")
    assert answer.startswith(b"HTTP/1.1 413")
    assert edge_lines(caplog) == ["refused a request: body larger than a Slack payload"]
    assert bolt_spy.requests == []


async def test_a_client_that_hangs_up_mid_body_costs_one_line(
    bot: Driver, bolt_spy: BoltSpy, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    head = b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n"
    await raw_exchange(bot.url, head + b"command=/rooms", hang_up=True)
    await until(lambda: edge_lines(caplog))
    await asyncio.sleep(0.1)  # anything more would come now
    assert edge_lines(caplog) == [
        "refused a request: body could not be read (ConnectionResetError)"
    ]
    assert bolt_spy.requests == []


async def test_bad_chunking_gets_400_and_one_line(
    bot: Driver, bolt_spy: BoltSpy, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    head = b"POST /slack/events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    answer = await raw_exchange(bot.url, head + b"5\r\nhello\r\nzz\r\nabc\r\n0\r\n\r\n")
    assert answer.split(b"\r\n", 1)[0].endswith(b"400 Bad Request")
    assert edge_lines(caplog) == ["refused a request: unreadable (BadHttpMessage)"]
    assert bolt_spy.requests == []


async def test_a_bad_chunk_after_the_headers_ends_within_the_deadline(
    impatient: str, caplog: pytest.LogCaptureFixture
) -> None:
    """aiohttp does not fail a body whose later chunk is malformed: the read deadline does."""
    caplog.set_level(logging.INFO)
    head = b"POST /slack/events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    host, port = impatient.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(head + b"5\r\nhello\r\n")
    await writer.drain()
    await asyncio.sleep(0.1)  # the handler is reading the body when the bad chunk comes
    writer.write(b"zz\r\nabc\r\n0\r\n\r\n")
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(4096), 3)
    writer.close()
    assert answer.startswith(b"HTTP/1.1 408")
    lines = edge_lines(caplog)
    assert "refused a request: body not received in time" in lines
    assert len(lines) <= 2 and all(len(line) < 80 and "zz" not in line for line in lines)


async def test_a_body_still_arriving_after_the_deadline_gets_408(
    impatient: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    head = b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n"
    started = time.monotonic()
    answer = await raw_exchange(impatient, head + b"command=")
    assert time.monotonic() - started < 2
    assert answer.startswith(b"HTTP/1.1 408")
    assert edge_lines(caplog) == ["refused a request: body not received in time"]


# -- signed, but not shaped like Slack's payloads -------------------------------------------


def interactive(payload: dict[str, Any]) -> bytes:
    return urlencode({"payload": json.dumps(payload)}).encode()


def click_payload(
    url: str,
    action: dict[str, Any] | None = None,
    *,
    user_id: str = ALICE,
    channel_id: str = CHANNEL,
) -> dict[str, Any]:
    """A button click's payload as Slack sends it (decoded), to be reshaped."""
    action = action or {"action_id": "rooms_more", "block_id": "b", "type": "button", "value": "x"}
    body = block_action(action, response_url=url, user_id=user_id, channel_id=channel_id)
    payload: dict[str, Any] = json.loads(parse_qs(body)["payload"][0])
    return payload


VIEW = {"type": "modal", "callback_id": "rooms_update_form", "private_metadata": "x"}
SUBMISSION = {
    "type": "view_submission",
    "team": {"id": "T0ROOMOPS1"},
    "user": {"id": ALICE},
    "view": {**VIEW, "state": {"values": {}}},
}
EVENT = {
    "type": "event_callback",
    "team_id": "T0ROOMOPS1",
    "event_id": "Ev0SHAPE001",
    "event": {"type": "app_home_opened", "user": ALICE, "tab": "home"},
}

MALFORMED: dict[str, tuple[str, dict[str, Any]]] = {
    "actions empty": ("actions is not a non-empty list", {"actions": []}),
    "actions not a list": ("actions is not a non-empty list", {"actions": {"0": {}}}),
    "action without id": ("an action has no action_id", {"actions": [{"type": "button"}]}),
    "user a string": ("user.id is not a Slack user id", {"user": ALICE}),
    "user.id a list": ("user.id is not a Slack user id", {"user": {"id": [ALICE]}}),
    "user.id not an id": ("user.id is not a Slack user id", {"user": {"id": "alice"}}),
    "team.id a number": ("team.id is not a Slack workspace id", {"team": {"id": 7}}),
    "channel.id a list": ("channel.id is not a Slack channel id", {"channel": {"id": ["C"]}}),
    "state.values a list": ("state.values is not an object of inputs", {"state": {"values": []}}),
    "message a string": ("message is not an object", {"message": "hi"}),
    "no response_url": ("no response_url", {"response_url": None}),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
async def test_a_malformed_click_gets_400_and_reaches_nothing(
    bot: Driver, bolt_spy: BoltSpy, caplog: pytest.LogCaptureFixture, case: str
) -> None:
    caplog.set_level(logging.INFO)
    reason, changes = MALFORMED[case]
    url = bot.slack.new_response_url()
    payload = {k: v for k, v in {**click_payload(url), **changes}.items() if v is not None}
    body = interactive(payload)
    response = await bot.http.post(bot.url + EVENTS, content=body, headers=signed(bot.secret, body))
    assert response.status_code == 400
    assert response.json() == {"error": f"malformed Slack payload: {reason}"}
    (line,) = edge_lines(caplog)
    assert line.startswith(f"refused a request: malformed Slack payload: {reason}")
    assert bolt_spy.requests == [] and bot.slack.responses == []


@pytest.mark.parametrize(
    ("reason", "payload", "content_type"),
    [
        ("view.type is missing", {**SUBMISSION, "view": {**VIEW, "type": None}}, FORM),
        ("view.state is missing", {**SUBMISSION, "view": VIEW}, FORM),
        ("view is not an object", {**SUBMISSION, "view": "modal"}, FORM),
        (
            "view.state.values is not an object of inputs",
            {**SUBMISSION, "view": {**VIEW, "state": {"values": [1]}}},
            FORM,
        ),
        ("event is not an object", {**EVENT, "event": "app_home_opened"}, "application/json"),
        ("event.type is missing", {**EVENT, "event": {"user": ALICE}}, "application/json"),
        (
            "event.user is not a Slack user id",
            {**EVENT, "event": {"type": "app_home_opened", "user": [ALICE]}},
            "application/json",
        ),
        ("no event_id", {**EVENT, "event_id": None}, "application/json"),
        ("team_id is not a Slack workspace id", {**EVENT, "team_id": ["T"]}, "application/json"),
        (
            "authorizations is not a list of objects",
            {**EVENT, "authorizations": "all"},
            "application/json",
        ),
        ("no payload type", {"user": {"id": ALICE}}, FORM),
    ],
)
async def test_malformed_views_and_events_get_400(
    bot: Driver,
    bolt_spy: BoltSpy,
    caplog: pytest.LogCaptureFixture,
    reason: str,
    payload: dict[str, Any],
    content_type: str,
) -> None:
    caplog.set_level(logging.INFO)
    payload = {k: v for k, v in payload.items() if v is not None}
    payload["view"] = (
        {k: v for k, v in payload["view"].items() if v is not None}
        if isinstance(payload.get("view"), dict)
        else payload.get("view")
    )
    if payload["view"] is None:
        del payload["view"]
    body = json.dumps(payload).encode() if content_type != FORM else interactive(payload)
    response = await bot.http.post(
        bot.url + EVENTS, content=body, headers=signed(bot.secret, body, content_type)
    )
    assert response.status_code == 400
    assert response.json() == {"error": f"malformed Slack payload: {reason}"}
    assert len(edge_lines(caplog)) == 1
    assert bolt_spy.requests == [] and bot.slack.calls_to("views.publish") == []


@pytest.mark.parametrize(
    ("field_name", "value", "reason"),
    [
        ("user_id", "alice", "user_id is not a Slack user id"),
        ("user_id", "", "user_id is not a Slack user id"),
        ("channel_id", "general", "channel_id is not a Slack channel id"),
        ("team_id", "T", "team_id is not a Slack workspace id"),
        ("response_url", "", "no response_url"),
        ("command", "rooms", "command is not a slash command"),
    ],
)
async def test_a_command_with_bad_ids_gets_400(
    bot: Driver, bolt_spy: BoltSpy, field_name: str, value: str, reason: str
) -> None:
    url = bot.slack.new_response_url()
    fields = {
        "command": "/rooms",
        "text": "sessions",
        "user_id": ALICE,
        "channel_id": CHANNEL,
        "team_id": "T0ROOMOPS1",
        "response_url": url,
        field_name: value,
    }
    body = urlencode(fields).encode()
    response = await bot.http.post(bot.url + EVENTS, content=body, headers=signed(bot.secret, body))
    assert response.status_code == 400
    assert response.json() == {"error": f"malformed Slack payload: {reason}"}
    assert bolt_spy.requests == [] and bot.sim.requests == []


async def test_an_approve_click_with_a_list_for_a_user_id_changes_nothing(
    bot: Driver, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    request_id = await ask_update(bot)
    assert bot.runtime is not None and bot.runtime.store is not None
    store = bot.runtime.store
    audit_before = await store.audit.for_request(request_id)
    message = request_message(bot.slack)
    approve = next(b for b in message["blocks"] if b["type"] == "actions")["elements"][0]
    url = bot.slack.new_response_url()
    payload = click_payload(url, approve, user_id=BOB, channel_id="C0APPROVAL")
    payload["user"]["id"] = [BOB]
    raw = interactive(payload)
    response = await bot.http.post(bot.url + EVENTS, content=raw, headers=signed(bot.secret, raw))
    assert response.status_code == 400
    assert "user.id is not a Slack user id" in response.text
    await asyncio.sleep(0.2)
    stored = await store.approvals.get(request_id)
    assert stored is not None and stored.status.value == "pending"
    assert await store.audit.for_request(request_id) == audit_before
    assert puts(bot.sim) == [] and bot.slack.responses_to(url) == []
    # The same click with Slack's shape goes through.
    decided = await bot.press(copy.deepcopy(message), "Approve", user=BOB)
    assert "applied" in text_of(decided)


# -- replies go only to Slack ---------------------------------------------------------------


@dataclass
class ForeignHost:
    """A second HTTP server, standing for any host a forged response_url might name."""

    url: str
    received: list[str]


@pytest.fixture
async def foreign() -> AsyncIterator[ForeignHost]:
    received: list[str] = []

    async def record(request: web.Request) -> web.Response:
        received.append(f"{request.method} {request.path}")
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", record)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield ForeignHost(f"http://127.0.0.1:{runner.addresses[0][1]}", received)
    finally:
        await runner.cleanup()


def refused_replies(caplog: pytest.LogCaptureFixture) -> Iterator[str]:
    for record in caplog.records:
        if record.name == "bot.slack.responder" and "not Slack's" in record.getMessage():
            yield record.getMessage()


@pytest.mark.parametrize("kind", ["command", "click"])
async def test_a_response_url_on_another_host_is_never_called(
    bot: Driver, foreign: ForeignHost, caplog: pytest.LogCaptureFixture, kind: str
) -> None:
    caplog.set_level(logging.INFO)
    elsewhere = f"{foreign.url}/response/stolen"
    if kind == "command":
        body = slash_command("help", response_url=elsewhere, user_id=ALICE, channel_id=CHANNEL)
    else:
        listing = await bot.ask("sessions limit=1")
        more = next(b for b in listing["blocks"] if b["type"] == "actions")["elements"][0]
        body = block_action(
            {**more, "block_id": "b"}, response_url=elsewhere, user_id=ALICE, channel_id=CHANNEL
        )
    response = await bot.post(body)
    assert response.status_code == 200
    await until(lambda: list(refused_replies(caplog)))
    await asyncio.sleep(0.2)
    assert foreign.received == []
    assert list(refused_replies(caplog)) == [
        "refused to reply through a response_url that is not Slack's"
    ]
    assert not [r for r in caplog.records if r.exc_info]
    # The stand-in, at SLACK_API_URL's host, is answered as ever.
    assert text_of(await bot.ask("help"))
