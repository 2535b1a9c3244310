"""Block Kit rendering, time formatting and the More button's state: pure functions."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.demo.render_text import mrkdwn_to_text, no_such_button, render_message
from bot.providers.models import Conference, Room, RoomSession
from bot.providers.telnyx import map_room, map_session
from bot.render.kit import FIELDS_PER_SECTION, Block, plural
from bot.render.timefmt import format_duration, plain_time, slack_time
from bot.slack.blocks.context import RenderContext
from bot.slack.blocks.help import render_help
from bot.slack.blocks.provider_view import SIGNALWIRE_VIEW, TELNYX_VIEW
from bot.slack.blocks.rooms import (
    ROOM_BUTTON,
    ROOM_SESSIONS_BUTTON,
    render_conference,
    render_room,
    render_room_list,
)
from bot.slack.blocks.sessions import render_session, render_session_list
from bot.slack.subcommands.registry import REGISTRY

SESSION_FIELDS = SIGNALWIRE_VIEW.session_fields

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")
CTX = RenderContext(now=NOW, tz=BERLIN)


def session(i: int, **changes: object) -> RoomSession:
    data: dict[str, object] = {
        "id": f"00000000-0000-4000-8000-{i:012d}",
        "room_id": "11111111-1111-4111-8111-111111111111",
        "name": "standup",
        "display_name": "Daily <Standup> & co",
        "status": "completed",
        "start_time": NOW - timedelta(hours=i + 2),
        "end_time": NOW - timedelta(hours=i + 1),
        "duration": 5400,
        "max_members": 20,
        "cost_in_dollars": 0.5,
    }
    data.update(changes)
    return RoomSession.model_validate(data)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0s"), (45, "45s"), (60, "1m"), (90, "1m 30s"), (5400, "1h 30m"), (3600, "1h"),
     (3605, "1h"), (90061, "1d 1h"), (None, "—")],
)  # fmt: skip
def test_durations_are_human(seconds: int | None, text: str) -> None:
    assert format_duration(seconds) == text


def test_times_in_the_users_zone_and_as_slack_tokens() -> None:
    moment = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    assert plain_time(moment, BERLIN) == "2026-07-01 14:00 CEST"
    token = slack_time(moment, BERLIN)
    assert (
        token
        == f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}|2026-07-01 14:00 CEST>"
    )
    assert plain_time(None, BERLIN) == "—"


def test_session_list_fallback_carries_ids_names_statuses_and_count() -> None:
    sessions = [session(1), session(2, status="in-progress", end_time=None, duration=None)]
    reply = render_session_list(
        sessions, CTX, filters="room=standup", first_number=1, more_value='{"kind":"x"}'
    )
    assert (
        "Showing 2 room sessions matching room=standup, newest first. More are available."
        in reply.text
    )
    for s in sessions:
        assert str(s.id) in reply.text
    assert "| completed |" in reply.text and "| in-progress |" in reply.text
    assert "running 4h" in reply.text  # elapsed since start for a live session
    blocks = json.dumps(reply.blocks, ensure_ascii=False)
    assert "Daily &lt;Standup&gt; &amp; co" in blocks  # mrkdwn control characters escaped
    assert reply.blocks[-1]["type"] == "actions"
    assert reply.blocks[-1]["elements"][0]["action_id"] == "rooms_more"


def test_later_pages_number_their_rows_and_the_last_says_so() -> None:
    reply = render_session_list([session(1)], CTX, filters="", first_number=11, more_value=None)
    assert "(Showing room session 11. That is the end of the list.)" in reply.text
    assert all(b["type"] != "actions" for b in reply.blocks)
    page = render_session_list(
        [session(i) for i in range(3)], CTX, filters="room=standup", first_number=6, more_value="v"
    )
    assert (
        "Showing room sessions 6–8 matching room=standup, newest first. More are available."
        in page.text
    )


@pytest.mark.parametrize(
    ("count", "line"),
    [(1, "Showing 1 room session. That is the only one."),
     (2, "Showing 2 room sessions, newest first. That is all of them.")],
)  # fmt: skip
def test_a_first_page_counts_in_words_that_agree(count: int, line: str) -> None:
    reply = render_session_list(
        [session(i) for i in range(count)], CTX, filters="", first_number=1, more_value=None
    )
    assert reply.blocks[-1] == {"type": "context", "elements": [{"type": "mrkdwn", "text": line}]}


@pytest.mark.parametrize(
    ("count", "words"),
    [(0, "0 buttons"), (1, "1 button"), (2, "2 buttons")],
)
def test_plural(count: int, words: str) -> None:
    assert plural(count, "button") == words
    assert plural(count, "match", "matches", number=False) == ("match" if count == 1 else "matches")


def test_rows_show_the_member_cap_and_the_cost() -> None:
    row = render_session_list([session(1)], CTX, filters="", first_number=1, more_value=None)
    text = row.blocks[1]["text"]["text"]
    assert "1h 30m · cap 20 · $0.50" in text
    assert "up to" not in text
    assert "| 1h 30m | $0.50 | id " in row.text
    free = render_session_list(
        [session(1, cost_in_dollars=None, max_members=None)], CTX, filters="", first_number=1,
        more_value=None,
    )  # fmt: skip
    assert "cap" not in free.blocks[1]["text"]["text"] and "$" not in free.text


def test_empty_list() -> None:
    reply = render_session_list(
        [], CTX, filters="status=in-progress", first_number=1, more_value=None
    )
    assert reply.text == "No room sessions matching status=in-progress."


def field_texts(blocks: list[Block]) -> dict[str, str]:
    """Label -> value of every field section, as a reader sees them."""
    pairs = [f["text"].split("\n", 1) for b in blocks for f in b.get("fields", [])]
    return {label.strip("*"): value for label, value in pairs}


def empty_fields(blocks: list[Block]) -> list[str]:
    lines: list[str] = [
        e["text"] for b in blocks if b["type"] == "context" for e in b["elements"]
        if "empty:" in e["text"]
    ]  # fmt: skip
    assert len(lines) == 1, lines
    return lines[0].split("empty: ", 1)[1].removesuffix(".").split(", ")


def test_session_detail_reads_like_prose_and_accounts_for_every_seed_field() -> None:
    seed = session(1, surprise_field="kept", remove_after_seconds_elapsed=120,
                   room_join_video_off=False, user_join_video_off=True, fps=20)  # fmt: skip
    reply = render_session(seed, CTX)
    shown = field_texts(reply.blocks)
    assert shown["Remove members after"] == "2m"
    assert shown["Join with video off"] == "no"
    assert shown["Join with video off (user setting)"] == "yes"
    assert shown["Members"] == "cap 20"
    assert shown["Frame rate"] == "20 fps"
    assert shown["Duration"] == "1h 30m"
    assert shown["Cost"] == "$0.50"
    assert shown["Started"].startswith("<!date^")
    assert shown["Room ID"] == "`11111111-1111-4111-8111-111111111111`"
    empty = empty_fields(reply.blocks)
    assert {"Quality", "Join from", "Remove at", "Layout", "Preview"} <= set(empty)
    # Every field of the seed is either shown or named as empty, once, and nothing else.
    assert len(shown) + len(empty) == len(SESSION_FIELDS) + 1  # + Cost
    assert not set(shown) & set(empty)
    assert f"{len(empty)} more fields are empty: Quality, " in reply.text
    blocks = json.dumps(reply.blocks, ensure_ascii=False)
    for name in ("remove_after_seconds_elapsed", "room_join_video_off", "max_members", "—"):
        assert name not in blocks and name not in reply.text
    assert "surprise_field=kept" in blocks
    assert "\nRemove members after: 2m\n" in reply.text
    assert "\nStarted: 2026-11-20 13:00 CET\n" in reply.text
    assert "\nStatus: completed\n" in reply.text
    assert reply.blocks[1]["elements"][0]["text"] == "✅ completed · 1h 30m · $0.50"
    field_sections = [b for b in reply.blocks if "fields" in b]
    assert all(len(b["fields"]) <= FIELDS_PER_SECTION for b in field_sections)


def test_a_session_without_cost_does_not_invent_one() -> None:
    reply = render_session(session(1, cost_in_dollars=None), CTX)
    assert "Cost" not in field_texts(reply.blocks) and "Cost" not in empty_fields(reply.blocks)
    assert "$" not in reply.text


def test_one_empty_field_is_named_in_the_singular() -> None:
    full: dict[str, object] = {name: "x" for name in SESSION_FIELDS}
    times = ("join_from", "join_until", "remove_at", "start_time", "end_time", "created_at",
             "updated_at")  # fmt: skip
    full.update({name: NOW for name in times})
    flags = ("record_on_start", "tone_on_entry_and_exit", "room_join_video_off", "locked",
             "user_join_video_off", "prioritize_handraise", "sync_audio_video")  # fmt: skip
    full.update({name: True for name in flags})
    full.update(max_members=5, fps=30, remove_after_seconds_elapsed=60, duration=60,
                status="completed", preview_url=None)  # fmt: skip
    reply = render_session(RoomSession.model_validate(full), CTX)
    assert empty_fields(reply.blocks) == ["Preview"]
    assert "1 more field is empty: Preview." in reply.text


ROOM_ID = "11111111-1111-4111-8111-111111111111"


def test_room_detail_labels_cap_and_empty_fields() -> None:
    room = Room.model_validate(
        {"id": ROOM_ID, "name": "standup", "max_members": 20, "meta": {"team": "a"}, "fps": 20,
         "room_join_video_off": True, "remove_after_seconds_elapsed": 3600}
    )  # fmt: skip
    reply = render_room(room, CTX)
    shown = field_texts(reply.blocks)
    assert shown["Members"] == "cap 20"
    assert shown["Frame rate"] == "20 fps"
    assert shown["Join with video off"] == "yes"
    assert shown["Remove members after"] == "1h"
    empty = empty_fields(reply.blocks)
    assert {"Display name", "Quality", "Join from", "Description"} <= set(empty)
    notes = [e["text"] for b in reply.blocks if b["type"] == "context" for e in b["elements"]]
    assert "Meta" not in empty and 'Meta: `{"team": "a"}`' in notes
    assert "\nMembers: cap 20\n" in reply.text
    assert "max_members" not in reply.text + json.dumps(reply.blocks)


def accessory(blocks: list[Block], label: str) -> Block | None:
    found = [
        b["accessory"] for b in blocks
        if b.get("accessory") and b["accessory"]["text"]["text"] == label
    ]  # fmt: skip
    assert len(found) <= 1
    return found[0] if found else None


def test_room_with_and_without_active_session() -> None:
    room = Room.model_validate({"id": ROOM_ID, "name": "standup"})
    quiet = render_room(room, CTX)
    assert "Active session: none" in quiet.text
    assert f"Recent sessions: /rooms sessions room_id={ROOM_ID}" in quiet.text
    recent = accessory(quiet.blocks, "Recent sessions")
    assert recent is not None and recent["action_id"] == ROOM_SESSIONS_BUTTON
    assert CTX.buttons.unsign(ROOM_SESSIONS_BUTTON, recent["value"]) == ROOM_ID
    busy = render_room(
        room.model_copy(update={"active_session": session(0, status="in-progress")}), CTX
    )
    assert f"Active session {session(0).id}: in-progress" in busy.text
    assert accessory(busy.blocks, "Recent sessions") is None
    assert accessory(busy.blocks, "Details") is not None
    # Only ids the grammar accepts get a button.
    odd = render_room(Room.model_validate({"id": "r1", "name": "standup"}), CTX)
    assert accessory(odd.blocks, "Recent sessions") is None


def test_room_rows_have_a_details_button_and_show_the_cap() -> None:
    rooms = [
        Room.model_validate({"id": ROOM_ID, "name": "standup", "max_members": 20,
                             "quality": "720p", "created_at": NOW}),
        Room.model_validate({"id": "r2", "name": "odd"}),
    ]  # fmt: skip
    reply = render_room_list(rooms, CTX, filters="", first_number=1, more_value=None)
    first, second = reply.blocks[1], reply.blocks[2]
    assert "cap 20 · 720p · created <!date^" in first["text"]["text"]
    assert first["accessory"]["action_id"] == ROOM_BUTTON
    assert CTX.buttons.unsign(ROOM_BUTTON, first["accessory"]["value"]) == ROOM_ID
    assert "accessory" not in second  # "r2" is no id the grammar would take back
    assert "—" not in second["text"]["text"].split("\n")[1]
    assert "Showing 2 rooms, newest first. That is all of them." in reply.text


def test_conference_shows_theme_and_size() -> None:
    conference = Conference.model_validate(
        {"id": "c1", "name": "town-hall", "size": "large", "dark_primary": "#044EF4",
         "light_background": "#FFFFFF", "enable_chat": False, "active_session": None}
    )  # fmt: skip
    reply = render_conference(conference, CTX)
    assert "size large" in reply.text
    assert "Theme dark: primary #044EF4\n" in reply.text
    assert "Theme light: background #FFFFFF\n" in reply.text
    blocks = json.dumps(reply.blocks, ensure_ascii=False)
    assert "`#044EF4`" in blocks and "foreground" not in blocks
    shown = field_texts(reply.blocks)
    assert shown["Size"] == "large" and shown["Chat"] == "no"
    assert {"Quality", "Layout", "Description"} <= set(empty_fields(reply.blocks))
    assert "enable_chat" not in blocks


def test_help_covers_every_subcommand() -> None:
    reply = render_help(REGISTRY)
    for word in ("sessions", "session UUID", "list", "room UUID|NAME", "conference UUID|NAME"):
        assert f"/rooms {word}" in reply.text


@pytest.mark.parametrize(
    ("which", "count", "message"),
    [("9", 4, "There is no button 9; the last reply has 4 buttons (press 1 to 4)."),
     ("2", 1, "There is no button 2; the last reply has 1 button (press 1)."),
     ("", 0, "There is no button ?; the last reply has no buttons.")],
)  # fmt: skip
def test_the_console_counts_buttons_in_words(which: str, count: int, message: str) -> None:
    assert no_such_button(which, count) == message


def test_demo_text_rendering_numbers_buttons() -> None:
    reply = render_session_list([session(1)], CTX, filters="", first_number=1, more_value="{}")
    rendered = render_message(reply.payload())
    assert [b.label for b in rendered.buttons] == ["Details", "More"]
    assert any("[2] More" in line for line in rendered.lines)
    assert mrkdwn_to_text("<!date^1^{time}|09:00 UTC> <https://x.io|site> &lt;b&gt;") == (
        "09:00 UTC site (https://x.io) <b>"
    )


# -- Telnyx: its own fields, none of SignalWire's shown as empty ------------------------------

TELNYX_CTX = RenderContext(now=NOW, tz=BERLIN, view=TELNYX_VIEW)
TELNYX_ROOM = {
    "id": "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0",
    "record_type": "room",
    "unique_name": "standup",
    "max_participants": 10,
    "enable_recording": True,
    "webhook_event_url": "https://hooks.example.com/telnyx",
    "webhook_event_failover_url": "",
    "webhook_timeout_secs": 25,
    "active_session_id": None,
    "created_at": "2026-10-01T09:00:00Z",
    "updated_at": "2026-11-01T09:00:00Z",
}


def test_a_telnyx_room_shows_telnyx_fields_and_no_absent_ones() -> None:
    reply = render_room(map_room(TELNYX_ROOM), TELNYX_CTX)
    text, blocks = reply.text, json.dumps(reply.blocks)
    assert "Room standup" in text
    assert "Members: cap 10" in text and "Record on start: yes" in text
    assert "Webhook URL: https://hooks.example.com/telnyx" in text
    assert "Webhook timeout: 25 s" in text
    # Empty, so named once: Telnyx has the field, the room leaves it unset.
    assert "Failover webhook URL" in text
    for absent in ("Quality", "Layout", "Display name", "Join from", "Description", "Meta"):
        assert absent not in text and absent not in blocks, absent


def test_a_telnyx_session_shows_no_cost_quality_or_repeated_telnyx_fields() -> None:
    raw = {
        "id": "3f1c2b7e-8d4a-4c1e-9b7a-2f5e6d7c8b9a",
        "record_type": "room_session",
        "room_id": TELNYX_ROOM["id"],
        "active": False,
        "created_at": "2026-11-19T09:00:00Z",
        "updated_at": "2026-11-19T09:31:00Z",
        "ended_at": "2026-11-19T09:30:00Z",
        "new_thing": 1,
    }
    reply = render_session(map_session(raw, room_name="standup"), TELNYX_CTX)
    text = reply.text
    assert "Session 3f1c2b7e-8d4a-4c1e-9b7a-2f5e6d7c8b9a of standup" in text
    assert "Duration: 30m" in text and "Status: completed" in text
    for absent in ("Cost", "Quality", "Layout", "Frame rate", "Preview", "Locked"):
        assert absent not in text, absent
    also = next(line for line in json.dumps(reply.blocks).split('"') if "Also:" in line)
    assert "new_thing" in also and "ended_at" not in also and "active" not in also


def _telnyx_session_with(participants: object) -> dict[str, object]:
    return {
        "id": "3f1c2b7e-8d4a-4c1e-9b7a-2f5e6d7c8b9a",
        "record_type": "room_session",
        "room_id": TELNYX_ROOM["id"],
        "active": False,
        "created_at": "2026-11-19T09:00:00Z",
        "updated_at": "2026-11-19T09:31:00Z",
        "ended_at": "2026-11-19T09:30:00Z",
        "participants": participants,
    }


def test_telnyx_participants_are_fields_never_a_repr_of_provider_data() -> None:
    people = [
        {
            "id": "7b61621f-62e0-4aad-ab11-9fd19e272e73",
            "context": "Alice <!channel>\n*bold*",
            "joined_at": "2026-11-19T09:01:00Z",
            "left_at": "2026-11-19T09:29:00Z",
            "record_type": "room_participant",
            "session_id": "3f1c2b7e-8d4a-4c1e-9b7a-2f5e6d7c8b9a",
        },
        {"id": "9c0ffee0-62e0-4aad-ab11-9fd19e272e73", "joined_at": "2026-11-19T09:05:00Z"},
        "not a participant",
    ]
    reply = render_session(map_session(_telnyx_session_with(people), room_name="s"), TELNYX_CTX)
    blocks = json.dumps(reply.blocks)
    for shown in (reply.text, blocks):
        assert "[{'" not in shown and "'context'" not in shown and "record_type" not in shown
        assert "<!channel>" not in shown and "Also:" not in shown
        assert "not a participant" not in shown
    # Berlin is UTC+1: joined 10:01, left 10:29, 28 minutes in; the name escaped, one line.
    assert (
        "• Alice &lt;!channel&gt; *bold* · joined 2026-11-19 10:01 CET · "
        "left 2026-11-19 10:29 CET after 28m\n"
    ) in reply.text
    assert (
        "• 9c0ffee0-62e0-4aad-ab11-9fd19e272e73 · joined 2026-11-19 10:05 CET · "
        "still in the session"
    ) in reply.text
    [listed] = [b["text"]["text"] for b in reply.blocks if "Participants" in str(b)]
    first, second = listed.split("\n")[1:]
    assert first.startswith("• *Alice &lt;!channel&gt; ∗bold∗* · joined <!date^")
    assert first.endswith("|2026-11-19 10:29 CET> after 28m")
    assert second.startswith("• `9c0ffee0-62e0-4aad-ab11-9fd19e272e73` · joined <!date^")


def test_many_participants_are_cut_with_a_count_and_none_said_so() -> None:
    many = [
        {
            "id": f"00000000-0000-4000-8000-{n:012d}",
            "context": f"p{n}",
            "joined_at": "2026-11-19T09:01:00Z",
            "left_at": "2026-11-19T09:02:00Z",
        }
        for n in range(13)
    ]
    reply = render_session(map_session(_telnyx_session_with(many), room_name="s"), TELNYX_CTX)
    assert "• p9 · joined" in reply.text and "p10" not in reply.text
    assert "…and 3 more participants." in reply.text
    nobody = render_session(map_session(_telnyx_session_with([]), room_name="s"), TELNYX_CTX)
    assert "Participants:\nNobody joined." in nobody.text
    unasked = render_session(map_session(_telnyx_session_with(None), room_name="s"), TELNYX_CTX)
    assert "Participants" not in unasked.text
