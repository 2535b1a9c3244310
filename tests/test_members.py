"""`/rooms members SESSION`: end to end on both simulators, through the real bot over HTTP;
expected members come from the simulators' own dataset."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.providers.models import Member
from bot.slack.blocks.members import member_summary, peak
from bot.slack.buttons import STALE_BUTTON
from simulators import AnySimulator, RoomSession, RunningTelnyxSimulator
from simulators.drilldown import members
from simulators.telnyx_wire import participants_json
from tests.conftest import ON_BOTH_PROVIDERS
from tests.slack_driver import Driver, blocks_text, text_of
from tests.test_slack_edge import click_with_value

UNKNOWN_ID = "6f1c5b8e-1d7e-4f55-9a55-0c7b1e4f7a10"
START = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
# A row's last line is the member's id as a code span.
MEMBER_ID = re.compile(r"\n`([^`\n]+)`$")


def _people(sim: AnySimulator, session: RoomSession) -> list[tuple[str, str]]:
    """(id, name) of a session's members in joining order, as the simulator holds them."""
    if isinstance(sim, RunningTelnyxSimulator):
        people = participants_json(session, sim.dataset.seed, sim.dataset.now)
        return [(p["id"], p["context"]) for p in people]
    return [(m.id, m.name) for m in members(sim.dataset, session)]


def _session(sim: AnySimulator, status: str, at_least: int) -> RoomSession:
    return next(
        s
        for s in sim.dataset.sessions(range(sim.dataset.session_count))
        if s.status == status and len(_people(sim, s)) >= at_least
    )


def _listed_ids(reply: dict[str, Any]) -> list[str]:
    sections = [b for b in reply["blocks"] if b["type"] == "section"]
    found = (MEMBER_ID.search(b["text"]["text"]) for b in sections)
    return [m.group(1) for m in found if m]


@ON_BOTH_PROVIDERS
async def test_members_page_to_the_end_without_repeats(bot: Driver) -> None:
    session = _session(bot.sim, "completed", 5)
    expected = [person_id for person_id, _ in _people(bot.sim, session)]
    reply = await bot.ask(f"members {session.id} limit=2")
    assert f"Members of session {session.id}" in text_of(reply)
    seen = _listed_ids(reply)
    for _ in range(len(expected)):
        if "More are available." not in text_of(reply):
            break
        reply = await bot.press(reply, "More")
        seen += _listed_ids(reply)
    assert seen == expected
    assert "That is the end of the list." in text_of(reply)


@ON_BOTH_PROVIDERS
async def test_a_whole_list_says_how_many_are_still_in_and_the_most_at_once(bot: Driver) -> None:
    session = _session(bot.sim, "in-progress", 2)
    people = _people(bot.sim, session)
    reply = await bot.ask(f"members {session.id} limit=40")
    text = text_of(reply)
    assert f"{len(people)} member" in text and "still in" in blocks_text(reply)
    assert re.search(r"\d+ still in, at most \d+ at once\.", text), text


@ON_BOTH_PROVIDERS
async def test_provider_strings_are_escaped_and_ping_nobody(bot: Driver) -> None:
    session = next(
        s
        for s in bot.sim.dataset.sessions(range(bot.sim.dataset.session_count))
        if any("<!channel>" in name for _, name in _people(bot.sim, s))
    )
    reply = await bot.ask(f"members {session.id} limit=40")
    shown = text_of(reply) + blocks_text(reply)
    assert "<!channel>" not in shown and "&lt;!channel&gt;" in shown


@ON_BOTH_PROVIDERS
async def test_a_malformed_session_is_refused_without_a_provider_call(bot: Driver) -> None:
    before = len(bot.sim.requests)
    reply = await bot.ask("members not-a-uuid")
    assert "`not-a-uuid` is not a session id" in text_of(reply)
    assert "/rooms members SESSION [limit=N]" in text_of(reply) + blocks_text(reply)
    assert len(bot.sim.requests) == before


@ON_BOTH_PROVIDERS
async def test_an_unknown_session_is_named(bot: Driver) -> None:
    reply = await bot.ask(f"members {UNKNOWN_ID}")
    assert f"No room session with id `{UNKNOWN_ID}`" in text_of(reply)


def _member(joined: int, left: int | None, *, still_in: bool = False) -> Member:
    return Member(
        id=f"m{joined}",
        session_id="s",
        name="x",
        joined_at=START + timedelta(minutes=joined),
        left_at=START + timedelta(minutes=left) if left is not None else None,
        still_in=still_in,
        duration=None,
        cost_in_dollars=None,
    )


def test_peak_counts_overlaps_and_a_hand_over_is_not_two_at_once() -> None:
    assert peak([_member(0, 10), _member(5, 15), _member(10, 20)]) == 2
    assert peak([_member(0, None, still_in=True), _member(1, None, still_in=True)]) == 2
    assert peak([_member(0, None)]) is None  # left at a time nobody knows
    assert member_summary([_member(0, 10), _member(5, None, still_in=True)], whole=True) == (
        "2 members, 1 still in, at most 2 at once."
    )
    assert member_summary([_member(0, 10)], whole=False) == "1 member on this page, 0 still in."


@ON_BOTH_PROVIDERS
async def test_a_sessions_details_lead_to_its_members(bot: Driver) -> None:
    session = _session(bot.sim, "completed", 2)
    details = await bot.ask(f"session {session.id}")
    reply = await bot.press(details, "Members")
    assert _listed_ids(reply) == [person_id for person_id, _ in _people(bot.sim, session)][:10]
    assert f"session {session.id}" in text_of(reply)


async def test_a_members_button_with_a_hand_made_value_is_refused_without_a_call(
    bot: Driver,
) -> None:
    session = _session(bot.sim, "completed", 2)
    details = await bot.ask(f"session {session.id}")
    calls = len(bot.sim.requests)
    for value in (session.id, "../rooms", ""):  # unsigned, or not even an id
        reply = await click_with_value(bot, details, value)
        assert text_of(reply) == STALE_BUTTON
    assert len(bot.sim.requests) == calls
