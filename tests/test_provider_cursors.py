"""Page cursors come back from Slack buttons: they are untrusted input.

The attacks here are the ones that worked when a cursor was a path and query.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest

from bot.providers.base import RoomQuery, SessionQuery
from bot.providers.errors import Invalid
from bot.providers.signalwire import SignalWireProvider
from simulators import Fault, RunningSimulator

SESSIONS_PATH = "/api/video/room_sessions"


@dataclass
class Listener:
    """A bare TCP socket standing in for someone else's server: it records what arrives."""

    port: int
    received: list[bytes] = field(default_factory=list)


@pytest.fixture
async def listener() -> AsyncIterator[Listener]:
    found = Listener(port=0)

    async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            found.received.append(await asyncio.wait_for(reader.read(65536), 1.0))
        except TimeoutError:
            found.received.append(b"")
        writer.close()

    server = await asyncio.start_server(on_connect, "127.0.0.1", 0)
    found.port = server.sockets[0].getsockname()[1]
    async with server:
        yield found


async def test_an_absolute_url_cursor_never_leaves_for_its_host(
    provider: SignalWireProvider, sim: RunningSimulator, listener: Listener
) -> None:
    cursor = f"http://127.0.0.1:{listener.port}{SESSIONS_PATH}?page_size=5"
    with pytest.raises(Invalid, match="that page link is not valid any more"):
        await provider.room_sessions_page(SessionQuery(), cursor=cursor)
    await asyncio.sleep(0.05)  # time for a connection, had one been made
    assert listener.received == []
    assert sim.requests == []


@pytest.mark.parametrize(
    "cursor",
    [
        f"{SESSIONS_PATH}?page_size=1000",
        f"{SESSIONS_PATH}?status=bogus&room_id=notauuid",
        "?page_size=1000",
        "PTx&page_size=1000",
        "1:PTx#frag",
        "../rooms",
        "x" * 1025,
    ],
)
async def test_a_cursor_that_is_not_a_page_token_is_refused(
    provider: SignalWireProvider, sim: RunningSimulator, cursor: str
) -> None:
    with pytest.raises(Invalid, match="that page link is not valid any more"):
        await provider.room_sessions_page(SessionQuery(), cursor=cursor)
    with pytest.raises(Invalid):
        await provider.rooms_page(RoomQuery(), cursor=cursor)
    with pytest.raises(Invalid):
        await provider.conferences_page(cursor=cursor)
    assert sim.requests == []


async def test_the_next_page_is_rebuilt_from_the_callers_query_and_page_size(
    provider: SignalWireProvider, sim: RunningSimulator
) -> None:
    query = SessionQuery(status="completed")
    first = await provider.room_sessions_page(query, page_size=50)
    assert first.next_cursor
    second = await provider.room_sessions_page(query, cursor=first.next_cursor, page_size=5)
    huge = await provider.room_sessions_page(query, cursor=first.next_cursor, page_size=5000)
    sent = [r.query for r in sim.requests]
    number, token = first.next_cursor.split(":")
    assert sent[1] == {
        "status": "completed",
        "page_size": "5",
        "page_number": number,
        "page_token": token,
    }
    assert sent[2]["page_size"] == "1000"  # clamped to the API's maximum
    assert len(second.items) == 5 and all(s.status == "completed" for s in second.items)
    assert [s.id for s in huge.items[:5]] == [s.id for s in second.items]
    assert all(r.authorization_ok for r in sim.requests)


async def test_a_cursor_cannot_add_filters(
    provider: SignalWireProvider, sim: RunningSimulator
) -> None:
    first = await provider.room_sessions_page(SessionQuery(), page_size=5)
    assert first.next_cursor
    # Whatever the cursor, only the query's filters (none here) go on the wire.
    await provider.room_sessions_page(SessionQuery(), cursor=first.next_cursor, page_size=5)
    assert set(sim.requests[1].query) == {"page_size", "page_number", "page_token"}


async def test_rooms_and_conferences_page_with_token_cursors(
    provider: SignalWireProvider, sim: RunningSimulator
) -> None:
    rooms = await provider.rooms_page(RoomQuery(include_active_session=True), page_size=2)
    assert rooms.next_cursor and rooms.next_cursor.startswith("1:")
    more = await provider.rooms_page(
        RoomQuery(include_active_session=True), cursor=rooms.next_cursor, page_size=2
    )
    assert sim.requests[-1].query["include_active_session"] == "true"
    assert {r.id for r in more.items}.isdisjoint({r.id for r in rooms.items})
    conferences = await provider.conferences_page(page_size=1)
    assert conferences.next_cursor
    later = await provider.conferences_page(cursor=conferences.next_cursor, page_size=1)
    assert later.items and later.items[0].id != conferences.items[0].id


@pytest.mark.parametrize(
    "next_link",
    [
        "http://127.0.0.1:{port}/api/video/room_sessions?page_number=1&page_token=PTx",
        "/api/video/rooms?page_number=1&page_token=PTx",
        "/api/video/room_sessions?page=2",
    ],
    ids=["other-host", "other-list", "no-token"],
)
async def test_a_next_link_we_would_not_follow_ends_the_listing(
    provider: SignalWireProvider,
    sim: RunningSimulator,
    listener: Listener,
    caplog: pytest.LogCaptureFixture,
    next_link: str,
) -> None:
    link = next_link.format(port=listener.port)
    body = {"links": {"self": SESSIONS_PATH, "first": SESSIONS_PATH, "next": link}, "data": []}
    sim.faults.add(Fault(kind="body", status=200, body=json.dumps(body)))
    caplog.set_level(logging.WARNING, logger="bot.providers")
    page = await provider.room_sessions_page(SessionQuery())
    assert page.next_cursor is None
    [warning] = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert "page_token=" not in warning and str(listener.port) not in warning
    sessions = [s async for s in provider.room_sessions(SessionQuery())]  # no fault now
    assert len(sessions) == sim.config.session_count
    assert listener.received == []
