"""The digest as Slack blocks, as its text fallback and as terminal text."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.digest.render import render_digest, render_digest_text
from bot.digest.summary import DaySummariser, DaySummary, DigestReport
from bot.digest.wording import change, clock, sparkline
from bot.providers.models import RoomSession

BERLIN = ZoneInfo("Europe/Berlin")
TUESDAY = date(2026, 11, 17)
MONDAY = date(2026, 11, 16)
NOW = datetime(2026, 11, 18, 8, 0, tzinfo=UTC)  # 09:00 in Berlin


def at(day: date, hh: int, mm: int = 0) -> datetime:
    """A Berlin wall time in November (UTC+1), in UTC."""
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=BERLIN).astimezone(UTC)


def session(
    start: datetime,
    minutes: int,
    *,
    name: str = "standup",
    display_name: str | None = "Daily Standup",
    cost: float | None = 0.5,
    live: bool = False,
) -> RoomSession:
    return RoomSession(
        id=f"{name}-{start.isoformat()}",
        room_id=f"id-{name}",
        name=name,
        display_name=display_name,
        start_time=start,
        duration=None if live else minutes * 60,
        status="in-progress" if live else "completed",
        cost_in_dollars=cost,
    )


def summary_of(day: date, sessions: list[RoomSession], now: datetime = NOW) -> DaySummary:
    summariser = DaySummariser(day, BERLIN, now=now)
    for item in sessions:
        summariser.add(item)
    return summariser.result()


def busy_report(now: datetime = NOW) -> DigestReport:
    tuesday = [
        session(at(TUESDAY, 10), 30),
        session(at(TUESDAY, 10, 15), 45, name="all-hands", display_name="<!channel> *bold*"),
        session(at(TUESDAY, 10, 20), 10, name="sales", display_name="sales"),
        session(at(TUESDAY, 14), 60, name="all-hands", display_name="<!channel> *bold*"),
        session(at(TUESDAY, 23, 30), 0, name="incident", display_name=None, live=True),
    ]
    monday = [session(at(MONDAY, 9), 40), session(at(MONDAY, 11), 40)]
    return DigestReport(
        summary_of(TUESDAY, tuesday, now), summary_of(MONDAY, monday, now), "SignalWire"
    )


def all_text(blocks: list[dict[str, Any]]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def field_values(blocks: list[dict[str, Any]]) -> dict[str, str]:
    found = {}
    for block in blocks:
        for item in block.get("fields", []):
            label, _, value = item["text"].partition("\n")
            found[label.strip("*")] = value
    return found


def test_the_key_numbers_with_their_change() -> None:
    report = busy_report()
    reply = render_digest(report)
    assert reply.blocks[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Rooms digest · Tuesday 17 November 2026"},
    }
    # Tuesday: 5 sessions, 30+45+10+60 = 145 min plus 9.5 h of the live one (23:30 to
    # 09:00) = 715 min; 4 rooms; at 10:20 three sessions run. Monday: 2 sessions, 80 min,
    # one room, never two at once.
    assert field_values(reply.blocks) == {
        "Sessions": "5\n+3 (+150%) vs Monday",
        "Total minutes": "715\n+635 (+794%) vs Monday",
        "Distinct rooms": "4\n+3 (+300%) vs Monday",
        "Peak concurrent": "3 at 10:20\n+2 (+200%) vs Monday",
        "Still in progress": "1",
        "Total cost": "$2.50\n+$1.50 (+150%) vs Monday",
    }
    assert "Europe/Berlin · SignalWire" in all_text(reply.blocks)
    lines = reply.text.splitlines()
    for line in (
        "Sessions: 5, +3 (+150%) vs Monday",
        "Total minutes: 715, +635 (+794%) vs Monday",
        "Distinct rooms: 4, +3 (+300%) vs Monday",
        "Peak concurrent: 3 at 10:20, +2 (+200%) vs Monday",
        "Still in progress: 1",
        "Total cost: $2.50, +$1.50 (+150%) vs Monday",
    ):
        assert line in lines


def test_room_names_are_escaped_in_blocks_and_in_the_fallback() -> None:
    reply = render_digest(busy_report())
    blocks = all_text(reply.blocks)
    for rendered in (blocks, reply.text, reply.payload()["text"]):
        assert "<!channel>" not in rendered
        assert "&lt;!channel&gt;" in rendered
    # Inside a bold span an asterisk cannot close it early.
    assert "*&lt;!channel&gt; ∗bold∗* (`all-hands`)" in blocks


def test_busiest_rooms_longest_session_and_hours() -> None:
    reply = render_digest(busy_report())
    sections = [b["text"]["text"] for b in reply.blocks if b["type"] == "section" and "text" in b]
    busiest = next(s for s in sections if s.startswith("*Busiest rooms*"))
    assert busiest.splitlines()[1:] == [
        "1. *incident* · 570 min · 1 session",  # in progress from 23:30 to 09:00
        "2. *&lt;!channel&gt; ∗bold∗* (`all-hands`) · 105 min · 2 sessions",
        "3. *Daily Standup* (`standup`) · 30 min · 1 session",
        "4. *sales* · 10 min · 1 session",
    ]
    longest = next(s for s in sections if s.startswith("*Longest session*"))
    assert longest.endswith("*incident* · 9h 30m · started 23:30 · still in progress")
    hours = next(s for s in sections if s.startswith("*Sessions by hour*"))
    # Three at 10 (the top bar), one each at 14 and 23: ceil(1 * 7 / 3) = 3 -> "▄".
    expected = "▁" * 10 + "█" + "▁" * 3 + "▄" + "▁" * 8 + "▄"
    assert hours.splitlines()[1] == (f"`{expected}` 00–23 · busiest hour 10:00 (3 sessions)")
    assert f"Sessions by hour: {expected}" in reply.text
    assert "2. &lt;!channel&gt; *bold* (all-hands), 105 min, 2 sessions" in reply.text


def test_the_rule_is_stated_with_the_time_counted_up_to() -> None:
    rule = "A session counts on the day it started; sessions still in progress count up to"
    reply = render_digest(busy_report())
    assert f"{rule} 09:00." in all_text(reply.blocks)
    assert f"{rule} 09:00." in reply.text
    later = render_digest(busy_report(now=datetime(2026, 11, 20, 16, 45, tzinfo=UTC)))
    assert f"{rule} 17:45 on Friday 20 November 2026." in later.text


def test_an_empty_day_is_one_line() -> None:
    empty = summary_of(TUESDAY, [])
    report = DigestReport(empty, summary_of(MONDAY, [session(at(MONDAY, 9), 5)]), "SignalWire")
    reply = render_digest(report)
    line = "No room sessions on Tuesday 17 November 2026 (Europe/Berlin)."
    assert reply.text == line
    assert reply.blocks == [{"type": "section", "text": {"type": "mrkdwn", "text": line}}]
    assert render_digest_text(report) == line


def test_a_note_closes_the_message() -> None:
    note = "Posted daily at 09:00 in <#C0123456789>."
    reply = render_digest(busy_report(), note=note)
    assert reply.blocks[-1] == {"type": "context", "elements": [{"type": "mrkdwn", "text": note}]}
    assert reply.text.endswith(note)
    empty = DigestReport(summary_of(TUESDAY, []), summary_of(MONDAY, []), "SignalWire")
    assert render_digest(empty, note=note).blocks[-1]["elements"][0]["text"] == note


def test_cost_is_left_out_when_the_provider_reports_none() -> None:
    tuesday = summary_of(TUESDAY, [session(at(TUESDAY, 9), 10, cost=None)])
    monday = summary_of(MONDAY, [session(at(MONDAY, 9), 10, cost=None)])
    reply = render_digest(DigestReport(tuesday, monday, "SignalWire"))
    values = field_values(reply.blocks)
    assert "Total cost" not in values and "cost" not in reply.text.lower()
    assert values["Sessions"] == "1\nsame as Monday"
    assert values["Total minutes"] == "10\nsame as Monday"


def test_the_limits_of_a_message_hold() -> None:
    reply = render_digest(busy_report(), note="x")
    assert len(reply.blocks) <= 50
    assert all(len(b.get("fields", [])) <= 10 for b in reply.blocks)


@pytest.mark.parametrize(
    ("current", "previous", "money", "expected"),
    [
        (5, 5, False, "same as Monday"),
        (4, 0, False, "new (none on Monday)"),
        (0, 4, False, "-4 (-100%) vs Monday"),
        (1001, 1000, False, "+1 (+<1%) vs Monday"),
        (2000, 1000, False, "+1,000 (+100%) vs Monday"),
        (Decimal("3.50"), Decimal("4.00"), True, "-$0.50 (-12%) vs Monday"),
    ],
)
def test_change_words(
    current: int | Decimal, previous: int | Decimal, money: bool, expected: str
) -> None:
    assert change(current, previous, before="Monday", money=money) == expected


def test_sparkline_scales_to_the_busiest_hour() -> None:
    assert sparkline([0, 1, 2, 3, 4, 5, 6, 7]) == "▁▂▃▄▅▆▇█"
    assert sparkline([0, 0]) == "▁▁"
    assert sparkline([1, 100]) == "▂█"  # one session still shows above the floor


def test_clock_names_the_zone_only_when_the_wall_time_repeats() -> None:
    assert clock(datetime(2026, 10, 25, 0, 30, tzinfo=UTC), BERLIN) == "02:30 CEST"
    assert clock(datetime(2026, 10, 25, 1, 30, tzinfo=UTC), BERLIN) == "02:30 CET"
    assert clock(datetime(2026, 10, 25, 3, 30, tzinfo=UTC), BERLIN) == "04:30"


def test_terminal_text_has_no_control_characters_from_names() -> None:
    nasty = "evil\x1b[31mred\x07\u202eeman\nnext"
    tuesday = summary_of(TUESDAY, [session(at(TUESDAY, 9), 10, display_name=nasty)])
    monday = summary_of(MONDAY, [])
    text = render_digest_text(DigestReport(tuesday, monday, "SignalWire"))
    assert "evil [31mred eman next (standup)" in text
    assert not any(ch in text for ch in "\x1b\x07\u202e")
    lines = text.splitlines()
    assert lines[0] == "Rooms digest for Tuesday 17 November 2026 (Europe/Berlin, SignalWire)"
    assert "Sessions: 1, new (none on Monday)" in lines
    assert "Still in progress: 0" in lines
    assert len(lines) == len([line for line in lines if line.strip()])


def test_a_peak_in_the_repeated_hour_names_its_offset() -> None:
    day = date(2026, 10, 25)
    start = datetime(2026, 10, 25, 1, 15, tzinfo=UTC)  # 02:15 CET, the second 02:15
    summariser = DaySummariser(day, BERLIN, now=start + timedelta(days=1))
    summariser.add(session(start, 10))
    summary = summariser.result()
    report = DigestReport(summary, summary_of(day - timedelta(days=1), []), "SignalWire")
    assert "1 at 02:15 CET" in render_digest(report).text
    assert "busiest hour 02:00 (the repeated hour)" in render_digest_text(report)
