"""Drill-down reads (members, events, recordings, a recording link) on both clients, against
both simulators over real sockets; expected values come from the simulators' dataset.

The pure rules for impossible values are at the end.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import math
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from bot.providers import drilldown as dd
from bot.providers.errors import Invalid, NotFound, NotSupported, RecordingNotReady
from bot.providers.models import Member, Recording, RecordingLink
from bot.providers.signalwire import SignalWireProvider, signalwire_recording
from bot.providers.telnyx import TelnyxProvider, telnyx_recording
from bot.providers.walks import CutReason, WalkCutShort, WalkLimits
from simulators import AnySimulator, Fault, RoomSession, RunningSimulator, RunningTelnyxSimulator
from simulators.drilldown import members, recording_of
from simulators.telnyx_wire import participants_json
from tests.conftest import FAST_HTTP, FAST_RETRIES, ON_BOTH_PROVIDERS

UNKNOWN_ID = "6f1c5b8e-1d7e-4f55-9a55-0c7b1e4f7a10"
MALFORMED = ("not-a-uuid", "../rooms", "6f1c5b8e1d7e4f559a550c7b1e4f7a10", "")

Client = SignalWireProvider | TelnyxProvider


@pytest.fixture
async def client(sim: AnySimulator) -> AsyncIterator[Client]:
    made: Client
    if isinstance(sim, RunningTelnyxSimulator):
        made = TelnyxProvider.connect(
            sim.base_url, sim.api_key, http_settings=FAST_HTTP, policy=FAST_RETRIES
        )
    else:
        made = SignalWireProvider.connect(
            sim.base_url,
            sim.config.project_id,
            sim.config.api_token,
            http_settings=FAST_HTTP,
            policy=FAST_RETRIES,
            cache_seconds=60,  # recording reads must go past it all the same
        )
    yield made
    await made.aclose()


def _sessions(sim: AnySimulator) -> list[RoomSession]:
    return sim.dataset.sessions(range(sim.dataset.session_count))


def _expected_people(sim: AnySimulator, session: RoomSession) -> list[tuple[str, str | None]]:
    """(id, name) of a session's members in joining order, from the dataset."""
    if isinstance(sim, RunningTelnyxSimulator):
        people = participants_json(session, sim.dataset.seed, sim.dataset.now)
        return [(p["id"], p["context"]) for p in people]
    return [(m.id, m.name) for m in members(sim.dataset, session)]


def _with_people(sim: AnySimulator, at_least: int, status: str) -> RoomSession:
    return next(
        s
        for s in _sessions(sim)
        if s.status == status and len(_expected_people(sim, s)) >= at_least
    )


async def _set_paging(sim: AnySimulator, mode: str) -> None:
    root = sim.root_url if isinstance(sim, RunningTelnyxSimulator) else sim.base_url
    async with httpx.AsyncClient(base_url=root) as admin:
        answer = await admin.post("/__sim/paging", json={"mode": mode})
        assert answer.status_code == 200, answer.text


# -- members -----------------------------------------------------------------------------------


@ON_BOTH_PROVIDERS
async def test_members_page_on_without_repeats(sim: AnySimulator, client: Client) -> None:
    session = _with_people(sim, 5, "completed")
    expected = _expected_people(sim, session)
    seen: list[Member] = []
    cursor: str | None = None
    for _ in range(len(expected)):  # a page of 2 each time: bounded, never a spin
        page = await client.session_members_page(session.id, cursor=cursor, page_size=2)
        assert len(page.items) <= 2 and page.cut is None
        seen += page.items
        cursor = page.next_cursor
        if cursor is None:
            break
    assert cursor is None
    assert [(m.id, m.name) for m in seen] == expected
    assert len({m.id for m in seen}) == len(seen)
    for person in seen:
        assert person.session_id == session.id and not person.still_in
        assert person.joined_at is not None and person.left_at is not None
        assert session.start_time <= person.joined_at <= person.left_at
        assert session.end_time is not None and person.left_at <= session.end_time
        assert person.duration == int((person.left_at - person.joined_at).total_seconds())
        # SignalWire prices each member; Telnyx reports no cost.
        assert (person.cost_in_dollars is not None) == isinstance(sim, RunningSimulator)
    walked = [m async for m in client.session_members(session.id, page_size=3)]
    assert [m.id for m in walked] == [m.id for m in seen]


@ON_BOTH_PROVIDERS
async def test_a_live_session_has_members_still_in(sim: AnySimulator, client: Client) -> None:
    session = _with_people(sim, 2, "in-progress")
    people = [m async for m in client.session_members(session.id)]
    assert people and people[0].still_in  # the host stays
    for person in people:
        assert person.joined_at is not None and person.joined_at >= session.start_time
        assert person.joined_at <= sim.dataset.now
        assert person.still_in == (person.left_at is None)
        if person.still_in:
            assert person.duration is None


@ON_BOTH_PROVIDERS
async def test_a_member_listing_that_repeats_stops(sim: AnySimulator, client: Client) -> None:
    session = _with_people(sim, 3, "completed")
    await _set_paging(sim, "repeat" if isinstance(sim, RunningTelnyxSimulator) else "loop")
    sim.requests.clear()
    started = asyncio.get_running_loop().time()
    with pytest.raises(WalkCutShort) as cut:
        async for _ in client.session_members(
            session.id, page_size=2, limits=WalkLimits(pages=20, seconds=5)
        ):
            pass
    assert cut.value.cut.reason is CutReason.REPEATED
    assert len(sim.requests) <= len(_expected_people(sim, session)) + 1
    assert asyncio.get_running_loop().time() - started < 2


# -- ids -----------------------------------------------------------------------------------------


def _reads(client: Client, value: str) -> list[Callable[[], Awaitable[object]]]:
    reads: list[Callable[[], Awaitable[object]]] = [
        lambda: client.session_members_page(value),
        lambda: client.recordings_page(value),
        lambda: client.recording_link(value, ttl_seconds=900),
    ]
    if client.supports_session_events:
        reads.append(lambda: client.session_events_page(value))
    return reads


@ON_BOTH_PROVIDERS
async def test_a_malformed_id_is_refused_before_any_call(sim: AnySimulator, client: Client) -> None:
    sim.requests.clear()
    for value in MALFORMED:
        for read in _reads(client, value):
            with pytest.raises(Invalid, match="must be a UUID"):
                await read()
        with pytest.raises(Invalid):
            client.session_members(value)
    assert sim.requests == []


@ON_BOTH_PROVIDERS
async def test_an_unknown_id_is_a_not_found_that_names_it(
    sim: AnySimulator, client: Client
) -> None:
    label = client.label
    with pytest.raises(NotFound, match=f"{label} has no session {UNKNOWN_ID}"):
        await client.session_members_page(UNKNOWN_ID)
    with pytest.raises(NotFound, match=f"{label} has no recording {UNKNOWN_ID}"):
        await client.recording_link(UNKNOWN_ID, ttl_seconds=900)
    if isinstance(client, SignalWireProvider):
        with pytest.raises(NotFound, match=f"has no session {UNKNOWN_ID}"):
            await client.session_events_page(UNKNOWN_ID)
        with pytest.raises(NotFound, match=f"has no session {UNKNOWN_ID}"):
            await client.recordings_page(UNKNOWN_ID)
    else:
        # Telnyx filters its recordings by session: an unknown one simply has none.
        assert (await client.recordings_page(UNKNOWN_ID)).items == []


# -- events --------------------------------------------------------------------------------------


async def test_signalwire_events_are_the_timeline_oldest_first(
    sim: RunningSimulator, provider: SignalWireProvider
) -> None:
    session = next(
        s for s in _sessions(sim) if s.status == "completed" and recording_of(sim.dataset, s)
    )
    people = members(sim.dataset, session)
    timeline = [e async for e in provider.session_events(session.id, page_size=100)]
    times = [e.at for e in timeline]
    assert all(a is not None and b is not None and a <= b for a, b in itertools.pairwise(times))
    assert timeline[0].name == "room.started" and timeline[-1].name == "room.ended"
    joined = [e for e in timeline if e.name == "member.joined"]
    assert [(e.member_id, e.member_name) for e in joined] == [(m.id, m.name) for m in people]
    recording = recording_of(sim.dataset, session)
    assert recording is not None
    assert [e.recording_id for e in timeline if e.name.startswith("recording.")] == [  # type: ignore[union-attr]
        recording.id,
        recording.id,
    ]
    page = await provider.session_events_page(session.id, page_size=4)
    assert [e.id for e in page.items] == [e.id for e in timeline[:4]] and page.next_cursor


@pytest.mark.parametrize("sim", ["telnyx"], indirect=True)
async def test_telnyx_has_no_events_and_says_so_without_a_call(
    sim: RunningTelnyxSimulator, client: Client
) -> None:
    session = _sessions(sim)[0]
    assert not client.supports_session_events
    with pytest.raises(NotSupported, match="participants show who joined and left"):
        await client.session_events_page(session.id)
    with pytest.raises(NotSupported):
        client.session_events(session.id)
    assert sim.requests == []


# -- recordings ----------------------------------------------------------------------------------


@ON_BOTH_PROVIDERS
async def test_recordings_page_newest_first_without_repeats(
    sim: AnySimulator, client: Client
) -> None:
    first = await client.recordings_page(page_size=6)
    assert first.next_cursor is not None
    second = await client.recordings_page(cursor=first.next_cursor, page_size=6)
    both = first.items + second.items
    assert len({r.id for r in both}) == 12
    starts = [r.started_at for r in both]
    assert all(a is not None and b is not None and a >= b for a, b in itertools.pairwise(starts))
    by_session = {s.id: s for s in _sessions(sim)}
    for recording in both:
        session = by_session[recording.session_id or ""]
        assert session.record_on_start and recording.started_at is not None
        assert recording.started_at >= session.start_time
        if recording.completed:
            assert recording.size_bytes and recording.duration
        else:
            assert recording.size_bytes is None
    statuses = {r.status for r in both}
    assert {"completed", "processing"} <= statuses
    if isinstance(client, TelnyxProvider):
        assert all(r.room_name == by_session[r.session_id or ""].name for r in both)
        assert all(r.cost_in_dollars is None for r in both)
    else:
        assert "recording" in statuses  # a live session's, which Telnyx does not list
        assert all(r.cost_in_dollars is not None for r in both)
    one = next(r for r in both if r.completed)
    assert [r.id for r in (await client.recordings_page(one.session_id)).items] == [one.id]


async def _recording(client: Client, status: str) -> Recording:
    cursor = None
    for _ in range(10):
        page = await client.recordings_page(cursor=cursor, page_size=20)
        found = [r for r in page.items if r.status == status]
        if found:
            return found[0]
        cursor = page.next_cursor
    raise AssertionError(f"no {status} recording")


@ON_BOTH_PROVIDERS
async def test_a_recording_still_processing_has_no_link(sim: AnySimulator, client: Client) -> None:
    processing = await _recording(client, "processing")
    assert processing.id is not None
    with pytest.raises(RecordingNotReady, match="processing") as refused:
        await client.recording_link(processing.id, ttl_seconds=900)
    assert refused.value.recording_status == "processing"


async def test_a_signalwire_link_lives_as_long_as_asked(
    sim: RunningSimulator, provider: SignalWireProvider
) -> None:
    done = await _recording(provider, "completed")
    assert done.id is not None
    before = datetime.now(UTC)
    link = await provider.recording_link(done.id, ttl_seconds=600)
    assert link.expires_at is not None
    assert before + timedelta(seconds=600) <= link.expires_at
    assert link.expires_at <= datetime.now(UTC) + timedelta(seconds=600)
    [asked] = [r for r in sim.requests if r.path.endswith(done.id)]
    assert asked.query == {"media_ttl": "600"}
    async with httpx.AsyncClient(timeout=2) as browser:
        assert (await browser.get(link.url)).status_code == 200
        sim.advance_clock(590)
        assert (await browser.get(link.url)).status_code == 200
        sim.advance_clock(11)
        assert (await browser.get(link.url)).status_code == 403
        # A fresh link is fetched at each press, and lives its own time again.
        fresh = await provider.recording_link(done.id, ttl_seconds=600)
        assert (await browser.get(fresh.url)).status_code == 200


@pytest.mark.parametrize("sim", ["telnyx"], indirect=True)
async def test_a_telnyx_link_states_no_lifetime(
    sim: RunningTelnyxSimulator, client: Client
) -> None:
    done = await _recording(client, "completed")
    assert done.id is not None
    link = await client.recording_link(done.id, ttl_seconds=900)
    assert link.expires_at is None
    async with httpx.AsyncClient(timeout=2) as browser:
        assert (await browser.get(link.url)).status_code == 200
        forged = link.url.replace("signature=", "signature=0")
        assert (await browser.get(forged)).status_code == 403
        # Telnyx says nothing of how long it lives; the simulator's does not live forever.
        sim.advance_clock(2 * 3600)
        assert (await browser.get(link.url)).status_code == 403


@ON_BOTH_PROVIDERS
async def test_a_link_is_never_logged_cached_or_shown_in_a_repr(
    sim: AnySimulator, client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    done = await _recording(client, "completed")
    assert done.id is not None
    path = f"room_recordings/{done.id}"
    # A failed first try makes the retry path log too.
    sim.faults.add(Fault("status", status=503, path_prefix=_api_path(sim, path)))
    sim.requests.clear()
    link = await client.recording_link(done.id, ttl_seconds=900)
    again = await client.recording_link(done.id, ttl_seconds=900)
    assert link.url and again.url
    assert len([r for r in sim.requests if r.path.endswith(path)]) == 3  # 503, then 2 reads
    signature = link.url.split("signature=", 1)[1]
    assert any("retry" in record.getMessage() for record in caplog.records)
    for record in caplog.records:
        assert signature not in record.getMessage()
    assert signature not in caplog.text
    assert "url" not in repr(link) and signature not in repr(RecordingLink(link.url, None))
    # Lists mint a link per item: read past the cache each time, and not kept.
    sim.requests.clear()
    await client.recordings_page(page_size=3)
    await client.recordings_page(page_size=3)
    assert len(sim.requests) >= 2
    assert not any(signature in repr(r) for r in (await client.recordings_page()).items)


def _api_path(sim: AnySimulator, tail: str) -> str:
    return f"/v2/{tail}" if isinstance(sim, RunningTelnyxSimulator) else f"/api/video/{tail}"


# -- impossible values (pure) -----------------------------------------------------------------


def test_a_leaving_before_the_joining_is_unknown_not_still_in() -> None:
    member = dd.member(
        id="m",
        session_id="s",
        name="Ann",
        joined="2026-11-20T10:00:00Z",
        left="2026-11-20T09:00:00Z",
        duration=3600,
    )
    assert (member.left_at, member.duration, member.still_in) == (None, None, False)
    present = dd.member(id="m", session_id="s", name=None, joined="2026-11-20T10:00:00Z", left=None)
    assert present.still_in and present.duration is None


@pytest.mark.parametrize("bad", [-1, -0.5, math.nan, math.inf, True, "12", 1.5])
def test_impossible_quantities_are_unknown(bad: Any) -> None:
    recording = signalwire_recording(
        {"size_in_bytes": bad, "duration": bad, "cost_in_dollars": bad if bad != 1.5 else -1}
    )
    assert (recording.size_bytes, recording.duration, recording.cost_in_dollars) == (
        None,
        None,
        None,
    )
    member = dd.member(id=None, session_id=None, name=None, joined=None, left=None, duration=bad)
    assert member.duration is None
    if not isinstance(bad, str) and bad != 1.5:
        assert telnyx_recording({"size_mb": bad, "duration_secs": bad}, None).size_bytes is None


def test_telnyx_megabytes_become_bytes_and_times_parse_or_are_unknown() -> None:
    recording = telnyx_recording(
        {"size_mb": 5.6, "started_at": "2021-04-16T09:24:55.962200Z", "ended_at": "yesterday"},
        "My Room",
    )
    assert recording.size_bytes == 5_600_000 and recording.room_name == "My Room"
    assert recording.started_at == datetime(2021, 4, 16, 9, 24, 55, 962200, tzinfo=UTC)
    assert recording.finished_at is None
