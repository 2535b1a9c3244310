"""`/rooms events SESSION`: SignalWire's timeline, and on Telnyx the joins and leaves built
from participants, end to end through the real bot over HTTP."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from bot.providers.models import Member, SessionEvent
from bot.services.reads import joins_and_leaves
from bot.slack.blocks.events import describe
from simulators import AnySimulator, RoomSession, RunningTelnyxSimulator
from simulators.drilldown import members
from simulators.telnyx_wire import participants_json
from tests.conftest import ON_BOTH_PROVIDERS
from tests.slack_driver import Driver, blocks_text, text_of

UNKNOWN_ID = "6f1c5b8e-1d7e-4f55-9a55-0c7b1e4f7a10"
ROW = re.compile(r"^.+ · (.+)$")


def _count(sim: AnySimulator, session: RoomSession) -> int:
    if isinstance(sim, RunningTelnyxSimulator):
        return len(participants_json(session, sim.dataset.seed, sim.dataset.now))
    return len(members(sim.dataset, session))


def _session(sim: AnySimulator) -> RoomSession:
    return next(
        s
        for s in sim.dataset.sessions(range(sim.dataset.session_count))
        if s.status == "completed" and _count(sim, s) >= 3
    )


def _rows(reply: dict[str, object]) -> list[str]:
    return [line[2:] for line in text_of(reply).splitlines() if line.startswith("• ")]


@ON_BOTH_PROVIDERS
async def test_the_timeline_pages_oldest_first_to_the_end(bot: Driver) -> None:
    session = _session(bot.sim)
    reply = await bot.ask(f"events {session.id} limit=3")
    rows = _rows(reply)
    for _ in range(40):
        if "More are available." not in text_of(reply):
            break
        reply = await bot.press(reply, "More")
        rows += _rows(reply)
    assert "That is the end of the list." in text_of(reply)
    joined = [row for row in rows if row.endswith(" joined")]
    left = [row for row in rows if row.endswith(" left")]
    assert len(joined) == len(left) == _count(bot.sim, session)  # everyone came and went
    telnyx = isinstance(bot.sim, RunningTelnyxSimulator)
    assert ("keeps no timeline" in text_of(reply)) == telnyx
    if not telnyx:
        assert rows[0].endswith("The session started") and rows[-1].endswith("The session ended")


@ON_BOTH_PROVIDERS
async def test_details_offer_events_only_where_the_provider_keeps_a_timeline(
    bot: Driver,
) -> None:
    session = _session(bot.sim)
    details = await bot.ask(f"session {session.id}")
    labels = re.findall(r'"text": "(Members|Events|Recordings)"', str(details).replace("'", '"'))
    if isinstance(bot.sim, RunningTelnyxSimulator):
        assert labels == ["Members", "Recordings"]
        return
    assert labels == ["Members", "Events", "Recordings"]
    timeline = await bot.press(details, "Events")
    assert f"Timeline of session {session.id}" in text_of(timeline)


@ON_BOTH_PROVIDERS
async def test_malformed_and_unknown_sessions(bot: Driver) -> None:
    calls = len(bot.sim.requests)
    refused = await bot.ask("events 12345")
    assert "`12345` is not a session id" in text_of(refused)
    assert "/rooms events SESSION [limit=N]" in text_of(refused) + blocks_text(refused)
    assert len(bot.sim.requests) == calls
    unknown = await bot.ask(f"events {UNKNOWN_ID}")
    assert f"No room session with id `{UNKNOWN_ID}`" in text_of(unknown)


AT = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def test_joins_and_leaves_are_in_time_order_and_unknown_times_are_left_out() -> None:
    early = Member("a", "s", "Ann", AT, AT.replace(hour=11), False, 7200, None)
    late = Member("b", "s", "Bo", AT.replace(hour=10), None, True, None, None)
    events = joins_and_leaves([early, late])
    assert [(e.name, e.member_name, e.at) for e in events] == [
        ("member.joined", "Ann", AT),
        ("member.joined", "Bo", AT.replace(hour=10)),
        ("member.left", "Ann", AT.replace(hour=11)),
    ]


def test_events_read_as_words_escaped_and_unfamiliar_ones_keep_their_name() -> None:
    joined = SessionEvent("1", "member.joined", AT, member_name="<!channel> Eve")
    assert describe(joined) == "*&lt;!channel&gt; Eve* joined"
    layout = SessionEvent("2", "layout.changed", AT, layout="2x2")
    assert describe(layout) == "The layout changed to `2x2`"
    odd = SessionEvent("3", "member.talking", AT, member_name="Al")
    assert describe(odd) == "Event `member.talking` (*Al*)"


@ON_BOTH_PROVIDERS
async def test_a_sessions_recordings_button_answers_as_the_command(bot: Driver) -> None:
    session = _session(bot.sim)
    details = await bot.ask(f"session {session.id}")
    pressed = await bot.press(details, "Recordings")
    typed = await bot.ask(f"recordings {session.id}")
    assert text_of(pressed) == text_of(typed)
