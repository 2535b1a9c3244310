"""Button values: signed on the way out, verified and re-validated by the grammar on return."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.render.kit import BUTTON_VALUE_LIMIT
from bot.slack.buttons import STALE_BUTTON, ButtonRefused, ButtonSigner
from bot.slack.more import EXPIRED, PURPOSE, MoreStates
from bot.slack.subcommands.base import MoreState
from bot.slack.subcommands.list import ListRoomsCommand
from bot.slack.subcommands.registry import REGISTRY, parse, unparse
from bot.slack.subcommands.sessions import SessionsCommand

SIGNER = ButtonSigner("signing-secret-for-tests")


def sessions(text: str) -> SessionsCommand:
    command = parse(text)
    assert isinstance(command, SessionsCommand)
    return command


def test_a_state_round_trips() -> None:
    states = MoreStates(SIGNER, REGISTRY)
    state = MoreState(sessions('sessions room=standup status=completed match="all hands"'), 10, "t")
    assert states.decode(states.encode(state)) == state
    rooms = parse("list match=sales created_after=2026-01-01 limit=5")
    assert isinstance(rooms, ListRoomsCommand)
    assert states.decode(states.encode(MoreState(rooms, 5))) == MoreState(rooms, 5)


def test_another_replica_with_the_same_secret_accepts_it() -> None:
    value = MoreStates(SIGNER, REGISTRY).encode(MoreState(sessions("sessions"), 10, "t"))
    other = MoreStates(ButtonSigner("signing-secret-for-tests"), REGISTRY)
    assert other.decode(value).cursor == "t"


@pytest.mark.parametrize(
    "value",
    [
        '{"kind": "sessions", "limit": 5, "shown": 0, "cursor": "http://127.0.0.1:1/x"}',
        "",
        "x" * (BUTTON_VALUE_LIMIT + 1),
        None,
        42,
    ],
)
def test_unsigned_values_are_refused(value: object) -> None:
    with pytest.raises(ButtonRefused) as refused:
        MoreStates(SIGNER, REGISTRY).decode(value)
    assert refused.value.message == STALE_BUTTON


def test_tampered_foreign_and_other_app_values_are_refused() -> None:
    states = MoreStates(SIGNER, REGISTRY)
    value = states.encode(MoreState(sessions("sessions limit=5"), 5, "t"))
    head, _, tail = value.rpartition(".")
    flipped = tail[:-1] + ("A" if tail[-1] != "A" else "B")
    with pytest.raises(ButtonRefused):
        states.decode(f"{head}.{flipped}")
    with pytest.raises(ButtonRefused):  # a Details value on a More button
        states.decode(SIGNER.sign("rooms_session_details", "x"))
    with pytest.raises(ButtonRefused):  # signed by another app's secret
        MoreStates(ButtonSigner("another-secret"), REGISTRY).decode(value)


@pytest.mark.parametrize(
    "payload",
    [
        [["sessions", "limit=1000"], 0, "t"],
        [["sessions", "status=bogus"], 0, "t"],
        [["sessions", "room=../../x?y=1&page_size=999"], 0, "t"],
        [["sessions", "room_id=not-a-uuid"], 0, "t"],
        [["sessions", "match=" + "x" * 290], 0, "t"],
        [["sessions"], -1, "t"],
        [["sessions"], True, "t"],
        [["sessions"], 0, None],  # a sessions page without the provider's cursor
        [["sessions"], 0, "x" * 1025],
        [["list"], 0, "t"],  # rooms page by count, never by cursor
        [["room", "standup"], 0, None],
        [["sessions"], 0],
        {"kind": "sessions"},
    ],
)
def test_signed_states_still_pass_the_grammar(payload: object) -> None:
    # Even a state signed with our key (an older release, a bug) obeys the typed-text rules.
    with pytest.raises(ButtonRefused):
        MoreStates(SIGNER, REGISTRY).decode(SIGNER.sign(PURPOSE, payload))


def test_a_state_too_long_for_a_button_keeps_its_button() -> None:
    states = MoreStates(SIGNER, REGISTRY)
    state = MoreState(sessions("sessions"), 10, "c" * 1024)
    # Even compressed, random text this long does not fit: it is kept in the process.
    noisy = MoreState(
        sessions("sessions"), 10, "".join(chr(33 + (i * 7919) % 90) for i in range(1024))
    )
    for candidate in (state, noisy):
        value = states.encode(candidate)
        assert len(value) <= BUTTON_VALUE_LIMIT
        assert states.decode(value) == candidate


def test_a_kept_state_is_refused_kindly_by_a_process_that_does_not_hold_it() -> None:
    states = MoreStates(SIGNER, REGISTRY)
    value = SIGNER.sign(PURPOSE, {"ref": "unknown-key"})
    with pytest.raises(ButtonRefused) as refused:
        states.decode(value)
    assert refused.value.message == EXPIRED


@pytest.mark.parametrize(
    "text",
    [
        "sessions",
        "sessions limit=40",
        'sessions room=standup room_id=3f1c2b7e-8d4a-4c1e-9b7a-2f5e6d7c8b9a match="all hands"',
        "sessions status=in-progress",
        "list",
        "list created_after=2026-01-01 created_before=2026-02-01T10:30:00+02:00 limit=3",
    ],
)
def test_unparse_is_the_inverse_of_parse(text: str) -> None:
    command = parse(text)
    assert isinstance(command, SessionsCommand | ListRoomsCommand)
    assert parse(" ".join(f'"{w}"' for w in unparse(command))) == command


def test_list_dates_survive_the_round_trip() -> None:
    command = parse("list created_after=2026-01-01")
    assert isinstance(command, ListRoomsCommand)
    states = MoreStates(SIGNER, REGISTRY)
    decoded = states.decode(states.encode(MoreState(command, 10))).command
    assert isinstance(decoded, ListRoomsCommand)
    assert decoded.query.created_after == datetime(2026, 1, 1, tzinfo=UTC)
