"""Properties of everything that turns untrusted input into something the bot acts on.

Typed text becomes a command or a UsageError, never a crash; a listing command survives the
trip through a More button's words; a button value comes back only unchanged, only for its
purpose, and only from this app. Settings (examples, determinism) are the profile that
tests/conftest.py registers.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest
from hypothesis import event, example, given, reject
from hypothesis import strategies as st

from bot.commands.errors import UsageError
from bot.commands.options import MAX_LIMIT
from bot.ids import ROOM_NAME
from bot.providers.base import SessionQuery
from bot.providers.paging import MAX_CURSOR_LENGTH, PageToken
from bot.render.kit import BUTTON_VALUE_LIMIT
from bot.slack.blocks.rooms import ROOM_BUTTON, ROOM_SESSIONS_BUTTON
from bot.slack.blocks.sessions import SESSION_BUTTON
from bot.slack.buttons import ButtonRefused, ButtonSigner
from bot.slack.listeners.command_button import Words, button_command
from bot.slack.more import EXPIRED, MAX_SHOWN, PURPOSE, MoreStates
from bot.slack.subcommands.base import MoreState
from bot.slack.subcommands.conferences import ConferencesCommand
from bot.slack.subcommands.list import ListRoomsCommand
from bot.slack.subcommands.registry import REGISTRY, parse, parse_words, unparse
from bot.slack.subcommands.room import RoomCommand
from bot.slack.subcommands.session import SessionCommand
from bot.slack.subcommands.sessions import STATUSES, SessionsCommand

SECRET = "signing-secret-for-property-tests"
SIGNER = ButtonSigner(SECRET)
# Every command type a subcommand parses to; the listings, whose More button pages on.
COMMANDS: tuple[type[object], ...] = tuple(form for unit in REGISTRY for form in unit.forms)
Listing = SessionsCommand | ListRoomsCommand | ConferencesCommand

# -- text ------------------------------------------------------------------------------------

# Anything at all (control characters, every plane), and long text made cheaply by repetition.
ANY_TEXT = st.text(max_size=300)
LONG_TEXT = st.builds(
    lambda piece, times: piece * times, st.text(min_size=1, max_size=40), st.integers(50, 400)
)

UUIDS = st.uuids().map(str)
NAMES = st.from_regex(ROOM_NAME, fullmatch=True)
# Fixed offsets to the minute, as RFC 3339 writes them.
OFFSETS = st.integers(-(24 * 60 - 1), 24 * 60 - 1).map(lambda m: timezone(timedelta(minutes=m)))
MOMENTS = st.one_of(
    st.datetimes(timezones=OFFSETS),
    # What a bare date means: its first moment in UTC.
    st.dates().map(lambda day: datetime.combine(day, time(0), tzinfo=UTC)),
)
# The ends of the calendar, where moving a moment to another zone or a day on overflows.
EDGE_MOMENTS = st.sampled_from(
    [
        "0001-01-01",
        "9999-12-31",
        "0001-01-01T00:00",
        "9999-12-31T23:59:59.999999",
        "0001-01-01T00:00+05:00",
        "9999-12-31T23:59-05:00",
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59z",
    ]
)
# What a user might put after `key=`: right, nearly right, and wrong.
VALUES = st.one_of(
    NAMES,
    UUIDS,
    UUIDS.map(str.upper),
    st.sampled_from([*STATUSES, "live", "IN-PROGRESS", "yesterday", "today", "0", "-1", "41"]),
    st.integers(-(10**6), 10**6).map(str),
    st.dates().map(date.isoformat),
    MOMENTS.map(datetime.isoformat),
    st.datetimes().map(datetime.isoformat),
    EDGE_MOMENTS,
    st.text(max_size=30),
)
KEYS = st.sampled_from(
    [
        "room",
        "room_id",
        "status",
        "match",
        "limit",
        "since",
        "until",
        "created_after",
        "created_before",
        "ROOM",
        "bogus",
        "",
    ]
)
WORDS = st.sampled_from(
    [
        "help",
        "sessions",
        "session",
        "list",
        "room",
        "conference",
        "conferences",
        "update",
        "digest",
        "SESSIONS",
        "?",
        "--help",
    ]
)
# Characters a Slack user (or a paste from a reply) puts around and inside words.
PUNCTUATION = st.sampled_from(
    ['"', "'", "`", "“", "”", "„", "‘", "’", "=", "\\", "<!channel>", "<@U123>", "&", "*", ".", ","]
)
SEPARATORS = st.sampled_from([" ", "", "  ", "\t", "\n", "\u00a0", "\u3000"])
TOKENS = st.one_of(
    WORDS,
    st.builds(lambda key, value: f"{key}={value}", KEYS, VALUES),
    VALUES,
    PUNCTUATION,
)
GRAMMAR_LIKE = st.lists(st.tuples(TOKENS, SEPARATORS), max_size=12).map(
    lambda parts: "".join(token + sep for token, sep in parts)
)


def _parsed(text: str) -> object | None:
    """The command, or None after checking that the refusal is one a user can act on."""
    try:
        command: object = parse(text)
    except UsageError as refused:
        _check_refusal(refused)
        return None
    assert isinstance(command, COMMANDS)
    return command


def _check_refusal(refused: UsageError) -> None:
    assert refused.message.strip()
    # Echoed input is escaped: a refusal never pings a channel or a person.
    for raw in ("<!", "<@"):
        assert raw not in refused.message
        assert refused.usage is None or raw not in refused.usage


@given(st.one_of(ANY_TEXT, LONG_TEXT, GRAMMAR_LIKE))
@example('sessions match="all hands')
@example("list created_after=0001-01-01T00:00+05:00 created_before=9999-12-31T23:00-05:00")
@example("sessions limit=" + "9" * 5000)
@example("sessions since=9999-12-31 until=9999-12-31")
@example("sessions since=0001-01-01T00:00+05:00 until=0001-01-01T00:00+05:00")
@example("\x00\x1b[2J`\u202e")
def test_any_text_is_a_command_or_a_usage_error(text: str) -> None:
    command = _parsed(text)
    event("parsed" if command is not None else "refused")


@given(st.lists(st.one_of(ANY_TEXT, TOKENS), max_size=10))
def test_any_words_are_a_command_or_a_usage_error(words: list[str]) -> None:
    # Words arrive without splitting from a More button, so they skip split_words entirely.
    try:
        command = parse_words(words)
    except UsageError as refused:
        _check_refusal(refused)
    else:
        assert isinstance(command, COMMANDS)


# -- listing commands round-trip through unparse ---------------------------------------------

# Valid values, per option: what the grammar accepts and so what a More button must carry.
MATCHES = st.text(min_size=1, max_size=100).map(str.strip).filter(bool)
DAYS = st.dates().map(date.isoformat)
VALID: dict[str, st.SearchStrategy[str]] = {
    "room": NAMES,
    "room_id": UUIDS | UUIDS.map(str.upper),
    "status": st.sampled_from(STATUSES) | st.sampled_from(STATUSES).map(str.upper),
    "match": MATCHES,
    "limit": st.integers(1, MAX_LIMIT).map(str),
    # Dates, local times and times with an offset.
    "since": DAYS
    | st.datetimes().map(datetime.isoformat)
    | MOMENTS.map(datetime.isoformat)
    | EDGE_MOMENTS,
    "created_after": DAYS | MOMENTS.map(datetime.isoformat) | EDGE_MOMENTS,
}
VALID["until"] = VALID["since"]
VALID["created_before"] = VALID["created_after"]
LISTING_OPTIONS = {
    "sessions": ("room", "room_id", "status", "match", "since", "until", "limit"),
    "list": ("match", "created_after", "created_before", "limit"),
    "conferences": ("match", "limit"),
}


@st.composite
def listing_words(draw: st.DrawFn) -> list[str]:
    name = draw(st.sampled_from(sorted(LISTING_OPTIONS)))
    keys = draw(st.sets(st.sampled_from(LISTING_OPTIONS[name])))
    return [name] + [f"{key}={draw(VALID[key])}" for key in sorted(keys)]


@st.composite
def listings(draw: st.DrawFn) -> Listing:
    """A listing command as the grammar makes it, so in the grammar's own canonical form."""
    words = draw(listing_words())
    try:
        command = parse_words(words)
    except UsageError:
        # Valid values can still clash (since after until) or fall off the calendar's ends.
        reject()
    assert isinstance(command, Listing), words
    return command


@given(listings())
def test_a_listing_command_parses_back_from_its_words(command: Listing) -> None:
    assert parse_words(unparse(command)) == command


def _quoted(key: str, value: str) -> str:
    return f'{key}="{value}"' if '"' not in value else f"{key}={value}"


LISTING_TEXT = st.builds(
    lambda name, options: " ".join([name, *options]),
    st.sampled_from(sorted(LISTING_OPTIONS)),
    st.lists(st.builds(_quoted, KEYS, VALUES), max_size=6),
)


@given(LISTING_TEXT)
def test_whatever_listing_the_grammar_accepts_survives_unparse(text: str) -> None:
    # Every option the grammar learns must be carried by unparse, or a More button would
    # quietly change the query on the next page.
    command = _parsed(text)
    if isinstance(command, Listing):
        event("listing")
        assert parse_words(unparse(command)) == command


# -- button values ---------------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=50),
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner, max_size=5)
    ),
    max_leaves=20,
)
PURPOSES = st.sampled_from([PURPOSE, SESSION_BUTTON, ROOM_BUTTON, ROOM_SESSIONS_BUTTON]) | st.text(
    min_size=1, max_size=30
)
SECRETS = st.binary(min_size=1, max_size=64)


def _same(left: object, right: object) -> bool:
    # == alone would take True for 1.
    return json.dumps(left) == json.dumps(right)


@given(SECRETS, SECRETS, PURPOSES, PURPOSES, JSON_VALUES)
def test_a_signed_value_comes_back_for_its_purpose_and_app_only(
    secret: bytes, other_secret: bytes, purpose: str, other_purpose: str, value: object
) -> None:
    signer = ButtonSigner(secret)
    signed = signer.sign(purpose, value)
    if len(signed) <= BUTTON_VALUE_LIMIT:
        assert _same(signer.unsign(purpose, signed), value)
    else:
        # Slack would cut a longer value; it is refused rather than half read.
        with pytest.raises(ButtonRefused):
            signer.unsign(purpose, signed)
    if other_purpose != purpose:
        with pytest.raises(ButtonRefused):
            signer.unsign(other_purpose, signed)
    if other_secret != secret:
        with pytest.raises(ButtonRefused):
            ButtonSigner(other_secret).unsign(purpose, signed)


MUTATIONS = st.sampled_from(["replace", "insert", "delete", "truncate"])


@given(PURPOSES, JSON_VALUES, MUTATIONS, st.integers(min_value=0), st.characters())
def test_a_mutated_value_is_refused_or_unchanged(
    purpose: str, value: object, mutation: str, at: int, char: str
) -> None:
    signed = SIGNER.sign(purpose, value)
    at %= len(signed)
    mutated = {
        "replace": signed[:at] + char + signed[at + 1 :],
        "insert": signed[:at] + char + signed[at:],
        "delete": signed[:at] + signed[at + 1 :],
        "truncate": signed[:at],
    }[mutation]
    if mutated == signed:
        return
    try:
        got = SIGNER.unsign(purpose, mutated)
    except ButtonRefused:
        event("refused")
        return
    # Base64's last character has bits nobody reads: flipping one of those leaves the very
    # same signature. Never anything but the original value.
    event("same value")
    assert _same(got, value)


UNTRUSTED = st.one_of(
    ANY_TEXT,
    LONG_TEXT,
    # Shaped like a signed value: optional compression mark, payload, dot, signature.
    st.from_regex(r"\A\.?[A-Za-z0-9_-]{0,300}\.[A-Za-z0-9_-]{0,60}\Z"),
    st.none(),
    st.integers(),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=3),
)


@given(PURPOSES, UNTRUSTED)
def test_a_value_the_app_did_not_sign_is_refused(purpose: str, value: object) -> None:
    with pytest.raises(ButtonRefused):
        SIGNER.unsign(purpose, value)
    with pytest.raises(ButtonRefused):
        MoreStates(SIGNER, REGISTRY).decode(value)


# Buttons that carry one id, the words their listeners make of it, and what that must mean.
ID_BUTTONS: dict[str, tuple[Words, Callable[[str], object]]] = {
    SESSION_BUTTON: (lambda id_: ["session", id_], SessionCommand),
    ROOM_BUTTON: (lambda id_: ["room", id_], RoomCommand),
    ROOM_SESSIONS_BUTTON: (
        lambda id_: ["sessions", f"room_id={id_}"],
        lambda id_: SessionsCommand(SessionQuery(room_id=id_)),
    ),
}


@given(st.sampled_from(sorted(ID_BUTTONS)), UUIDS | UUIDS.map(str.upper))
def test_an_id_button_carries_its_id(purpose: str, provider_id: str) -> None:
    words, expected = ID_BUTTONS[purpose]
    command = button_command(SIGNER, purpose, SIGNER.sign(purpose, provider_id), words)
    assert command == expected(provider_id.lower())
    for other in set(ID_BUTTONS) - {purpose}:
        with pytest.raises(ButtonRefused):
            button_command(SIGNER, other, SIGNER.sign(purpose, provider_id), words)


@given(st.sampled_from(sorted(ID_BUTTONS)), JSON_VALUES | ANY_TEXT)
def test_an_id_button_with_anything_else_signed_is_refused_or_a_command(
    purpose: str, value: object
) -> None:
    words, _ = ID_BUTTONS[purpose]
    try:
        command = button_command(SIGNER, purpose, SIGNER.sign(purpose, value), words)
    except ButtonRefused:
        return
    assert isinstance(command, COMMANDS)


# -- More states -----------------------------------------------------------------------------

TOKEN_CURSORS = st.builds(
    PageToken,
    token=st.from_regex(r"[A-Za-z0-9._~=-]{1,1000}", fullmatch=True),
    number=st.none() | st.integers(0, 10**9 - 1),
).map(PageToken.cursor)
# MoreStates takes any cursor text up to the limit (paging checks its shape when it is used),
# and long random CJK text does not fit in a button even compressed: both paths run.
CURSORS = st.one_of(
    TOKEN_CURSORS,
    st.text(min_size=1, max_size=MAX_CURSOR_LENGTH),
    st.text(
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
        min_size=MAX_CURSOR_LENGTH - 24,
        max_size=MAX_CURSOR_LENGTH,
    ),
)
SHOWN = st.integers(0, MAX_SHOWN)
# Sessions page on by the provider's cursor, rooms and conferences by how many were shown.
STATES = listings().flatmap(
    lambda command: st.builds(
        MoreState,
        st.just(command),
        SHOWN,
        CURSORS if isinstance(command, SessionsCommand) else st.none(),
    )
)
_NOISY_CURSOR = "".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(MAX_CURSOR_LENGTH))


@given(STATES)
@example(MoreState(SessionsCommand(SessionQuery()), MAX_SHOWN, _NOISY_CURSOR))
def test_every_more_state_round_trips_within_the_button_limit(state: MoreState) -> None:
    states = MoreStates(SIGNER, REGISTRY)
    value = states.encode(state)
    assert len(value) <= BUTTON_VALUE_LIMIT
    assert states.decode(value) == state
    replica = MoreStates(ButtonSigner(SECRET), REGISTRY)
    if isinstance(SIGNER.unsign(PURPOSE, value), dict):
        # Too long for the button: kept in this process, and another one says so kindly.
        event("kept in the process")
        with pytest.raises(ButtonRefused) as refused:
            replica.decode(value)
        assert refused.value.message == EXPIRED
    else:
        event("carried in the button")
        assert replica.decode(value) == state


STATE_WORDS = st.lists(st.one_of(TOKENS, ANY_TEXT), max_size=14)
# Payloads signed with our own key (an older release, a bug): close to a state, and not.
SIGNED_PAYLOADS = st.one_of(
    st.tuples(
        STATE_WORDS | listings().map(unparse) | listing_words() | JSON_VALUES,
        st.integers(-5, MAX_SHOWN + 5) | st.booleans() | st.none() | st.text(max_size=5),
        CURSORS | st.none() | st.integers() | st.text(max_size=5),
    ).map(list),
    st.dictionaries(st.sampled_from(["ref", "kind", "shown"]), JSON_VALUES, max_size=2),
    JSON_VALUES,
)


@given(SIGNED_PAYLOADS)
def test_a_signed_payload_decodes_to_a_valid_state_or_is_refused(payload: object) -> None:
    states = MoreStates(SIGNER, REGISTRY)
    value = SIGNER.sign(PURPOSE, payload)
    try:
        state = states.decode(value)
    except ButtonRefused:
        event("refused")
        return
    event("decoded")
    assert isinstance(state.command, Listing)
    assert 0 <= state.shown <= MAX_SHOWN
    assert (state.cursor is not None) == isinstance(state.command, SessionsCommand)
    assert states.decode(states.encode(state)) == state
