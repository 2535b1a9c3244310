"""The /rooms grammar: pure, no server."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.commands.grammar import parse, parse_when
from bot.commands.model import (
    ConferenceCommand,
    HelpCommand,
    ListRoomsCommand,
    RoomCommand,
    SessionCommand,
    SessionsCommand,
    UsageError,
)
from bot.providers.base import RoomQuery, SessionQuery

ROOM_ID = "3f1c2b7e-8d4a-4c1e-9b7a-2f5e6d7c8b9a"


@pytest.mark.parametrize("text", ["", "   ", "help", "HELP", "--help", "?"])
def test_help(text: str) -> None:
    assert parse(text) == HelpCommand()


def test_help_topic() -> None:
    assert parse("help sessions") == HelpCommand("sessions")
    assert parse("help nonsense") == HelpCommand(None)


def test_sessions_defaults_and_every_option() -> None:
    assert parse("sessions") == SessionsCommand(SessionQuery(), 10)
    text = f'room=standup room_id={ROOM_ID.upper()} status=COMPLETED match="all hands" limit=25'
    command = parse("sessions " + text)
    assert command == SessionsCommand(
        SessionQuery(
            room_id=ROOM_ID.upper(),
            room_name="standup",
            room_name_matches="all hands",
            status="completed",
        ),
        25,
    )


def test_smart_quotes_from_slack_clients_are_straightened() -> None:
    command = parse("sessions match=“all hands”")
    assert isinstance(command, SessionsCommand)
    assert command.query.room_name_matches == "all hands"


def test_subcommand_is_case_insensitive() -> None:
    assert parse(f"SESSION {ROOM_ID.upper()}") == SessionCommand(ROOM_ID)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sessions status=done", "status must be `in-progress` or `completed`, not `done`."),
        ("sessions limit=0", "limit must be from 1 to 40 (got 0)"),
        ("sessions limit=41", "limit must be from 1 to 40 (got 41)"),
        ("sessions limit=1.5", "limit must be a whole number from 1 to 40."),
        ("sessions room=a b", "`b` is not an option here"),
        ("sessions room=a/b", "room must be a room name"),
        ("sessions limit=2 limit=3", "`limit` is given twice"),
        ("sessions status=", "`status=` needs a value, e.g. `status=in-progress`."),
        ("sessions match=" + "x" * 101, "match is at most 100 characters long."),
        ("session", "`/rooms session` needs a session UUID."),
        (f"session {ROOM_ID} extra", "takes only a session UUID; remove `extra`."),
        ("session {abc}", "is not a session id"),
        ("list created_after=2026-02-01 created_before=2026-01-01", "earlier than"),
        ("list created_before=tomorrow", "created_before must be a date like"),
        ("list page=2", "Unknown option `page` for `/rooms list`"),
        ("room", "`/rooms room` needs a room UUID or name."),
        ("conference a.b", "`a.b` is neither a conference UUID nor a conference name"),
    ],
)
def test_refusals_are_specific_and_carry_the_usage(text: str, message: str) -> None:
    with pytest.raises(UsageError) as info:
        parse(text)
    assert message in info.value.message
    assert info.value.usage is not None and info.value.usage.startswith("/rooms ")


def test_unknown_subcommand_has_no_usage_so_the_full_help_is_shown() -> None:
    with pytest.raises(UsageError) as info:
        parse("delete all")
    assert info.value.message == "`delete` is not a /rooms command."
    assert info.value.usage is None


def test_echoed_input_is_clipped_and_cannot_break_code_spans() -> None:
    with pytest.raises(UsageError) as info:
        parse("x`" + "y" * 200)
    assert "`" not in info.value.message.split("`")[1]
    assert len(info.value.message) < 120


def test_list_dates() -> None:
    command = parse("list match=sales created_after=2026-01-01 created_before=2026-02-01T12:00:00Z")
    assert command == ListRoomsCommand(
        RoomQuery(
            name_matches="sales",
            created_after=datetime(2026, 1, 1, tzinfo=UTC),
            created_before=datetime(2026, 2, 1, 12, tzinfo=UTC),
        ),
        10,
    )


def test_room_and_conference_take_an_id_or_a_name() -> None:
    assert parse("room all-hands") == RoomCommand("all-hands")
    assert parse(f"room {ROOM_ID.upper()}") == RoomCommand(ROOM_ID)
    assert parse("conference town_hall") == ConferenceCommand("town_hall")


def test_parse_when() -> None:
    assert parse_when("2026-03-04") == datetime(2026, 3, 4, tzinfo=UTC)
    assert parse_when("2026-03-04T05:06:07+02:00") is not None
    assert parse_when("2026-03-04T05:06:07") is None  # no offset: ambiguous
    assert parse_when("yesterday") is None
