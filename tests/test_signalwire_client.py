"""The SignalWire client against the simulator, over real sockets."""

from __future__ import annotations

import base64
import itertools
import logging
import re
import time
from dataclasses import replace

import pytest

from bot.providers.base import RoomQuery, SessionQuery
from bot.providers.errors import (
    Invalid,
    NotFound,
    ProviderUnavailable,
    RateLimited,
    Unauthorized,
)
from bot.providers.models import RoomSession
from bot.providers.signalwire import SignalWireProvider
from simulators import Fault, RunningSimulator, SimulatorConfig, run_simulator
from tests.conftest import FAST_HTTP, FAST_RETRIES, SIM_NOW

SESSIONS_PATH = "/api/video/room_sessions"


async def _all_sessions(provider: SignalWireProvider, page_size: int) -> list[RoomSession]:
    return [s async for s in provider.room_sessions(SessionQuery(), page_size=page_size)]


@pytest.mark.parametrize("links", ["absolute", "relative"])
async def test_lists_follow_next_links_across_pages(links: str) -> None:
    config = SimulatorConfig(seed=3, now=SIM_NOW, session_count=230, links=links)  # type: ignore[arg-type]
    async with run_simulator(config) as sim:
        provider = SignalWireProvider.connect(
            sim.base_url, sim.config.project_id, sim.config.api_token, policy=FAST_RETRIES
        )
        try:
            sessions = await _all_sessions(provider, page_size=50)
        finally:
            await provider.aclose()
        pages = [r for r in sim.requests if r.path == SESSIONS_PATH]
    assert len(sessions) == 230
    assert len({s.id for s in sessions}) == 230
    starts = [s.start_time for s in sessions]
    assert all(a is not None and b is not None and a >= b for a, b in itertools.pairwise(starts))
    assert len(pages) == 5
    assert pages[0].query == {"page_size": "50"}
    assert all("page_token" in p.query for p in pages[1:])
    # Lists carry the cost; the model keeps it.
    assert any(s.cost_in_dollars is not None for s in sessions)


async def test_page_cursor_continues_where_the_first_page_ended(
    provider: SignalWireProvider,
) -> None:
    first = await provider.room_sessions_page(SessionQuery(), page_size=7)
    assert len(first.items) == 7 and first.next_cursor
    # Only SignalWire's page number and token: nothing that could steer a request.
    assert re.fullmatch(r"1:PT[A-Za-z0-9_-]+", first.next_cursor)
    second = await provider.room_sessions_page(
        SessionQuery(), cursor=first.next_cursor, page_size=7
    )
    everything = await provider.room_sessions_page(SessionQuery(), page_size=14)
    assert [s.id for s in first.items + second.items] == [s.id for s in everything.items]


async def test_a_cursor_for_another_endpoint_is_refused(
    provider: SignalWireProvider, sim: RunningSimulator
) -> None:
    with pytest.raises(Invalid):
        await provider.room_sessions_page(SessionQuery(), cursor="/api/video/rooms?page_size=1")
    assert sim.requests == []


async def test_session_filters_go_on_the_wire(
    provider: SignalWireProvider, sim: RunningSimulator
) -> None:
    rooms = [r async for r in provider.rooms(RoomQuery())]
    room = rooms[0]
    assert room.id and room.name
    by_id = await provider.room_sessions_page(SessionQuery(room_id=room.id), page_size=20)
    assert by_id.items and all(s.room_id == room.id for s in by_id.items)
    by_name = await provider.room_sessions_page(SessionQuery(room_name=room.name), page_size=20)
    assert by_name.items and all(s.name == room.name for s in by_name.items)
    needle = room.name[1:4].upper()
    matching = await provider.room_sessions_page(
        SessionQuery(room_name_matches=needle), page_size=20
    )
    assert matching.items and all(needle.lower() in (s.name or "").lower() for s in matching.items)
    live = await provider.room_sessions_page(SessionQuery(status="in-progress"), page_size=20)
    assert live.items and all(s.status == "in-progress" and s.end_time is None for s in live.items)
    queries = [r.query for r in sim.requests if r.path == SESSIONS_PATH]
    assert queries == [
        {"page_size": "20", "room_id": room.id},
        {"page_size": "20", "room_name": room.name},
        {"page_size": "20", "room_name_matches": needle},
        {"page_size": "20", "status": "in-progress"},
    ]


async def test_local_filters_stop_paging_once_newest_first_pages_pass_since(
    provider: SignalWireProvider, sim: RunningSimulator
) -> None:
    everything = await _all_sessions(provider, 50)
    since = everything[120].start_time
    assert since is not None
    query = SessionQuery(started_after=since, matches="E")
    sim.requests.clear()
    found = [s async for s in provider.room_sessions(query, page_size=50)]
    expected = [
        s for s in everything
        if s.start_time and s.start_time >= since and "e" in f"{s.name} {s.display_name}".lower()
    ]  # fmt: skip
    assert [s.id for s in found] == [s.id for s in expected] and expected
    pages = [r for r in sim.requests if r.path == SESSIONS_PATH]
    # Sessions 0..120 fill three pages of 50; the third passes `since`, so no fourth.
    assert len(pages) == 3
    assert all("room_name_matches" not in r.query for r in pages)


async def test_get_session_has_no_cost_but_every_field(provider: SignalWireProvider) -> None:
    listed = (await provider.room_sessions_page(SessionQuery(), page_size=1)).items[0]
    assert listed.id
    one = await provider.get_room_session(listed.id)
    assert one.id == listed.id
    assert one.cost_in_dollars is None
    assert one.start_time == listed.start_time
    for field in ("record_on_start", "locked", "tone_on_entry_and_exit", "created_at"):
        assert getattr(one, field) is not None, field


async def test_rooms_by_id_and_by_name_with_active_session(
    provider: SignalWireProvider, sim: RunningSimulator
) -> None:
    live = (await provider.room_sessions_page(SessionQuery(status="in-progress"))).items[0]
    assert live.room_id
    by_id = await provider.get_room(live.room_id)
    assert by_id.name
    by_name = await provider.get_room(by_id.name)
    assert by_name.id == by_id.id
    assert by_name.active_session is not None
    assert by_name.active_session.status == "in-progress"
    assert sim.requests[-1].query == {"include_active_session": "true"}
    assert sim.requests[-1].path == f"/api/video/rooms/{by_id.name}"


async def test_room_list_filters_by_name_locally(provider: SignalWireProvider) -> None:
    every = [r async for r in provider.rooms(RoomQuery())]
    assert len(every) >= 10
    some = every[2]
    assert some.name
    found = [r async for r in provider.rooms(RoomQuery(name_matches=some.name.upper()))]
    assert some.id in {r.id for r in found}
    assert all(some.name in (r.name or "") for r in found)


async def test_update_room_sends_only_the_given_fields(
    provider: SignalWireProvider, sim: RunningSimulator
) -> None:
    room = (await provider.rooms_page(RoomQuery())).items[0]
    assert room.id
    updated = await provider.update_room(
        room.id, {"display_name": "Weekly sync", "max_members": 12}
    )
    put = sim.requests[-1]
    assert put.method == "PUT" and put.path == f"/api/video/rooms/{room.id}"
    assert put.json == {"display_name": "Weekly sync", "max_members": 12}
    assert updated.display_name == "Weekly sync" and updated.max_members == 12
    again = await provider.get_room(room.id)
    assert again.display_name == "Weekly sync"
    assert again.description == room.description


async def test_422_becomes_invalid_with_field_errors(
    provider: SignalWireProvider, sim: RunningSimulator
) -> None:
    room = (await provider.rooms_page(RoomQuery())).items[0]
    assert room.id
    with pytest.raises(Invalid) as info:
        await provider.update_room(room.id, {"max_members": 500})
    assert [e.attribute for e in info.value.errors] == ["max_members"]
    assert "max_members" in str(info.value)
    assert len([r for r in sim.requests if r.method == "PUT"]) == 1  # never retried


async def test_404_becomes_not_found(provider: SignalWireProvider, sim: RunningSimulator) -> None:
    with pytest.raises(NotFound):
        await provider.get_room_session("00000000-0000-4000-8000-000000000000")
    with pytest.raises(NotFound):
        await provider.get_room("no-such-room")
    with pytest.raises(NotFound):
        await provider.find_conference("no-such-conference")
    assert len([r for r in sim.requests if r.path.startswith("/api/video/room")]) == 2


async def test_malformed_ids_are_refused_before_any_request(
    provider: SignalWireProvider, sim: RunningSimulator
) -> None:
    with pytest.raises(Invalid):
        await provider.get_room_session("not-a-uuid")
    with pytest.raises(Invalid):
        await provider.update_room("../conferences", {"display_name": "x"})
    assert sim.requests == []


async def test_conference_with_theme_and_active_session(provider: SignalWireProvider) -> None:
    conferences = [c async for c in provider.conferences()]
    assert conferences
    with_session = None
    themed = 0
    for conference in conferences:
        assert conference.name
        found = await provider.find_conference(conference.name)
        assert found.id == conference.id
        themed += bool(found.dark_primary and found.light_background)
        if found.active_session is not None:
            with_session = found
    assert themed >= 1
    assert with_session is not None and with_session.active_session is not None
    assert with_session.active_session.status == "in-progress"


async def test_wrong_credentials_are_unauthorized_and_not_retried(sim: RunningSimulator) -> None:
    bad = SignalWireProvider.connect(sim.base_url, "someone", "wrong", policy=FAST_RETRIES)
    try:
        with pytest.raises(Unauthorized):
            await bad.check()
    finally:
        await bad.aclose()
    assert len(sim.requests) == 1


# -- faults: retried and succeeded, or retried, exhausted and reported ------------------


@pytest.mark.parametrize(
    "fault",
    [
        Fault(kind="status", status=429, retry_after=0.2, times=2),
        Fault(kind="status", status=500, times=3),
        Fault(kind="status", status=502, times=1),
        Fault(kind="status", status=503, times=1),
        Fault(kind="status", status=504, times=1),
        Fault(kind="stall", seconds=2.0, times=1),
        Fault(kind="drop", times=2),
    ],
    ids=["429", "500", "502", "503", "504", "stall", "drop"],
)
async def test_transient_faults_are_retried_and_succeed(
    provider: SignalWireProvider,
    sim: RunningSimulator,
    fault: Fault,
    caplog: pytest.LogCaptureFixture,
) -> None:
    sim.faults.add(fault)
    caplog.set_level(logging.WARNING, logger="bot.providers.http")
    started = time.monotonic()
    page = await provider.room_sessions_page(SessionQuery(), page_size=5)
    elapsed = time.monotonic() - started
    assert len(page.items) == 5
    assert len(sim.requests) == fault.times + 1
    retries = [r for r in caplog.records if "retry" in r.getMessage()]
    assert len(retries) == fault.times
    if fault.retry_after:
        # Retry-After is honoured, not undercut by the shorter backoff.
        assert elapsed >= fault.retry_after * fault.times
    _assert_no_credentials(caplog, sim)


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (Fault(kind="status", status=503, times=10), ProviderUnavailable),
        (Fault(kind="status", status=429, retry_after=0.05, times=10), RateLimited),
        (Fault(kind="stall", seconds=2.0, times=10), ProviderUnavailable),
        (Fault(kind="drop", times=10), ProviderUnavailable),
    ],
    ids=["503", "429", "stall", "drop"],
)
async def test_persistent_faults_are_retried_a_bounded_number_of_times(
    provider: SignalWireProvider,
    sim: RunningSimulator,
    fault: Fault,
    error: type[Exception],
    caplog: pytest.LogCaptureFixture,
) -> None:
    sim.faults.add(fault)
    caplog.set_level(logging.WARNING, logger="bot.providers.http")
    with pytest.raises(error) as info:
        await provider.get_room("standup")
    assert len(sim.requests) == FAST_RETRIES.attempts
    if isinstance(info.value, RateLimited):
        assert info.value.retry_after == pytest.approx(0.05, abs=0.01)
    _assert_no_credentials(caplog, sim)


async def test_a_long_retry_after_is_reported_not_waited(
    provider: SignalWireProvider, sim: RunningSimulator
) -> None:
    sim.faults.add(Fault(kind="status", status=429, retry_after=120, times=1))
    started = time.monotonic()
    with pytest.raises(RateLimited) as info:
        await provider.room_sessions_page(SessionQuery())
    assert time.monotonic() - started < 2
    assert info.value.retry_after == 120
    assert "try again in 120 s" in str(info.value)
    assert len(sim.requests) == 1


async def test_put_is_retried_too(provider: SignalWireProvider, sim: RunningSimulator) -> None:
    room = (await provider.rooms_page(RoomQuery())).items[0]
    assert room.id
    sim.faults.add(Fault(kind="status", status=502, times=1, method="PUT"))
    updated = await provider.update_room(room.id, {"quality": "1080p"})
    assert updated.quality == "1080p"
    puts = [r for r in sim.requests if r.method == "PUT"]
    assert len(puts) == 2 and all(p.json == {"quality": "1080p"} for p in puts)


async def test_total_time_budget_bounds_retries(sim: RunningSimulator) -> None:
    policy = replace(FAST_RETRIES, attempts=50, total_seconds=1.0)
    provider = SignalWireProvider.connect(
        sim.base_url,
        sim.config.project_id,
        sim.config.api_token,
        policy=policy,
        http_settings=FAST_HTTP,
    )
    sim.faults.add(Fault(kind="status", status=500, times=1000))
    started = time.monotonic()
    try:
        with pytest.raises(ProviderUnavailable):
            await provider.check()
    finally:
        await provider.aclose()
    assert time.monotonic() - started < 3
    assert 2 <= len(sim.requests) < 50


def _assert_no_credentials(caplog: pytest.LogCaptureFixture, sim: RunningSimulator) -> None:
    basic = base64.b64encode(f"{sim.config.project_id}:{sim.config.api_token}".encode()).decode()
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert sim.config.api_token not in text
    assert basic not in text
