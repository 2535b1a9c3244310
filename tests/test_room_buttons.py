"""Room buttons through the real bot: a room row's Details, a quiet room's Recent sessions,
and values that were not made for the button they come back on."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from bot.demo.render_text import render_message
from bot.slack.blocks.rooms import ROOM_BUTTON, ROOM_SESSIONS_BUTTON
from bot.slack.blocks.sessions import SESSION_BUTTON
from bot.slack.buttons import STALE_BUTTON, ButtonRefused, ButtonSigner
from bot.slack.listeners.command_button import button_command
from bot.slack.subcommands.room import RoomCommand
from bot.slack.subcommands.sessions import SessionsCommand
from simulators.dataset import Room
from simulators.slack_payloads import block_action
from tests.slack_driver import ALICE, CHANNEL, Driver, Sent, text_of

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
ROOMS = "/api/video/rooms"
SESSIONS = "/api/video/room_sessions"


def action_of(message: dict[str, Any], label: str, index: int = 0) -> dict[str, Any]:
    buttons = [b for b in render_message(message).buttons if b.label == label]
    assert buttons, f"no {label!r} button in {render_message(message).lines}"
    return dict(buttons[index].action)


async def click(bot: Driver, message: dict[str, Any], action: dict[str, Any]) -> dict[str, Any]:
    """A click carrying `action` as given, which may not be what the bot put on the button."""
    url = bot.slack.new_response_url()
    body = block_action(
        action, response_url=url, user_id=ALICE, channel_id=CHANNEL, message=message
    )
    return await bot.reply(Sent(await bot.post(body), url, 0.0))


def quiet_room(bot: Driver) -> Room:
    """The busiest room with no session in progress: it has history to list."""
    quiet = [r for r in bot.sim.dataset.rooms if bot.sim.dataset.active_session(r.id) is None]
    assert quiet
    return max(quiet, key=lambda room: room.popularity)


async def test_a_room_rows_details_answers_with_that_room(bot: Driver) -> None:
    listing = await bot.ask("list limit=3")
    shown = UUID.findall(text_of(listing))
    assert len(shown) == 3
    assert len([b for b in render_message(listing).buttons if b.label == "Details"]) == 3
    details = await bot.press(listing, "Details", index=1)
    room = bot.sim.dataset.room(shown[1])
    assert room is not None
    assert f"Room {room.name}" in text_of(details)
    assert f"ID: {room.id}" in text_of(details)
    assert f"Members: cap {room.max_members}" in text_of(details)
    last = bot.sim.requests[-1]
    assert last.path == f"{ROOMS}/{room.id}"
    assert last.query == {"include_active_session": "true"}


async def test_recent_sessions_answers_with_the_rooms_sessions(bot: Driver) -> None:
    room = quiet_room(bot)
    detail = await bot.ask(f"room {room.name}")
    assert "Active session: none" in text_of(detail)
    sessions = await bot.press(detail, "Recent sessions")
    assert bot.sim.requests[-1].path == SESSIONS
    assert bot.sim.requests[-1].query == {"page_size": "10", "room_id": room.id}
    ids = UUID.findall(text_of(sessions).split("\n", 1)[1])
    listed = [bot.sim.dataset.session_by_id(i) for i in ids if i != room.id]
    assert listed and all(s is not None and s.room_id == room.id for s in listed)
    assert f"matching room_id={room.id}" in text_of(sessions)
    typed = await bot.ask(f"sessions room_id={room.id}")
    assert UUID.findall(text_of(sessions)) == UUID.findall(text_of(typed))


async def test_a_room_with_a_live_session_offers_its_details_not_recent_sessions(
    bot: Driver,
) -> None:
    live = bot.sim.dataset.session(0)
    assert live.status == "in-progress" and live.room_id
    room = bot.sim.dataset.room(live.room_id)
    assert room is not None
    detail = await bot.ask(f"room {room.id}")
    labels = [b.label for b in render_message(detail).buttons]
    assert labels == ["Details"]
    session = await bot.press(detail, "Details")
    assert f"Session {live.id}" in text_of(session)


@pytest.mark.parametrize(
    ("source", "source_label", "target_action"),
    [
        # A session's Details value (a session id) on a room's Details button.
        ("sessions limit=2", "Details", ROOM_BUTTON),
        # ... and on a room's Recent sessions button.
        ("sessions limit=2", "Details", ROOM_SESSIONS_BUTTON),
        # A room's Details value (a room id) on the Recent sessions button.
        ("list limit=2", "Details", ROOM_SESSIONS_BUTTON),
    ],
)
async def test_a_value_made_for_another_button_is_refused_without_a_provider_call(
    bot: Driver, source: str, source_label: str, target_action: str
) -> None:
    message = await bot.ask(source)
    action = action_of(message, source_label)
    action["action_id"] = target_action
    before = len(bot.sim.requests)
    reply = await click(bot, message, action)
    assert STALE_BUTTON in text_of(reply)
    assert len(bot.sim.requests) == before


@pytest.mark.parametrize(
    ("command", "label", "purpose"),
    [("list limit=1", "Details", ROOM_BUTTON), (None, "Recent sessions", ROOM_SESSIONS_BUTTON)],
)
async def test_foreign_and_edited_room_values_are_refused_without_a_provider_call(
    bot: Driver, command: str | None, label: str, purpose: str
) -> None:
    message = await bot.ask(command or f"room {quiet_room(bot).name}")
    action = action_of(message, label)
    other = bot.sim.dataset.rooms[-1].id
    value = str(action["value"])
    forged = [
        ButtonSigner("another-apps-secret").sign(purpose, other),  # right purpose, wrong key
        value[:-1] + ("A" if value[-1] != "A" else "B"),  # an edited signature
    ]
    before = len(bot.sim.requests)
    for fake in forged:
        reply = await click(bot, message, {**action, "value": fake})
        assert STALE_BUTTON in text_of(reply)
    assert len(bot.sim.requests) == before
    # The untouched value does reach the provider: the refusals above were the values.
    await click(bot, message, action)
    assert len(bot.sim.requests) == before + 1


# -- the pure half: what a value may turn into ------------------------------------------

SIGNER = ButtonSigner("signing-secret-for-tests")
ROOM_ID = "3f1c2b7e-8d4a-4c1e-9b7a-2f5e6d7c8b9a"


def room_words(ref: str) -> list[str]:
    return ["room", ref]


def sessions_words(ref: str) -> list[str]:
    return ["sessions", f"room_id={ref}"]


def test_a_signed_room_id_becomes_the_typed_command() -> None:
    value = SIGNER.sign(ROOM_BUTTON, ROOM_ID.upper())
    assert button_command(SIGNER, ROOM_BUTTON, value, room_words) == RoomCommand(ROOM_ID)
    recent = button_command(
        SIGNER, ROOM_SESSIONS_BUTTON, SIGNER.sign(ROOM_SESSIONS_BUTTON, ROOM_ID), sessions_words
    )
    assert isinstance(recent, SessionsCommand)
    assert recent.query.room_id == ROOM_ID and recent.query.room_name is None


@pytest.mark.parametrize(
    ("purpose", "data", "words"),
    [
        (ROOM_BUTTON, "a/b", room_words),  # not a name the grammar accepts
        (ROOM_BUTTON, ["room", ROOM_ID], room_words),  # not a string
        (ROOM_SESSIONS_BUTTON, "standup", sessions_words),  # room_id must be a UUID
        (ROOM_SESSIONS_BUTTON, f"{ROOM_ID} limit=40", sessions_words),  # no smuggled options
    ],
)
def test_signed_values_still_pass_the_grammar(
    purpose: str, data: object, words: Callable[[str], list[str]]
) -> None:
    with pytest.raises(ButtonRefused):
        button_command(SIGNER, purpose, SIGNER.sign(purpose, data), words)


def test_a_value_is_bound_to_its_button() -> None:
    value = SIGNER.sign(SESSION_BUTTON, ROOM_ID)
    with pytest.raises(ButtonRefused):
        button_command(SIGNER, ROOM_BUTTON, value, room_words)
    with pytest.raises(ButtonRefused):
        button_command(SIGNER, ROOM_SESSIONS_BUTTON, value, sessions_words)
