"""bot/ids.py: Slack's ids, room names and Retry-After, each rule once (pure)."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.ids import (
    MAX_RETRY_AFTER,
    channel_id_problem,
    is_channel_id,
    is_group_id,
    is_room_name,
    is_team_id,
    is_user_id,
    parse_retry_after,
    parse_seconds,
    retry_after_in,
    user_id_problem,
)

NOW = datetime(2026, 11, 20, 12, 0, 0, tzinfo=UTC)


# -- Slack ids -------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["C0123ABCDE", "G0PRIVATE1", "D0DIRECT01", "C01", "C" + "9" * 30])
def test_channel_ids(value: str) -> None:
    assert is_channel_id(value)
    assert channel_id_problem(value) is None


@pytest.mark.parametrize(
    "value",
    [
        "",
        "C",
        "C0",  # too short to be an id
        "C" + "9" * 31,  # longer than Slack's ids will plausibly grow
        "c0123abcde",
        "C0123abcde",
        "#ops",
        "ops",
        "U0123ABCDE",
        "C0123ABCDE\n",  # `$` would have let this through
        " C0123ABCDE",
        "C0123ABCD٣",  # a non-ASCII digit
        "Ｃ0123ABCDE",  # fullwidth C
        "C0123-ABCDE",
    ],
)
def test_not_channel_ids(value: str) -> None:
    assert not is_channel_id(value)
    assert channel_id_problem(value) is not None


@pytest.mark.parametrize("value", ["U0123ABCDE", "W0GRID0001", "U0ROOMOPS1"])
def test_user_ids(value: str) -> None:
    assert is_user_id(value) and not is_channel_id(value) and not is_group_id(value)
    assert user_id_problem(value) is None


@pytest.mark.parametrize("value", ["", "u0123abcde", "@alice", "S0ONCALL01", "C0OPS00001", "U1"])
def test_not_user_ids(value: str) -> None:
    assert not is_user_id(value)
    assert user_id_problem(value) is not None


def test_groups_and_teams_are_their_own_kinds() -> None:
    assert is_group_id("S0ONCALL01") and not is_user_id("S0ONCALL01")
    assert is_team_id("T0STANDIN1") and is_team_id("E0GRIDORG1")
    assert not is_team_id("U0123ABCDE")


@pytest.mark.parametrize("value", [None, 7, ["C0123ABCDE"], {"id": "U0123ABCDE"}, b"C0123ABCDE"])
def test_only_strings_are_ids(value: object) -> None:
    # Payload fields arrive as any JSON: a list where a string belongs is not an id.
    assert not any(check(value) for check in (is_channel_id, is_user_id, is_group_id, is_room_name))


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("#ops", "a channel name (#…) is not accepted; use a Slack channel id"),
        ("U0123ABCDE", "a user id is not a channel id"),
        ("c0123abcde", "Slack ids are written in capitals"),
        ("xoxb-1234-secret", "must be a Slack channel id"),
    ],
)
def test_channel_problems_say_what_to_use_and_where_to_find_it(value: str, says: str) -> None:
    problem = channel_id_problem(value)
    assert problem is not None and problem.startswith(says), problem
    assert "e.g. C0123ABCDE" in problem and "About > Channel ID" in problem
    assert value not in problem


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("S0ONCALL01", "user groups (S…) are not supported yet: list the members' user ids"),
        ("@alice", "a name (@…) is not accepted; use a Slack user id"),
        ("C0OPS00001", "a channel id is not a user id"),
        ("u0alice001", "Slack ids are written in capitals"),
        ("KEY0123456789ABCDEF_secret", "must be a Slack user id"),
    ],
)
def test_user_problems_say_what_to_use_and_where_to_find_it(value: str, says: str) -> None:
    problem = user_id_problem(value)
    assert problem is not None and problem.startswith(says), problem
    assert "e.g. U0123ABCDE" in problem and "Copy member ID" in problem
    assert value not in problem


# -- room names ------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["standup", "All_Hands-2026", "a", "x" * 100, "0ccc7b54"])
def test_room_names(value: str) -> None:
    assert is_room_name(value)


@pytest.mark.parametrize(
    "value", ["", "x" * 101, "daily standup", "stand.up", "standup\n", "ünïcode", "<!channel>"]
)
def test_not_room_names(value: str) -> None:
    assert not is_room_name(value)


# -- Retry-After -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("7", 7.0),
        (" 7 ", 7.0),
        ("0", 0.0),
        ("1.5", 1.5),  # not RFC 9110, but harmless, and the simulators send it
        ("0.25", 0.25),
        ("3600", 3600.0),
        ("86400", MAX_RETRY_AFTER),
        ("86401", MAX_RETRY_AFTER),
        ("999999999999", MAX_RETRY_AFTER),  # huge: capped, not trusted
        ("Fri, 20 Nov 2026 12:00:30 GMT", 30.0),
        ("Fri, 20 Nov 2026 11:00:00 GMT", 0.0),  # past: go now
        ("Thu, 01 Jan 1970 00:00:00 GMT", 0.0),
        ("Fri, 20 Nov 9999 12:00:30 GMT", MAX_RETRY_AFTER),  # far future: capped
        ("Fri, 20 Nov 2026 12:01:00 +0000", 60.0),
        ("Fri, 20 Nov 2026 13:01:00 +0100", 60.0),
    ],
)
def test_retry_after_is_seconds_or_a_date_at_most_a_day(header: str, seconds: float) -> None:
    assert parse_retry_after(header, now=NOW) == seconds


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "   ",
        "nan",
        "NaN",
        "inf",
        "-inf",
        "Infinity",
        "1e308",
        "1e3",
        "-1",
        "+5",
        "0x10",
        "1_000",
        "٣",  # a non-ASCII digit that float() would take
        "１０",  # fullwidth digits
        "1.",
        ".5",
        "1.1234567",
        "9" * 13,
        "9" * 5000,
        "soon",
        "Fri, 20 Nov 2026",
        "Fri, 99 Nov 2026 12:00:30 GMT",
        "Fri, 20 Nov 2026 12:00:30 +9999",
        "Fri, 20 Nov 2026 12:00:30 GMT" + " " * 60 + "x",
        "7, 8",
        "\x00",
    ],
)
def test_hostile_retry_after_is_none(header: str | None) -> None:
    assert parse_retry_after(header, now=NOW) is None


@given(st.text(max_size=80))
def test_any_retry_after_is_none_or_a_finite_wait_within_a_day(header: str) -> None:
    wait = parse_retry_after(header, now=NOW)
    assert wait is None or (math.isfinite(wait) and 0.0 <= wait <= MAX_RETRY_AFTER)


def test_a_date_is_counted_from_now() -> None:
    later = NOW + timedelta(seconds=90)
    header = later.strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert parse_retry_after(header, now=NOW) == 90.0
    wait = parse_retry_after(header)  # against the real clock: long past
    assert wait == 0.0


def test_plain_seconds_are_not_capped_for_callers_that_read_an_instant() -> None:
    # x-ratelimit-reset may be a Unix time: the caller needs the number as sent.
    assert parse_seconds("1795000000") == 1_795_000_000.0
    assert parse_seconds("0.25") == 0.25
    assert parse_seconds("nan") is None and parse_seconds("-1") is None
    assert parse_seconds("1e9") is None and parse_seconds(None) is None


def test_retry_after_is_found_among_headers_as_httpx_and_slack_sdk_keep_them() -> None:
    # httpx: one string per name, lower-cased; two headers of one name joined by a comma.
    assert retry_after_in(httpx.Headers({"Retry-After": "7"})) == 7.0
    assert retry_after_in(httpx.Headers([("Retry-After", "7"), ("Retry-After", "8")])) is None
    # slack-sdk: a dict of lists, names as the server wrote them; the first value counts.
    assert retry_after_in({"content-type": ["application/json"], "RETRY-AFTER": ["3", "9"]}) == 3
    assert retry_after_in({"retry-after": "Fri, 20 Nov 9999 12:00:30 GMT"}) == MAX_RETRY_AFTER
    # None of these is a wait: no header, an empty one, a hostile one, no headers at all.
    assert retry_after_in({"x-ratelimit-reset": "7"}) is None
    assert retry_after_in({"Retry-After": []}) is None
    assert retry_after_in({"Retry-After": ["nan"]}) is None
    assert retry_after_in({}) is None and retry_after_in(None) is None
