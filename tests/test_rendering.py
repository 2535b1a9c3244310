"""Block Kit rendering, time formatting and the More button's state: pure functions."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.demo.render_text import mrkdwn_to_text, render_message
from bot.providers.models import Conference, Room, RoomSession
from bot.slack.blocks.context import RenderContext
from bot.slack.blocks.help import render_help
from bot.slack.blocks.kit import FIELDS_PER_SECTION
from bot.slack.blocks.rooms import render_conference, render_room
from bot.slack.blocks.sessions import SESSION_FIELDS, render_session, render_session_list
from bot.slack.timefmt import format_duration, plain_time, slack_time

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
    blocks = json.dumps(reply.blocks)
    assert "Daily &lt;Standup&gt; &amp; co" in blocks  # mrkdwn control characters escaped
    assert reply.blocks[-1]["type"] == "actions"
    assert reply.blocks[-1]["elements"][0]["action_id"] == "rooms_more"


def test_later_pages_number_their_rows_and_the_last_says_so() -> None:
    reply = render_session_list([session(1)], CTX, filters="", first_number=11, more_value=None)
    assert "Showing 11–11 room sessions, newest first. That is all of them." in reply.text
    assert all(b["type"] != "actions" for b in reply.blocks)


def test_empty_list() -> None:
    reply = render_session_list(
        [], CTX, filters="status=in-progress", first_number=1, more_value=None
    )
    assert reply.text == "No room sessions matching status=in-progress."


def test_session_detail_has_every_seed_field_within_slack_limits() -> None:
    reply = render_session(session(1, surprise_field="kept"), CTX)
    for name in SESSION_FIELDS:
        assert f"\n{name}: " in reply.text
    field_sections = [b for b in reply.blocks if "fields" in b]
    assert sum(len(b["fields"]) for b in field_sections) == len(SESSION_FIELDS)
    assert all(len(b["fields"]) <= FIELDS_PER_SECTION for b in field_sections)
    assert "surprise_field=kept" in json.dumps(reply.blocks)
    assert "duration: 1h 30m" in reply.text


def test_room_with_and_without_active_session() -> None:
    room = Room.model_validate(
        {"id": "r1", "name": "standup", "max_members": 20, "meta": {"team": "a"}, "fps": 20}
    )
    quiet = render_room(room, CTX)
    assert "Active session: none" in quiet.text
    assert "fps*\n20" in json.dumps(quiet.blocks).replace("\\n", "\n")
    busy = render_room(
        room.model_copy(update={"active_session": session(0, status="in-progress")}), CTX
    )
    assert f"Active session {session(0).id}: in-progress" in busy.text


def test_conference_shows_theme_and_size() -> None:
    conference = Conference.model_validate(
        {"id": "c1", "name": "town-hall", "size": "large", "dark_primary": "#044EF4",
         "light_background": "#FFFFFF", "active_session": None}
    )  # fmt: skip
    reply = render_conference(conference, CTX)
    assert "size large" in reply.text
    assert "Theme dark: primary #044EF4" in reply.text
    assert "background #FFFFFF" in reply.text
    assert "`#044EF4`" in json.dumps(reply.blocks)


def test_help_covers_every_subcommand() -> None:
    reply = render_help()
    for word in ("sessions", "session UUID", "list", "room UUID|NAME", "conference UUID|NAME"):
        assert f"/rooms {word}" in reply.text


def test_demo_text_rendering_numbers_buttons() -> None:
    reply = render_session_list([session(1)], CTX, filters="", first_number=1, more_value="{}")
    rendered = render_message(reply.payload())
    assert [b.label for b in rendered.buttons] == ["Details", "More"]
    assert any("[2] More" in line for line in rendered.lines)
    assert mrkdwn_to_text("<!date^1^{time}|09:00 UTC> <https://x.io|site> &lt;b&gt;") == (
        "09:00 UTC site (https://x.io) <b>"
    )
