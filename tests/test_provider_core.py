"""Pure parts of the provider layer: models, paging, Retry-After, access and error mapping."""

from __future__ import annotations

import pytest

from bot.commands.errors import UsageError
from bot.providers.errors import (
    Invalid,
    NotFound,
    ProviderUnavailable,
    RateLimited,
    Unauthorized,
)
from bot.providers.models import Page, RoomSession
from bot.providers.paging import MAX_CURSOR_LENGTH, PageToken, iterate_pages, next_page_token
from bot.providers.signalwire import parse_signalwire_errors
from bot.providers.walks import CutReason, WalkCutShort, WalkGuard
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

    items: list[int] = []
    with pytest.raises(WalkCutShort) as cut_short:
        async for item in iterate_pages(fetch, WalkGuard("Acme", "listing")):
            items.append(item)
    assert items == [1, 2] and calls == [None, "/same?page=2"]
    assert cut_short.value.cut.reason is CutReason.REPEATED


async def test_paging_stops_when_next_is_absent() -> None:
    async def fetch(cursor: str | None) -> Page[str]:
        return Page[str](items=["a", "b"], next_cursor=None if cursor else "/next")

    found = [i async for i in iterate_pages(fetch, WalkGuard("Acme", "listing"))]
    assert found == ["a", "b", "a", "b"]


BASE = "https://acme.signalwire.com"
ROOMS = "/api/video/rooms"


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        (f"{BASE}{ROOMS}?page_number=2&page_size=5&page_token=PTab-_9", "2:PTab-_9"),
        (f"https://ACME.signalwire.com:443{ROOMS}?page_token=PTx", "PTx"),
        (f"{ROOMS}?page_size=5&page_number=1&page_token=PTx", "1:PTx"),
        ("api/video/rooms?page_token=PTx", "PTx"),
        # Another host, scheme or port: credentials would follow, so the list ends here.
        (f"https://evil.example{ROOMS}?page_token=PTx", None),
        (f"http://acme.signalwire.com{ROOMS}?page_token=PTx", None),
        (f"https://acme.signalwire.com:8443{ROOMS}?page_token=PTx", None),
        (f"//evil.example{ROOMS}?page_token=PTx", None),
        # Another list, no token, or a token we would not put in a URL.
        (f"{BASE}/api/video/room_sessions?page_token=PTx", None),
        (f"{BASE}{ROOMS}?page=3", None),
        (f"{BASE}{ROOMS}?page_token=a/b", None),
        (f"{BASE}{ROOMS}?page_number=x&page_token=PTx", None),
        (None, None),
        ("", None),
        (42, None),
    ],
)
def test_next_links_become_token_cursors_only_on_our_origin_and_list(
    link: object, expected: str | None
) -> None:
    found = next_page_token(link, base_url=BASE, endpoint=ROOMS)
    assert (found.cursor() if found else None) == expected


def test_next_links_under_a_base_url_prefix() -> None:
    found = next_page_token(
        f"https://proxy.example/sw{ROOMS}?page_token=PTx",
        base_url="https://proxy.example/sw",
        endpoint=ROOMS,
    )
    assert found == PageToken("PTx")


def test_a_refused_next_link_is_logged_by_path_only(caplog: pytest.LogCaptureFixture) -> None:
    link = f"https://evil.example{ROOMS}?page_token=PTsecret"
    assert next_page_token(link, base_url=BASE, endpoint=ROOMS) is None
    [record] = caplog.records
    assert ROOMS in record.getMessage()
    assert "evil.example" not in record.getMessage() and "PTsecret" not in record.getMessage()


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        ":PTx",
        "x:PTx",
        "1234567890:PTx",
        "/api/video/rooms?page_size=1",
        "http://127.0.0.1:1/api/video/room_sessions?page_size=5",
        "PTx&page_size=1000",
        "PTx status=bogus",
        "PT\u00e9",
        "P" * (MAX_CURSOR_LENGTH + 1),
    ],
)
def test_cursors_of_the_wrong_shape_are_refused(cursor: str) -> None:
    assert PageToken.from_cursor(cursor) is None


def test_cursors_round_trip() -> None:
    for token in (PageToken("PTab-_.~="), PageToken("PTx", 3), PageToken("P" * 1000, 0)):
        assert PageToken.from_cursor(token.cursor()) == token


def test_signalwire_error_bodies() -> None:
    body = {"errors": [{"attribute": "max_members", "message": "too big", "code": "invalid"}]}
    [error] = parse_signalwire_errors(body)
    assert (error.attribute, error.message, error.code) == ("max_members", "too big", "invalid")
    assert parse_signalwire_errors({"error": "Not Found"})[0].message == "Not Found"
    assert parse_signalwire_errors("garbage") == []


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
