"""Pure parts of the provider layer: models, paging, Retry-After, access and error mapping."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.commands.model import UsageError
from bot.providers.errors import (
    Invalid,
    NotFound,
    ProviderUnavailable,
    RateLimited,
    Unauthorized,
)
from bot.providers.http import parse_retry_after
from bot.providers.models import Page, RoomSession
from bot.providers.paging import iterate_pages, relative_link
from bot.providers.signalwire import parse_signalwire_errors
from bot.slack.access import actor, refusal
from bot.slack.errors import describe_failure


def test_models_accept_null_everywhere_and_keep_unknown_fields() -> None:
    fields = RoomSession.model_fields
    session = RoomSession.model_validate({name: None for name in fields} | {"new_thing": 1})
    assert session.id is None and session.start_time is None
    assert session.extra_fields() == {"new_thing": 1}


async def test_paging_stops_when_a_cursor_repeats() -> None:
    calls: list[str | None] = []

    async def fetch(cursor: str | None) -> Page[int]:
        calls.append(cursor)
        return Page[int](items=[len(calls)], next_cursor="/same?page=2")

    items = [i async for i in iterate_pages(fetch)]
    assert items == [1, 2] and calls == [None, "/same?page=2"]


async def test_paging_stops_when_next_is_absent() -> None:
    async def fetch(cursor: str | None) -> Page[str]:
        return Page[str](items=["a", "b"], next_cursor=None if cursor else "/next")

    assert [i async for i in iterate_pages(fetch)] == ["a", "b", "a", "b"]


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        (
            "https://acme.signalwire.com/api/video/rooms?page_token=x",
            "/api/video/rooms?page_token=x",
        ),
        ("https://evil.example/api/video/rooms?a=1", "/api/video/rooms?a=1"),
        ("/api/video/rooms?a=1", "/api/video/rooms?a=1"),
        ("api/video/rooms", "/api/video/rooms"),
        (None, None),
        ("", None),
    ],
)
def test_next_links_keep_only_path_and_query(link: str | None, expected: str | None) -> None:
    assert relative_link(link) == expected


def test_retry_after_seconds_and_http_dates() -> None:
    now = datetime(2026, 11, 20, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after("1.5") == 1.5
    assert parse_retry_after("Fri, 20 Nov 2026 12:00:30 GMT", now=now) == 30.0
    assert parse_retry_after("Fri, 20 Nov 2026 11:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_signalwire_error_bodies() -> None:
    body = {"errors": [{"attribute": "max_members", "message": "too big", "code": "invalid"}]}
    [error] = parse_signalwire_errors(body)
    assert (error.attribute, error.message, error.code) == ("max_members", "too big", "invalid")
    assert parse_signalwire_errors({"error": "Not Found"})[0].message == "Not Found"
    assert parse_signalwire_errors("garbage") == []


def test_access_rules() -> None:
    assert refusal("U1", "C1", allowed_users=(), allowed_channels=()) is None
    assert refusal("U1", "C1", allowed_users=("U1",), allowed_channels=("C1",)) is None
    user = refusal("U2", "C1", allowed_users=("U1",), allowed_channels=())
    assert user and "ALLOWED_USERS" in user
    channel = refusal("U1", "C2", allowed_users=(), allowed_channels=("C1",))
    assert channel and "<#C1>" in channel
    # App Home and DMs have no channel to check; the user list still applies.
    assert refusal("U1", None, allowed_users=(), allowed_channels=("C1",)) is None


def test_actor_of_every_payload_kind() -> None:
    assert actor({"command": "/rooms", "user_id": "U", "channel_id": "C"}) == ("U", "C")
    assert actor({"type": "block_actions", "user": {"id": "U"}, "channel": {"id": "C"}}) == (
        "U",
        "C",
    )
    home = {"event": {"type": "app_home_opened", "user": "U", "channel": "D1", "tab": "home"}}
    assert actor(home) == ("U", None)
    assert actor({"type": "view_submission", "user": {"id": "U"}}) == ("U", None)


@pytest.mark.parametrize(
    ("error", "text"),
    [
        (
            NotFound("No room `x` on SignalWire.", provider="SignalWire"),
            "No room `x` on SignalWire.",
        ),
        (
            Unauthorized("no", provider="SignalWire"),
            "check SIGNALWIRE_SPACE, SIGNALWIRE_PROJECT_ID",
        ),
        (Unauthorized("no", provider="Telnyx"), "check TELNYX_API_KEY"),
        (RateLimited("slow", retry_after=12.4, provider="SignalWire"), "try again in 12 s."),
        (RateLimited("slow", provider="SignalWire"), "try again in a minute."),
        (ProviderUnavailable("HTTP 503", provider="SignalWire"), "not answering right now"),
        (
            Invalid("max_members: too big", provider="SignalWire"),
            "refused the request: max_members",
        ),
        (UsageError("bad", "/rooms session UUID"), "Usage: /rooms session UUID"),
    ],
)
def test_typed_errors_become_friendly_replies(error: Exception, text: str) -> None:
    failure = describe_failure(error)
    assert text in failure.reply.text
    assert failure.reference is None


def test_unexpected_errors_get_a_reference_and_no_details() -> None:
    failure = describe_failure(KeyError("secret internals"))
    assert failure.reference and failure.reference.startswith("E-")
    assert f"Reference: {failure.reference}" in failure.reply.text
    assert "secret internals" not in failure.reply.text
