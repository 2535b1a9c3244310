"""The /rooms grammar: pure, no server."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.commands.errors import UsageError
from bot.commands.moments import parse_when, session_window
from bot.commands.words import from_slack
from bot.providers.base import RoomQuery, SessionQuery
from bot.slack.subcommands.conference import ConferenceCommand
from bot.slack.subcommands.conferences import ConferencesCommand
from bot.slack.subcommands.digest import (
    DigestCommand,
    DigestSubscribeCommand,
    DigestUnsubscribeCommand,
)
from bot.slack.subcommands.help import HelpCommand
from bot.slack.subcommands.list import ListRoomsCommand
from bot.slack.subcommands.registry import parse, parse_words, unparse
from bot.slack.subcommands.room import RoomCommand
from bot.slack.subcommands.session import SessionCommand
from bot.slack.subcommands.sessions import USAGE, SessionsCommand

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
            room_id=ROOM_ID,
            room_name="standup",
            matches="all hands",
            status="completed",
        ),
        25,
    )


def test_smart_quotes_from_slack_clients_are_straightened() -> None:
    command = parse("sessions match=“all hands”")
    assert isinstance(command, SessionsCommand)
    assert command.query.matches == "all hands"


def test_subcommand_is_case_insensitive() -> None:
    assert parse(f"SESSION {ROOM_ID.upper()}") == SessionCommand(ROOM_ID)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sessions status=done", "status must be `in-progress` or `completed`, not `done`."),
        ("sessions limit=0", "limit must be from 1 to 40 (got 0)"),
        ("sessions limit=41", "limit must be from 1 to 40 (got 41)"),
        ("sessions limit=1.5", "limit must be a whole number from 1 to 40, in the digits 0-9."),
        ("sessions limit=１０", "limit must be a whole number from 1 to 40, in the digits 0-9."),
        ("sessions limit=1_0", "limit must be a whole number from 1 to 40, in the digits 0-9."),
        ("digest subscribe ０９:００", "is not a time"),
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


def test_unknown_subcommand_lists_the_commands_in_one_line() -> None:
    with pytest.raises(UsageError) as info:
        parse("delete all")
    assert info.value.message == (
        "`delete` is not a /rooms command. Commands: `sessions`, `session`, `members`, `events`, "
        "`recordings`, "
        "`list`, `room`, `conference`, `conferences`, `update`, `approvals`, `audit`, `digest`."
    )
    assert info.value.usage == "/rooms help"


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("sesions", "sessions"),
        ("SESIONS", "sessions"),
        ("lsit", "list"),
        ("confrence", "conference"),
    ],
)
def test_a_mistyped_subcommand_gets_the_closest_one_and_its_usage(typed: str, meant: str) -> None:
    with pytest.raises(UsageError) as info:
        parse(typed + " limit=5")
    assert info.value.message.endswith(f"Did you mean `{meant}`?")
    assert info.value.usage is not None and info.value.usage.startswith(f"/rooms {meant} ")


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("sessions match=it's", "it's"),
        ("sessions match=O’Brien", "O'Brien"),
        ("sessions match='all hands'", "all hands"),
        ("sessions match='it's here'", "it's here"),
        ("sessions match=“Tom’s room”", "Tom's room"),
        ("sessions match=rock'n'roll", "rock'n'roll"),
    ],
)
def test_an_apostrophe_inside_a_word_is_a_letter(text: str, match: str) -> None:
    command = parse(text)
    assert isinstance(command, SessionsCommand)
    assert command.query.matches == match


def test_a_double_quote_left_open_is_still_refused() -> None:
    with pytest.raises(UsageError, match="A quote is not closed"):
        parse('sessions match="all hands')


@pytest.mark.parametrize(
    "pasted",
    [f"`{ROOM_ID}`", f"``{ROOM_ID}``", f"{ROOM_ID}.", f"({ROOM_ID}),", f"*`{ROOM_ID}`*"],
)
def test_ids_pasted_from_a_reply_are_accepted(pasted: str) -> None:
    assert parse(f"session {pasted}") == SessionCommand(ROOM_ID)
    command = parse(f"sessions room_id={pasted}")
    assert isinstance(command, SessionsCommand)
    assert command.query.room_id == ROOM_ID


def test_names_pasted_with_backticks_keep_their_underscores() -> None:
    assert parse("room `_ops_room_`") == RoomCommand("_ops_room_")
    assert parse("`room` standup,") == RoomCommand("standup")


def test_sessions_since_and_until_keep_what_was_typed_for_the_callers_zone() -> None:
    command = parse("sessions since=2026-11-01 until=2026-11-07T18:30")
    assert isinstance(command, SessionsCommand)
    assert command.since == date(2026, 11, 1)
    assert command.until == datetime(2026, 11, 7, 18, 30)


def test_session_window_reads_dates_as_whole_days_in_the_callers_zone() -> None:
    paris = ZoneInfo("Europe/Paris")
    after, before = session_window(date(2026, 11, 1), date(2026, 11, 1), paris, USAGE)
    assert after == datetime(2026, 10, 31, 23, tzinfo=UTC)
    assert before == datetime(2026, 11, 1, 23, tzinfo=UTC)
    after, before = session_window(datetime(2026, 11, 7, 18, 30), None, paris, USAGE)
    assert after == datetime(2026, 11, 7, 17, 30, tzinfo=UTC)
    assert before is None
    offset = datetime(2026, 11, 7, 18, 30, tzinfo=UTC)
    assert session_window(None, offset, paris, USAGE) == (None, offset)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sessions since=yesterday", "since must be a date like 2026-01-31"),
        ("sessions until=2026-13-01", "until must be a date like 2026-01-31"),
        ("sessions since=2026-11-02 until=2026-11-01", "since must be earlier than until."),
        ("sessions since=2026-11-02 since=2026-11-03", "`since` is given twice"),
    ],
)
def test_bad_windows_are_refused(text: str, message: str) -> None:
    with pytest.raises(UsageError) as info:
        parse(text)
    assert message in info.value.message


def test_conferences_list() -> None:
    assert parse("conferences") == ConferencesCommand()
    assert parse('conferences match="town hall" limit=3') == ConferencesCommand("town hall", 3)
    with pytest.raises(UsageError, match="Unknown option `room`"):
        parse("conferences room=x")


@pytest.mark.parametrize(
    "command",
    [
        parse('sessions room=standup status=completed match="all hands" since=2026-11-01 limit=5'),
        parse("sessions until=2026-11-07T18:30:00+02:00 match=it's"),
        parse("conferences match=town limit=7"),
        parse("list match=sales created_after=2026-01-01"),
    ],
)
def test_unparse_is_the_inverse_of_parse(command: SessionsCommand) -> None:
    assert isinstance(command, SessionsCommand | ConferencesCommand | ListRoomsCommand)
    assert parse_words(unparse(command)) == command


def test_echoed_input_is_clipped_and_cannot_break_code_spans() -> None:
    with pytest.raises(UsageError) as info:
        parse("x`" + "y" * 200)
    assert "`" not in info.value.message.split("`")[1]
    assert len(info.value.message.split("`")[1]) <= 60


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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("digest", DigestCommand()),
        ("digest yesterday", DigestCommand()),
        ("digest 2026-11-19", DigestCommand(day=date(2026, 11, 19))),
        ("digest `2026-11-19`", DigestCommand(day=date(2026, 11, 19))),
        ("digest subscribe", DigestSubscribeCommand()),
        ("digest subscribe 9:05", DigestSubscribeCommand(post_time=time(9, 5))),
        (
            "digest subscribe america/new_york 18:30",
            DigestSubscribeCommand(post_time=time(18, 30), timezone="America/New_York"),
        ),
        ("digest SUBSCRIBE utc", DigestSubscribeCommand(timezone="UTC")),
        ("digest unsubscribe", DigestUnsubscribeCommand()),
    ],
)
def test_digest_commands(text: str, expected: object) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("digest 2026-02-30", "`2026-02-30` is not a date: type one like 2026-11-20"),
        ("digest subcribe", "Did you mean `subscribe`?"),
        ("digest 2026-11-19 2026-11-18", "takes one date at most; remove `2026-11-18`"),
        ("digest subscribe 24:00", "`24:00` is not a time: use a 24-hour time HH:MM"),
        ("digest subscribe 9:00 10:00", "Give the time once"),
        ("digest subscribe Mars/Olympus", "`Mars/Olympus` is not a time zone."),
        ("digest subscribe europe/berln", "Did you mean `Europe/Berlin`"),
        ("digest subscribe UTC Europe/Berlin", "Give one time zone; remove `Europe/Berlin`"),
        ("digest unsubscribe now", "takes nothing more; remove `now`"),
    ],
)
def test_digest_refusals_name_the_rule(text: str, message: str) -> None:
    with pytest.raises(UsageError) as info:
        parse(text)
    assert message in info.value.message
    assert info.value.usage is not None and info.value.usage.startswith("/rooms digest")


@pytest.mark.parametrize(
    ("sent", "typed"),
    [
        ("match=Q&amp;A", "match=Q&A"),
        ("&lt;https://a.example/?x=1&amp;y=2|a&gt;", "<https://a.example/?x=1&y=2|a>"),
        ("&amp;lt;", "&lt;"),  # what someone typed as `&lt;` stays so
        ("plain", "plain"),
    ],
)
def test_slacks_entities_are_read_back_as_typed(sent: str, typed: str) -> None:
    assert from_slack(sent) == typed
