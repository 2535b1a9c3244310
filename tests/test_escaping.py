"""Provider strings and echoes are escaped everywhere Slack parses mrkdwn: blocks and the
`text` fallback. A room called `<!channel>` pings nobody."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.commands.errors import UsageError
from bot.providers.errors import Invalid
from bot.providers.models import Conference, Room, RoomSession
from bot.render.kit import SECTION_TEXT_LIMIT, Reply
from bot.render.text import bold, clip_mrkdwn, code, echo, escape, plain, sentence
from bot.slack.blocks.context import RenderContext
from bot.slack.blocks.home import render_home
from bot.slack.blocks.rooms import render_conference, render_room, render_room_list
from bot.slack.blocks.sessions import render_session, render_session_list
from bot.slack.errors import describe_failure
from bot.slack.subcommands.registry import REGISTRY, parse

CTX = RenderContext(now=datetime(2026, 11, 20, 12, tzinfo=UTC))
HOSTILE = "<!channel> *x* `y` & <@U1|boss> <https://evil.example|click>"
MENTIONS = ("<!channel>", "<@U1", "<https://evil")


def hostile_session() -> RoomSession:
    return RoomSession.model_validate(
        {
            "id": "3f1c2b7e-8d4a-4c1e-9b7a-2f5e6d7c8b9a",
            "name": "<!here>",
            "display_name": HOSTILE,
            "status": "<!everyone>",
            "layout": HOSTILE,
            "start_time": "2026-11-20T10:00:00Z",
            "unknown_field": HOSTILE,
        }
    )


def hostile_room() -> Room:
    return Room.model_validate(
        {
            "id": "<!channel>",
            "name": "<!here>",
            "display_name": HOSTILE,
            "description": "&" * 3000,
            "quality": HOSTILE,
            "layout": HOSTILE,
            "meta": {"k": HOSTILE},
            "active_session": hostile_session().model_dump(),
        }
    )


def every_text(payload: Any) -> list[str]:
    """Every string Slack reads as mrkdwn (plain_text objects show mentions literally)."""
    if isinstance(payload, dict) and payload.get("type") == "plain_text":
        return []
    if isinstance(payload, dict):
        return [t for value in payload.values() for t in every_text(value)]
    if isinstance(payload, list):
        return [t for value in payload for t in every_text(value)]
    return [payload] if isinstance(payload, str) else []


def assert_pings_nobody(payload: dict[str, Any]) -> None:
    for text in every_text(payload):
        for mention in (*MENTIONS, "<!here>", "<!everyone>"):
            assert mention not in text, text


@pytest.mark.parametrize(
    "reply",
    [
        render_session_list([hostile_session()], CTX, filters="match=<!channel>", first_number=1,
                            more_value=None),
        render_session(hostile_session(), CTX),
        render_room(hostile_room(), CTX),
        # A quiet room with an id the grammar takes: its Recent sessions button and line.
        render_room(hostile_room().model_copy(
            update={"active_session": None, "id": "3f1c2b7e-8d4a-4c1e-9b7a-2f5e6d7c8b9a"}), CTX),
        render_room_list([hostile_room()], CTX, filters="", first_number=1, more_value=None),
        render_conference(
            Conference.model_validate(
                {"id": "c", "name": "<!here>", "display_name": HOSTILE, "description": HOSTILE,
                 "dark_primary": HOSTILE, "size": HOSTILE}
            ),
            CTX,
        ),
    ],
)  # fmt: skip
def test_replies_ping_nobody_in_blocks_or_text(reply: Reply) -> None:
    payload = reply.payload()
    assert_pings_nobody(payload)
    assert "&lt;!channel&gt;" in json.dumps(payload)


def test_home_pings_nobody() -> None:
    assert_pings_nobody(render_home([hostile_session()], CTX, REGISTRY, problem=None))


@pytest.mark.parametrize("text", ["room <!channel>", "sessions status=<!channel>", "<!channel>"])
def test_echoed_input_is_escaped(text: str) -> None:
    try:
        parse(text)
    except UsageError as error:
        assert_pings_nobody(describe_failure(error).reply.payload())
    else:
        pytest.fail("expected a refusal")


def test_provider_error_text_is_escaped() -> None:
    failure = describe_failure(Invalid("<!channel> is wrong", provider="SignalWire"))
    assert_pings_nobody(failure.reply.payload())


def test_spans_hold_whatever_is_inside() -> None:
    assert bold("a*b") == "*a∗b*"
    assert code("a`b\nc") == "`aˋb c`"
    assert code("<x>") == "`&lt;x&gt;`"
    assert bold("") == "" and code(None) == ""


def test_clipping_comes_before_escaping() -> None:
    assert plain("&" * 10, 4) == "&amp;&amp;&amp;…"
    assert escape("a&b") == "a&amp;b"
    cut = clip_mrkdwn("x" * 10 + "&amp;&amp;", 13)
    assert cut == "x" * 10 + "…"
    assert clip_mrkdwn("ab `code span`", 8) == "ab …"


def test_a_long_escaped_description_is_clipped_whole() -> None:
    blocks = render_room(hostile_room(), CTX).blocks
    description = blocks[1]["text"]["text"]
    assert len(description) <= SECTION_TEXT_LIMIT
    assert description.endswith("&amp;…") or description.endswith(";…")


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("SignalWire has no such resource.", "SignalWire has no such resource."),
        ("HTTP 503", "HTTP 503."),
        ("refused!", "refused!"),
        ("why?", "why?"),
        ("cut short…", "cut short…"),
        ("trailing space.  ", "trailing space."),
    ],
)
def test_a_sentence_ends_in_one_stop(text: str, shown: str) -> None:
    assert sentence(text) == shown


def test_one_echo_for_typed_input_everywhere() -> None:
    typed = "`<!channel>` " + "x" * 100
    assert echo(typed) == "'&lt;!channel&gt;' " + "x" * 46 + "…"  # 60 typed characters
    assert len(echo(typed, 30)) < len(echo(typed))
