"""The real bot over HTTP: signed commands and clicks in, replies out through the Slack
stand-in, provider calls to the simulator."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from zoneinfo import ZoneInfo

import pytest

from bot.slack.blocks.details import LABELS
from simulators import AnySimulator, Fault, RunningSimulator
from simulators.slack_api import RunningSlackStandin
from simulators.slack_payloads import signed_headers
from tests import wire
from tests.conftest import ON_BOTH_PROVIDERS
from tests.slack_driver import (
    ALICE,
    BOB,
    CHANNEL,
    Driver,
    blocks_text,
    running_bot,
    text_of,
)

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
SESSIONS = "/api/video/room_sessions"


def api_requests(sim: AnySimulator, path: str = "/api/") -> int:
    return len([r for r in sim.requests if r.path.startswith(path)])


# -- request verification ----------------------------------------------------------------


async def test_forged_signature_is_refused_and_nothing_runs(bot: Driver) -> None:
    sent = await bot.command("sessions", secret="not-the-signing-secret")
    assert sent.response.status_code == 401
    await asyncio.sleep(0.3)
    assert bot.slack.responses == []
    assert bot.sim.requests == []


async def test_request_older_than_five_minutes_is_refused(bot: Driver) -> None:
    sent = await bot.command("sessions", timestamp=int(time.time()) - 6 * 60)
    assert sent.response.status_code == 401
    await asyncio.sleep(0.3)
    assert bot.slack.responses == [] and bot.sim.requests == []


async def test_unsigned_request_is_refused(bot: Driver) -> None:
    response = await bot.http.post(f"{bot.url}/slack/events", content="command=/rooms&text=help")
    assert response.status_code == 401


async def test_healthz_reports_a_failing_provider(bot: Driver) -> None:
    healthy = await bot.http.get(f"{bot.url}/healthz")
    assert healthy.status_code == 200 and healthy.json()["status"] == "ok"
    bot.sim.faults.add(Fault(kind="status", status=503, times=100))
    # Three distinct reads (identical ones would share one call), each failing for good.
    await asyncio.gather(*(bot.ask(f"sessions limit={n}") for n in (1, 2, 3)))
    degraded = (await bot.http.get(f"{bot.url}/healthz")).json()
    assert degraded["status"] == "degraded"
    assert "503" in degraded["provider"]["reason"]
    assert degraded["provider"]["consecutive_failures"] == 3
    bot.sim.faults.clear()
    await bot.ask("sessions limit=4")
    assert (await bot.http.get(f"{bot.url}/healthz")).json()["status"] == "ok"


# -- commands ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["help", "", "  "])
async def test_help_lists_every_subcommand(bot: Driver, text: str) -> None:
    reply = await bot.ask(text)
    for usage in ("/rooms sessions", "/rooms session UUID", "/rooms list", "/rooms room"):
        assert usage in text_of(reply)
    assert "/rooms conference UUID|NAME" in blocks_text(reply)
    assert reply["response_type"] == "ephemeral"
    assert bot.sim.requests == []


@ON_BOTH_PROVIDERS
async def test_sessions_newest_first_with_count_and_more(bot: Driver) -> None:
    sent = await bot.command("sessions")
    assert sent.ack_seconds < 1.5
    reply = await bot.reply(sent)
    newest = bot.sim.dataset.session(0)
    ids = UUID.findall(text_of(reply))
    assert len(ids) == 10
    assert ids[0] == newest.id
    assert "Showing 10 room sessions, newest first. More are available." in text_of(reply)
    assert newest.name and newest.name in text_of(reply)
    assert "in-progress" in text_of(reply) or "completed" in text_of(reply)
    assert '"action_id": "rooms_more"' in blocks_text(reply)
    assert [r.query for r in wire.session_lists(bot.sim)] == [wire.sessions_query(bot.sim, size=10)]


@ON_BOTH_PROVIDERS
async def test_more_button_continues_from_the_providers_next_page(bot: Driver) -> None:
    first = await bot.ask("sessions limit=4")
    second = await bot.press(first, "More")
    third = await bot.press(second, "More")
    pages = [UUID.findall(text_of(m)) for m in (first, second, third)]
    expected = [bot.sim.dataset.session(i).id for i in range(12)]
    assert pages[0] + pages[1] + pages[2] == expected
    assert "Showing room sessions 5–8" in text_of(second)
    assert "Showing room sessions 9–12" in text_of(third)
    follow_ups = wire.session_lists(bot.sim)[1:]
    if wire.is_telnyx(bot.sim):
        assert [r.query["page[number]"] for r in follow_ups] == ["2", "3"]
    else:
        assert all("page_token" in r.query for r in follow_ups)


@ON_BOTH_PROVIDERS
async def test_more_keeps_the_filters(bot: Driver) -> None:
    first = await bot.ask("sessions status=completed room=standup limit=3")
    second = await bot.press(first, "More")
    assert "Showing room sessions 4–6 matching room=standup status=completed" in text_of(second)
    assert "Filters: room=standup status=completed" in blocks_text(second)
    standup = next(r for r in bot.sim.dataset.rooms if r.name == "standup")
    wanted = wire.sessions_query(bot.sim, size=3, room_id=standup.id, status="completed")
    assert wanted.items() - {"page[number]": "1"}.items() <= bot.sim.requests[-1].query.items()


@ON_BOTH_PROVIDERS
async def test_sessions_filters_go_to_the_provider(bot: Driver) -> None:
    room = bot.sim.dataset.rooms[0]
    reply = await bot.ask(f"sessions room_id={room.id} status=completed limit=5")
    query = wire.session_lists(bot.sim)[-1].query
    assert query == wire.sessions_query(bot.sim, size=5, room_id=room.id, status="completed")
    rows = text_of(reply).splitlines()[1:]
    assert len(rows) == 5 and all("| completed |" in row for row in rows)


@ON_BOTH_PROVIDERS
async def test_room_names_are_matched_in_any_case_through_the_room_list(bot: Driver) -> None:
    room = next(r for r in bot.sim.dataset.rooms if r.name == "standup")
    reply = await bot.ask("sessions room=StandUp status=completed limit=3")
    assert bot.sim.requests[-1].query == wire.sessions_query(
        bot.sim, size=3, room_id=room.id, status="completed"
    )
    rows = text_of(reply).splitlines()[1:]
    assert len(rows) == 3 and all(row.startswith("• standup |") for row in rows)


@ON_BOTH_PROVIDERS
async def test_an_unknown_room_name_gets_the_closest_names(bot: Driver) -> None:
    for text in ("sessions room=standupp", "room standupp"):
        reply = await bot.ask(text)
        assert text_of(reply) == (
            f"No room named `standupp` on {wire.label(bot.sim)}. Did you mean `standup`? "
            "`/rooms list` shows every room."
        ), text
    assert "room_sessions" not in bot.sim.requests[-1].path


async def test_match_searches_display_names_in_any_case(bot: Driver) -> None:
    # A word that only a display name has, so that a search of names alone finds nothing.
    word = next(
        w.upper()
        for r in bot.sim.dataset.rooms
        for w in (r.display_name or "").split()
        if len(w) > 3 and not any(w.casefold() in o.name.casefold() for o in bot.sim.dataset.rooms)
    )
    reply = await bot.ask(f'sessions match="{word}" limit=3')
    assert "room_name_matches" not in bot.sim.requests[-1].query
    ids = UUID.findall(text_of(reply))
    assert len(ids) == 3
    for session_id in ids:
        every = bot.sim.dataset.sessions(range(bot.sim.dataset.session_count))
        session = next(s for s in every if s.id == session_id)
        assert word.casefold() in (session.display_name or "").casefold()


@ON_BOTH_PROVIDERS
async def test_since_and_until_are_read_in_the_callers_zone(bot: Driver) -> None:
    new_york = ZoneInfo("America/New_York")  # BOB's zone in the stand-in
    day = bot.sim.dataset.day_counts()[3][0]
    every = [bot.sim.dataset.session(i) for i in range(bot.sim.dataset.session_count)]
    expected = [s.id for s in every if s.start_time.astimezone(new_york).date() == day]
    assert 0 < len(expected) <= 40
    reply = await bot.ask(f"sessions since={day} until={day} limit=40", user=BOB)
    assert UUID.findall(text_of(reply)) == expected
    evening = await bot.ask(f"sessions since={day}T18:00 until={day} limit=40", user=BOB)
    late = [
        s.id for s in every if s.start_time.astimezone(new_york).date() == day
        and s.start_time.astimezone(new_york).hour >= 18
    ]  # fmt: skip
    assert UUID.findall(text_of(evening)) == late


async def test_session_shows_every_field_of_the_seed(bot: Driver) -> None:
    session = bot.sim.dataset.session(3)
    reply = await bot.ask(f"session {session.id}")
    seed_fields = [
        "id", "room_id", "name", "display_name", "max_members", "quality", "fps", "join_from",
        "join_until", "remove_at", "remove_after_seconds_elapsed", "layout", "record_on_start",
        "tone_on_entry_and_exit", "room_join_video_off", "user_join_video_off", "locked",
        "start_time", "end_time", "duration", "status", "created_at", "updated_at",
        "preview_url", "prioritize_handraise", "sync_audio_video",
    ]  # fmt: skip
    text = text_of(reply)
    # Each field is shown under its label, or named on the one line of empty fields.
    empty = next(line for line in text.splitlines() if " empty: " in line)
    empty_labels = empty.split(" empty: ", 1)[1].removesuffix(".").split(", ")
    for field in seed_fields:
        label = LABELS[field]
        shown = f"\n{label}: " in text and f"*{label}*" in blocks_text(reply)
        assert shown != (label in empty_labels), field
    assert f"\nID: {session.id}\n" in text
    # The single GET has no cost; the room's list has it, and the detail shows it too.
    single, listed = bot.sim.requests[-2:]
    assert single.path == f"{SESSIONS}/{session.id}"
    assert listed.path == SESSIONS and listed.query["room_id"] == session.room_id
    assert session.cost_in_dollars is not None
    assert f"\n{LABELS['cost_in_dollars']}: ${session.cost_in_dollars:,.2f}" in text


@ON_BOTH_PROVIDERS
async def test_session_times_use_the_users_zone_and_slack_date_tokens(bot: Driver) -> None:
    session = bot.sim.dataset.session(5)
    alice = text_of(await bot.ask(f"session {session.id}", user=ALICE))
    bob = text_of(await bot.ask(f"session {session.id}", user=BOB))
    assert re.search(r"Started: \d{4}-\d\d-\d\d \d\d:\d\d (GMT|BST)", alice)
    assert re.search(r"Started: \d{4}-\d\d-\d\d \d\d:\d\d (EST|EDT)", bob)
    reply = await bot.ask(f"session {session.id}", user=BOB)
    assert "<!date^" in blocks_text(reply)
    # users.info is cached: one call per user, however many commands.
    assert len(bot.slack.calls_to("users.info")) == 2


@ON_BOTH_PROVIDERS
async def test_list_rooms_newest_first_with_filters(bot: Driver) -> None:
    reply = await bot.ask("list")
    rooms = sorted(bot.sim.dataset.rooms, key=lambda r: r.created_at, reverse=True)
    assert UUID.findall(text_of(reply)) == [r.id for r in rooms[:10]]
    assert "Showing 10 rooms, newest first." in text_of(reply)
    more = await bot.press(reply, "More")
    assert UUID.findall(text_of(more)) == [r.id for r in rooms[10:20]]
    target = rooms[0]
    filtered = await bot.ask(f"list match={target.name} created_after=2000-01-01")
    assert target.id in text_of(filtered)
    if wire.is_telnyx(bot.sim):  # the date goes on the wire; only match is applied here
        assert bot.sim.requests[-1].query["filter[date_created_at][gte]"] == "2000-01-01"
        assert "(match applied by RoomOps: Telnyx cannot filter by it)" in text_of(filtered)
    else:
        assert "(match and created_after applied by RoomOps: SignalWire cannot filter by them)" in (
            text_of(filtered)
        )
    none = await bot.ask("list match=zzz-no-such-room")
    assert text_of(none) == "No rooms matching match=zzz-no-such-room."


@ON_BOTH_PROVIDERS
async def test_room_by_name_and_by_id_with_its_active_session(bot: Driver) -> None:
    live = next(
        bot.sim.dataset.session(i)
        for i in range(50)
        if bot.sim.dataset.session(i).status == "in-progress" and bot.sim.dataset.session(i).room_id
    )
    room = next(r for r in bot.sim.dataset.rooms if r.id == live.room_id)
    by_name = await bot.ask(f"room {room.name}")
    assert f"Room {room.name}" in text_of(by_name)
    # The first in-progress session of the room in newest-first order is its active one.
    assert f"Active session {live.id}: in-progress" in text_of(by_name)
    by_id = await bot.ask(f"room {room.id}")
    assert room.name in text_of(by_id)
    assert f"Active session {live.id}: in-progress" in text_of(by_id)
    if wire.is_telnyx(bot.sim):  # the room names its active session, read by id
        paths = [r.path for r in bot.sim.requests]
        assert paths[-1] == f"/v2/rooms/{room.id}" and f"/v2/room_sessions/{live.id}" in paths
    else:
        assert bot.sim.requests[-1].query == {"include_active_session": "true"}


async def test_conference_shows_theme_size_and_active_session(bot: Driver) -> None:
    conference = next(c for c in bot.sim.dataset.conferences if c.theme.get("dark_primary"))
    reply = await bot.ask(f"conference {conference.name}")
    text = text_of(reply)
    assert f"Conference {conference.name}" in text
    assert f"size {conference.size}" in text
    assert f"primary {conference.theme['dark_primary']}" in text
    assert "Active session" in text
    by_id = await bot.ask(f"conference {conference.id}")
    assert conference.name in text_of(by_id)
    assert bot.sim.requests[-1].query == {"include_active_session": "true"}


@ON_BOTH_PROVIDERS
async def test_details_button_opens_the_session(bot: Driver) -> None:
    listing = await bot.ask("sessions limit=2")
    details = await bot.press(listing, "Details", index=1)
    second = bot.sim.dataset.session(1)
    assert f"Session {second.id}" in text_of(details)


# -- bad input: specific messages, no provider call ----------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("bogus", "`bogus` is not a /rooms command."),
        ("session 1234", "`1234` is not a session id: expected a UUID"),
        ("session", "`/rooms session` needs a session UUID."),
        ("sessions colour=red", "Unknown option `colour` for `/rooms sessions`"),
        ("sessions status=live", "status must be `in-progress` or `completed`, not `live`."),
        ("sessions room_id=abc", "room_id must be a room UUID, not `abc`."),
        ("sessions limit=500", "limit must be from 1 to 40 (got 500)"),
        ("sessions limit=ten", "limit must be a whole number from 1 to 40, in the digits 0-9."),
        ("sessions standup", "`standup` is not an option here"),
        ("list created_after=yesterday", "created_after must be a date like 2026-01-31"),
        ("room a/b", "`a/b` is neither a room UUID nor a room name"),
        ('sessions match="unclosed', "A quote is not closed."),
    ],
)
async def test_bad_input_gets_a_specific_message_and_no_api_call(
    bot: Driver, text: str, expected: str
) -> None:
    reply = await bot.ask(text)
    assert expected in text_of(reply)
    assert "/rooms" in text_of(reply)  # the usage, or the full help
    assert bot.sim.requests == []


async def test_unknown_subcommand_shows_the_usage(bot: Driver) -> None:
    reply = await bot.ask("delete everything")
    assert "`delete` is not a /rooms command. Commands: `sessions`," in text_of(reply)
    assert len(text_of(reply).splitlines()) <= 2  # one line, not the whole help
    typo = await bot.ask("sesions limit=5")
    assert "`sesions` is not a /rooms command. Did you mean `sessions`?" in text_of(typo)
    assert "/rooms sessions [room=NAME]" in text_of(typo)


# -- access ---------------------------------------------------------------------------------


async def test_users_outside_allowed_users_are_told_why(
    sim: RunningSimulator, slack: RunningSlackStandin
) -> None:
    async with running_bot(sim, slack, allowed_users=(ALICE,)) as bot:
        refused = await bot.command("sessions", user=BOB)
        assert refused.response.status_code == 200
        body = refused.response.json()
        assert body["response_type"] == "ephemeral"
        assert "not on RoomOps' list of allowed users" in body["text"]
        assert "ALLOWED_USERS" in body["text"]
        await asyncio.sleep(0.2)
        assert sim.requests == [] and slack.responses == []
        allowed = await bot.ask("sessions limit=1", user=ALICE)
        assert len(UUID.findall(text_of(allowed))) == 1


async def test_channels_outside_allowed_channels_are_told_why(
    sim: RunningSimulator, slack: RunningSlackStandin
) -> None:
    async with running_bot(sim, slack, allowed_channels=("C0OPS00001",)) as bot:
        refused = await bot.command("sessions", channel=CHANNEL)
        assert "not enabled in this channel" in refused.response.json()["text"]
        assert "<#C0OPS00001>" in refused.response.json()["text"]
        assert sim.requests == []
        allowed = await bot.ask("help", channel="C0OPS00001")
        assert "/rooms sessions" in text_of(allowed)


async def test_refused_button_clicks_are_answered_too(
    sim: RunningSimulator, slack: RunningSlackStandin
) -> None:
    async with running_bot(sim, slack, allowed_users=(ALICE,)) as bot:
        listing = await bot.ask("sessions limit=2", user=ALICE)
        count = len(sim.requests)
        refused = await bot.press(listing, "More", user=BOB)
        assert "not on RoomOps' list of allowed users" in text_of(refused)
        assert len(sim.requests) == count


# -- provider faults reach the user as friendly text ---------------------------------------


@ON_BOTH_PROVIDERS
async def test_not_found(bot: Driver) -> None:
    reply = await bot.ask("session 00000000-0000-4000-8000-000000000000")
    assert text_of(reply) == (
        f"No room session with id `00000000-0000-4000-8000-000000000000` on {wire.label(bot.sim)}."
    )
    room = await bot.ask("room no-such-room")
    assert text_of(room) == (
        f"No room named `no-such-room` on {wire.label(bot.sim)}. `/rooms list` shows every room."
    )


@ON_BOTH_PROVIDERS
async def test_unauthorized_names_the_settings(
    sim: AnySimulator, slack: RunningSlackStandin
) -> None:
    wrong_token = "wrong-token-value"
    async with running_bot(sim, slack, **wire.wrong_credentials(sim, wrong_token)) as wrong:
        reply = await wrong.ask("sessions")
    assert f"{wire.label(sim)} refused RoomOps' credentials" in text_of(reply)
    assert all(name in text_of(reply) for name in wire.credential_settings(sim))
    assert wrong_token not in text_of(reply) + blocks_text(reply)
    assert len(sim.requests) == 1  # a refusal is not retried


@ON_BOTH_PROVIDERS
async def test_rate_limited_says_when_to_try_again(bot: Driver) -> None:
    bot.sim.faults.add(Fault(kind="status", status=429, retry_after=90, times=1))
    reply = await bot.ask("sessions")
    assert text_of(reply) == f"{wire.label(bot.sim)} is rate limiting RoomOps; try again in 90 s."


@ON_BOTH_PROVIDERS
async def test_unavailable(bot: Driver) -> None:
    bot.sim.faults.add(Fault(kind="status", status=503, times=20))
    started = time.monotonic()
    reply = await bot.ask(
        "sessions",
    )
    assert f"{wire.label(bot.sim)} is not answering right now" in text_of(reply)
    assert "Try again in a minute." in text_of(reply)
    assert time.monotonic() - started < 30
    assert api_requests(bot.sim, wire.api_prefix(bot.sim)) == 4  # bounded retries


@ON_BOTH_PROVIDERS
async def test_transient_fault_is_retried_invisibly(bot: Driver) -> None:
    bot.sim.faults.add(Fault(kind="status", status=502, times=1))
    reply = await bot.ask("sessions limit=3")
    assert len(UUID.findall(text_of(reply))) == 3


async def test_unexpected_error_shows_a_reference_that_is_in_the_log(
    bot: Driver, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    bot.sim.faults.add(
        Fault(kind="body", status=200, body='{"links": {}, "data": [{"start_time": "soon"}]}')
    )
    reply = await bot.ask("sessions")
    match = re.search(r"Reference: (E-[0-9A-F]{8})", text_of(reply))
    assert match, text_of(reply)
    assert "Traceback" not in text_of(reply) + blocks_text(reply)
    logged = [r for r in caplog.records if match.group(1) in r.getMessage()]
    assert logged and logged[0].exc_info is not None


@ON_BOTH_PROVIDERS
async def test_ack_is_fast_when_the_provider_is_slow(bot: Driver) -> None:
    bot.sim.set_latency(1.5)  # longer than the ack may take
    sent = await bot.command("sessions limit=2")
    assert sent.response.status_code == 200
    assert sent.ack_seconds < 1.0
    assert bot.slack.responses_to(sent.response_url) == []
    reply = await bot.reply(sent, wait=10)
    assert len(UUID.findall(text_of(reply))) == 2


# -- App Home -------------------------------------------------------------------------------


def home_opened_body() -> str:
    event = {
        "token": "x",
        "team_id": "T0ROOMOPS1",
        "api_app_id": "A0ROOMOPS1",
        "type": "event_callback",
        "event_id": "Ev0001",
        "event_time": int(time.time()),
        "event": {"type": "app_home_opened", "user": ALICE, "channel": "D0ALICE", "tab": "home"},
    }
    return json.dumps(event)


async def open_home(bot: Driver) -> None:
    body = home_opened_body()
    headers = signed_headers(bot.secret, body)
    headers["Content-Type"] = "application/json"
    response = await bot.http.post(f"{bot.url}/slack/events", content=body, headers=headers)
    assert response.status_code == 200


@ON_BOTH_PROVIDERS
async def test_app_home_shows_live_sessions_and_help(bot: Driver) -> None:
    await open_home(bot)
    calls = await bot.slack.wait_for_call("views.publish")
    view = calls[0].args["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert calls[0].args["user_id"] == ALICE
    text = json.dumps(view)
    assert "Live now" in text and "/rooms sessions" in text
    live = bot.sim.dataset.session(0)
    assert live.status == "in-progress" and live.id in text


async def test_app_home_opens_when_channels_are_restricted(
    sim: RunningSimulator, slack: RunningSlackStandin
) -> None:
    # app_home_opened carries the user's DM channel; App Home is not a channel to restrict.
    async with running_bot(sim, slack, allowed_channels=("C0OPS00001",)) as bot:
        await open_home(bot)
        calls = await bot.slack.wait_for_call("views.publish")
    assert calls[0].args["user_id"] == ALICE


# -- load -----------------------------------------------------------------------------------


async def test_a_burst_far_above_the_pool_is_answered_and_the_bot_stays_usable(
    sim: RunningSimulator, slack: RunningSlackStandin
) -> None:
    async with running_bot(sim, slack, provider_max_connections=4) as bot:
        sim.set_latency(0.05)
        # Distinct queries, so that none is coalesced: every one needs its own call.
        statuses = ("completed", "in-progress")
        sent = await asyncio.gather(*(bot.command(f"sessions limit={1 + i % 40} "
                                                  f"status={statuses[i // 40]}")
                                      for i in range(60)))  # fmt: skip
        assert all(s.response.status_code == 200 for s in sent)
        replies = await asyncio.gather(*(bot.reply(s, wait=30) for s in sent))
        assert not [r for r in replies if "not answering" in text_of(r)]
        assert api_requests(sim) == 60
        sim.set_latency(0.0)
        after = await bot.ask("sessions limit=2")
        assert len(UUID.findall(text_of(after))) == 2


@ON_BOTH_PROVIDERS
async def test_identical_reads_in_flight_share_one_provider_call(bot: Driver) -> None:
    bot.sim.set_latency(0.3)
    sent = await asyncio.gather(*(bot.command("sessions limit=3") for _ in range(30)))
    replies = await asyncio.gather(*(bot.reply(s) for s in sent))
    assert {tuple(UUID.findall(text_of(r))) for r in replies} == {
        tuple(bot.sim.dataset.session(i).id for i in range(3))
    }
    assert len(wire.session_lists(bot.sim)) == 1
    # Telnyx names a session's room by reading the room, once per room whatever the burst.
    rooms = (
        {bot.sim.dataset.session(i).room_id for i in range(3)} if wire.is_telnyx(bot.sim) else ()
    )
    assert api_requests(bot.sim, wire.api_prefix(bot.sim)) == 1 + len(rooms)


async def test_conferences_are_listed_and_found_by_name_in_any_case(bot: Driver) -> None:
    listed = await bot.ask("conferences")
    names = [c.name for c in bot.sim.dataset.conferences]
    text = text_of(listed)
    assert all(f"• {name} |" in text for name in names)
    live = await bot.ask('conferences match="all-hands LIVE"')
    assert [line for line in text_of(live).splitlines() if line.startswith("• ")] == [
        line for line in text.splitlines() if line.startswith("• all-hands |")
    ]
    one = await bot.ask("conference Sales-Demo")
    assert "sales-demo" in text_of(one)
    missing = await bot.ask("conference sales-dem")
    assert text_of(missing) == (
        "No conference named `sales-dem` on SignalWire. Did you mean `sales-demo`? "
        "`/rooms conferences` lists them."
    )


async def test_conferences_page_on_with_more(bot: Driver) -> None:
    first = await bot.ask("conferences limit=3")
    second = await bot.press(first, "More")
    rows = [
        line.split(" | ")[0]
        for reply in (first, second)
        for line in text_of(reply).splitlines()
        if line.startswith("• ")
    ]
    assert sorted(rows) == sorted(f"• {c.name}" for c in bot.sim.dataset.conferences)


@ON_BOTH_PROVIDERS
async def test_the_helps_own_match_example_finds_the_all_hands_room(bot: Driver) -> None:
    reply = await bot.ask('sessions match="all hands" limit=5')
    rows = [line for line in text_of(reply).splitlines() if line.startswith("• ")]
    assert rows and all(row.startswith("• all-hands |") for row in rows)


@pytest.mark.parametrize("sim", ["telnyx"], indirect=True)
async def test_telnyx_has_no_conferences_and_is_not_asked(bot: Driver) -> None:
    listing = await bot.ask("conferences")
    assert text_of(listing) == "Telnyx has no conferences."
    one = await bot.ask("conference all-hands")
    assert text_of(one) == "Telnyx has no conferences; try `/rooms room all-hands`."
    assert bot.sim.requests == []
