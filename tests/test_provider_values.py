"""Provider values that must not be shown as they arrive: schema-valid but impossible
numbers (a negative cap, cost or duration) are unknown, not facts; Telnyx's participants
are fields, never a repr of provider data. The real bot over HTTP, each provider's
simulator answering."""

from __future__ import annotations

import json

import pytest

from bot.providers.models import Participant, Room, RoomSession
from simulators import Fault, RunningTelnyxSimulator
from simulators.telnyx_wire import participants_json
from tests.slack_driver import Driver, blocks_text, text_of

SESSION_ID = "3f1c2b7e-8d4a-4c1e-9b7a-2f5e6d7c8b9a"
ROOM_ID = "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0"
IMPOSSIBLE = ("-2147483648", "-95456828", "-60", "$-")


def shown(reply: dict[str, object]) -> str:
    return text_of(reply) + "\n" + blocks_text(reply)


async def test_a_signalwire_session_with_impossible_numbers_shows_them_as_unknown(
    bot: Driver,
) -> None:
    session = {
        "id": SESSION_ID,
        "room_id": ROOM_ID,
        "name": "standup",
        "display_name": "Stand-up",
        "max_members": -2147483648,
        "status": "completed",
        "start_time": "2026-11-19T09:00:00Z",
        "end_time": "2026-11-19T09:30:00Z",
        "duration": -60,
        "cost_in_dollars": -95456828.53,
    }
    path = "/api/video/room_sessions"
    page = {"links": {"self": path, "first": path}, "data": [session]}
    bot.sim.faults.add(Fault(kind="body", status=200, body=json.dumps(page)))
    listed = shown(await bot.ask("sessions"))
    assert "Stand-up" in listed and SESSION_ID in listed
    for wrong in IMPOSSIBLE:
        assert wrong not in listed, wrong
    assert "cap " not in listed  # no cap shown rather than a false one

    bot.sim.faults.add(Fault(kind="body", status=200, body=json.dumps(session)))
    detail = await bot.ask(f"session {SESSION_ID}")
    text = text_of(detail)
    for wrong in IMPOSSIBLE:
        assert wrong not in shown(detail), wrong
    # Named among the empty fields, as the provider had said nothing.
    empty = next(line for line in text.splitlines() if "empty:" in line)
    assert "Members" in empty and "Duration" in empty and "Cost" not in text


@pytest.mark.parametrize("sim", ["telnyx"], indirect=True)
async def test_a_telnyx_room_with_a_negative_cap_shows_no_cap(bot: Driver) -> None:
    room = {
        "id": ROOM_ID,
        "record_type": "room",
        "unique_name": "standup",
        "max_participants": -2147483648,
        "enable_recording": False,
        "webhook_event_url": None,
        "webhook_event_failover_url": "",
        "webhook_timeout_secs": None,
        "active_session_id": None,
        "created_at": "2026-10-01T09:00:00Z",
        "updated_at": "2026-11-01T09:00:00Z",
    }
    bot.sim.faults.add(Fault(kind="body", status=200, body=json.dumps({"data": room})))
    reply = shown(await bot.ask(f"room {ROOM_ID}"))
    assert "standup" in reply
    assert "-2147483648" not in reply and "cap " not in reply
    assert "Members" in next(line for line in reply.splitlines() if "empty:" in line)


@pytest.mark.parametrize(("value", "kept"), [(-1, None), (-2147483648, None), (0, 0), (7, 7)])
def test_impossible_quantities_are_unknown_in_every_model(value: int, kept: int | None) -> None:
    session = RoomSession.model_validate(
        {"max_members": value, "duration": value, "cost_in_dollars": value, "fps": value}
    )
    assert (session.max_members, session.duration, session.cost_in_dollars) == (kept,) * 3
    assert session.fps == kept
    room = Room.model_validate({"max_members": value, "remove_after_seconds_elapsed": value})
    assert (room.max_members, room.remove_after_seconds_elapsed) == (kept, kept)
    assert Participant.model_validate({"duration": value}).duration == kept


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf"), -0.01])
def test_a_cost_or_frame_rate_that_is_no_number_is_unknown(value: float) -> None:
    # JSON parsers take NaN and Infinity; a cost of NaN dollars is not a cost.
    session = RoomSession.model_validate({"cost_in_dollars": value, "fps": value})
    assert (session.cost_in_dollars, session.fps) == (None, None)


@pytest.mark.parametrize("sim", ["telnyx"], indirect=True)
async def test_a_telnyx_sessions_details_list_its_participants_as_fields(bot: Driver) -> None:
    assert isinstance(bot.sim, RunningTelnyxSimulator)
    dataset = bot.sim.dataset
    ended = next(
        s for s in dataset.sessions(range(dataset.session_count)) if s.status == "completed"
    )
    people = participants_json(ended, dataset.seed, dataset.now)
    reply = await bot.ask(f"session {ended.id}")
    text = text_of(reply)
    listed = text.split("\nParticipants:\n", 1)[1].splitlines()
    assert len(listed) == len(people)
    for line, person in zip(listed, people, strict=True):
        assert line.startswith(f"• {person['context']} · joined ")
        assert " · left " in line and " after " in line
    assert "[{" not in text and "'context'" not in blocks_text(reply)
    [asked] = [r for r in bot.sim.requests if r.path.endswith(ended.id)]
    assert asked.query.get("include_participants") == "true"


@pytest.mark.parametrize("sim", ["telnyx"], indirect=True)
async def test_a_telnyx_participant_context_is_escaped_in_details(bot: Driver) -> None:
    assert isinstance(bot.sim, RunningTelnyxSimulator)
    dataset = bot.sim.dataset
    hostile = next(
        s
        for s in dataset.sessions(range(dataset.session_count))
        if any(
            "<!channel>" in p["context"]
            for p in participants_json(s, dataset.seed, dataset.now)[:10]
        )
    )
    reply = await bot.ask(f"session {hostile.id}")
    shown = text_of(reply) + blocks_text(reply)
    assert "<!channel>" not in shown and "&lt;!channel&gt;" in shown
