"""The Telnyx client against a fake Telnyx (httpx.MockTransport) built from the spec's shapes.

The fake applies Telnyx's filters and page-number paging as the spec describes them, so
these tests see what goes on the wire and what the client does with the answers.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.providers.base import RoomQuery, SessionQuery, VideoProvider
from bot.providers.errors import (
    FieldError,
    Invalid,
    NotFound,
    NotSupported,
    RateLimited,
    Unauthorized,
)
from bot.providers.http import retry_after_header
from bot.providers.telnyx import (
    TelnyxProvider,
    created_date_filters,
    local_filters,
    parse_telnyx_errors,
    telnyx_retry_after,
)
from simulators.faults import Fault
from simulators.server import RunningTelnyxSimulator, run_telnyx_simulator
from simulators.telnyx_app import TelnyxSimulatorConfig
from tests.conftest import FAST_HTTP, FAST_RETRIES, SIM_NOW
from tests.openapi_check import load_spec

BASE = "https://api.telnyx.test/v2"
KEY = "KEY0123456789"
SPEC = Path(__file__).parent / "specs" / "telnyx-video-rooms.openapi.yaml"
DAY = datetime(2026, 11, 18, tzinfo=UTC)


def _id(kind: int, n: int) -> str:
    return f"{kind:08d}-0000-4000-8000-{n:012d}"


def _iso(instant: datetime) -> str:
    return instant.isoformat().replace("+00:00", "Z")


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def make_room(n: int, name: str, created: datetime, **extra: Any) -> dict[str, Any]:
    return {
        "id": _id(1, n),
        "unique_name": name,
        "max_participants": 10 + n,
        "enable_recording": n % 2 == 0,
        "created_at": _iso(created),
        "updated_at": _iso(created),
        "webhook_event_url": f"https://hooks.example.com/{n}",
        "webhook_event_failover_url": None,
        "webhook_timeout_secs": None,
        "record_type": "room",
        **extra,
    }


def make_session(
    n: int, room: dict[str, Any], created: datetime, minutes: int | None
) -> dict[str, Any]:
    ended = created + timedelta(minutes=minutes) if minutes is not None else None
    return {
        "id": _id(2, n),
        "room_id": room["id"],
        "active": minutes is None,
        "created_at": _iso(created),
        "updated_at": _iso(ended or created),
        "ended_at": _iso(ended) if ended else None,
        "participants": [],
        "record_type": "room_session",
    }


def _page(items: list[dict[str, Any]], query: httpx.QueryParams) -> httpx.Response:
    size = int(query.get("page[size]", 20))
    number = int(query.get("page[number]", 1))
    if not 1 <= size <= 250 or number < 1:
        return httpx.Response(400, json={"message": "Invalid page parameters", "success": False})
    total_pages = max(1, math.ceil(len(items) / size))
    meta = {
        "page_number": number,
        "page_size": size,
        "total_pages": total_pages,
        "total_results": len(items),
    }
    return httpx.Response(
        200, json={"data": items[(number - 1) * size : number * size], "meta": meta}
    )


def _created_on(item: dict[str, Any], query: httpx.QueryParams) -> bool:
    created = _when(item["created_at"]).date()
    for op, test in (("eq", created.__eq__), ("gte", created.__ge__), ("lte", created.__le__)):
        wanted = query.get(f"filter[date_created_at][{op}]")
        if wanted is not None and not test(date.fromisoformat(wanted)):
            return False
    return True


class FakeTelnyx:
    """Rooms and sessions served as the spec describes; sessions in the order given."""

    def __init__(self, rooms: list[dict[str, Any]], sessions: list[dict[str, Any]]) -> None:
        self.rooms = {room["id"]: room for room in rooms}
        self.sessions = sessions
        self.requests: list[httpx.Request] = []
        self.canned: list[httpx.Response] = []  # answered first, one per request
        self.after: Callable[[FakeTelnyx, httpx.Request], None] | None = None

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self._handle)

    def calls(self, path: str, method: str = "GET") -> list[dict[str, str]]:
        return [
            dict(r.url.params)
            for r in self.requests
            if r.url.path == "/v2" + path and r.method == method
        ]

    def _handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.canned:
            return self.canned.pop(0)
        if request.headers.get("authorization") != f"Bearer {KEY}":
            return httpx.Response(401)
        response = self._route(request)
        if self.after is not None:
            self.after(self, request)
        return response

    def _route(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/v2")
        query = request.url.params
        missing = httpx.Response(
            404, json={"code": "10005", "title": "Resource not found", "detail": path}
        )
        if path == "/rooms":
            name = query.get("filter[unique_name]")
            rooms = [
                r
                for r in self.rooms.values()
                if _created_on(r, query) and (name is None or r["unique_name"] == name)
            ]
            return _page(rooms, query)
        if path == "/room_sessions":
            room_id, active = query.get("filter[room_id]"), query.get("filter[active]")
            sessions = [
                s
                for s in self.sessions
                if _created_on(s, query)
                and (room_id is None or s["room_id"] == room_id)
                and (active is None or str(s["active"]).lower() == active)
            ]
            return _page(sessions, query)
        if match := re.fullmatch(r"/rooms/([^/]+)", path):
            room = self.rooms.get(match.group(1))
            if room is None:
                return missing
            if request.method == "PATCH":
                room.update(httpx.Response(200, content=request.content).json())
            return httpx.Response(200, json={"data": room})
        if match := re.fullmatch(r"/room_sessions/([^/]+)", path):
            found = [s for s in self.sessions if s["id"] == match.group(1)]
            return httpx.Response(200, json={"data": found[0]}) if found else missing
        return missing


@pytest.fixture
async def connect() -> AsyncIterator[Callable[..., TelnyxProvider]]:
    made: list[TelnyxProvider] = []

    def make(fake: FakeTelnyx, **options: Any) -> TelnyxProvider:
        provider = TelnyxProvider.connect(
            BASE, KEY, policy=FAST_RETRIES, transport=fake.transport(), **options
        )
        made.append(provider)
        return provider

    yield make
    for provider in made:
        await provider.aclose()


def hourly_day(room_count: int = 2) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """24 sessions on DAY, one at half past each hour, newest first, over a few rooms."""
    rooms = [make_room(i, f"room-{i}", DAY - timedelta(days=30 - i)) for i in range(room_count)]
    sessions = [
        make_session(h, rooms[h % room_count], DAY + timedelta(hours=h, minutes=30), 20)
        for h in reversed(range(24))
    ]
    return rooms, sessions


# -- wire parameters -----------------------------------------------------------------------


async def test_session_filters_go_on_the_wire_with_dates_widened_to_whole_days(
    connect: Callable[..., TelnyxProvider],
) -> None:
    rooms, sessions = hourly_day()
    fake = FakeTelnyx(rooms, sessions)
    provider = connect(fake)
    since, until = DAY + timedelta(hours=9, minutes=10), DAY + timedelta(days=1, hours=2)
    query = SessionQuery(
        room_id=rooms[1]["id"], status="completed", started_after=since, started_before=until
    )
    page = await provider.room_sessions_page(query, page_size=1000)
    assert fake.calls("/room_sessions") == [
        {
            "filter[room_id]": rooms[1]["id"],
            "filter[active]": "false",
            "filter[date_created_at][gte]": "2026-11-18",
            "filter[date_created_at][lte]": "2026-11-19",
            "page[size]": "250",  # Telnyx's cap, not SignalWire's 1000
            "page[number]": "1",
        }
    ]
    # The wire gave the whole day; the exact instant is checked here.
    expected = [
        s["id"]
        for s in sessions
        if s["room_id"] == rooms[1]["id"] and _when(s["created_at"]) >= since
    ]
    assert [s.id for s in page.items] == expected and len(expected) == 8  # 09:30 .. 23:30
    assert page.next_cursor is None


async def test_an_until_at_midnight_asks_for_the_day_before_only(
    connect: Callable[..., TelnyxProvider],
) -> None:
    fake = FakeTelnyx(*hourly_day())
    provider = connect(fake)
    await provider.room_sessions_page(
        SessionQuery(
            started_after=DAY, started_before=DAY + timedelta(days=1), status="in-progress"
        )
    )
    (params,) = fake.calls("/room_sessions")
    assert params["filter[date_created_at][gte]"] == "2026-11-18"
    assert params["filter[date_created_at][lte]"] == "2026-11-18"
    assert params["filter[active]"] == "true"
    assert params["page[size]"] == "50"


def test_date_filters_round_outward_in_utc() -> None:
    # 23:30 on the 17th in UTC-5 is 04:30 on the 18th in UTC.
    eastern = datetime(2026, 11, 17, 23, 30, tzinfo=UTC) + timedelta(hours=5)
    local = eastern.astimezone(UTC).replace(tzinfo=None)  # naive: taken as UTC
    assert created_date_filters(eastern, DAY + timedelta(days=2, seconds=1)) == {
        "filter[date_created_at][gte]": "2026-11-18",
        "filter[date_created_at][lte]": "2026-11-20",
    }
    assert created_date_filters(local, None) == {"filter[date_created_at][gte]": "2026-11-18"}
    assert created_date_filters(None, None) == {}


def test_local_filters_name_what_only_this_client_checks() -> None:
    assert local_filters(SessionQuery()) == ()
    assert local_filters(SessionQuery(room_id=_id(1, 1), status="completed")) == ()
    assert local_filters(SessionQuery(started_after=DAY, started_before=DAY)) == ()
    assert local_filters(
        SessionQuery(matches="sync", started_after=DAY, started_before=DAY + timedelta(hours=13))
    ) == ("match", "until")
    assert local_filters(SessionQuery(started_after=DAY + timedelta(minutes=1))) == ("since",)
    assert local_filters(RoomQuery(name_matches="x", created_before=DAY)) == ("match",)
    assert local_filters(RoomQuery(created_after=DAY + timedelta(seconds=1))) == ("created_after",)


async def test_room_name_is_resolved_to_an_id_on_the_wire(
    connect: Callable[..., TelnyxProvider],
) -> None:
    rooms, sessions = hourly_day(3)
    fake = FakeTelnyx(rooms, sessions)
    provider = connect(fake)
    found = [s async for s in provider.room_sessions(SessionQuery(room_name="room-2"))]
    assert fake.calls("/rooms")[0] == {"filter[unique_name]": "room-2", "page[size]": "20"}
    assert fake.calls("/room_sessions") == [
        {"filter[room_id]": rooms[2]["id"], "page[size]": "250", "page[number]": "1"}
    ]
    assert [s.id for s in found] == [s["id"] for s in sessions if s["room_id"] == rooms[2]["id"]]
    assert {s.name for s in found} == {"room-2"}


async def test_an_unknown_room_name_lists_no_sessions(
    connect: Callable[..., TelnyxProvider],
) -> None:
    fake = FakeTelnyx(*hourly_day())
    provider = connect(fake)
    page = await provider.room_sessions_page(SessionQuery(room_name="Room-1"))  # wrong case
    assert page.items == [] and page.next_cursor is None
    assert [s async for s in provider.room_sessions(SessionQuery(room_name="nope"))] == []
    assert fake.calls("/room_sessions") == []


async def test_room_list_filters_dates_on_the_wire_and_names_here(
    connect: Callable[..., TelnyxProvider],
) -> None:
    created = [DAY + timedelta(hours=h) for h in (-30, 2, 9, 15, 30, 49)]
    names = ["alpha", "Team Sync", "team_sync-b", "gamma", "team sync c", "delta"]
    rooms = [make_room(i, n, c) for i, (n, c) in enumerate(zip(names, created, strict=True))]
    fake = FakeTelnyx(rooms, [])
    provider = connect(fake)
    after, before = DAY + timedelta(hours=5), DAY + timedelta(hours=40)
    query = RoomQuery(name_matches="TEAM SYNC", created_after=after, created_before=before)
    found = [r async for r in provider.rooms(query)]
    assert fake.calls("/rooms") == [
        {
            "filter[date_created_at][gte]": "2026-11-18",
            "filter[date_created_at][lte]": "2026-11-19",
            "page[size]": "250",
            "page[number]": "1",
        }
    ]
    # "Team Sync" was created on the 18th (so the wire kept it) but before `after`.
    assert [r.name for r in found] == ["team_sync-b", "team sync c"]


# -- mapping -------------------------------------------------------------------------------


def _spec_example(schema: str) -> dict[str, Any]:
    spec = load_spec(SPEC)
    example: dict[str, Any] = spec["components"]["schemas"][schema]["example"]
    return example


async def test_the_specs_examples_map_onto_the_product_models(
    connect: Callable[..., TelnyxProvider],
) -> None:
    room = _spec_example("Room")
    ended = _spec_example("RoomSession")
    ended["room_id"] = room["id"]  # the spec's example session lives elsewhere
    live = dict(room["sessions"][0])
    fake = FakeTelnyx([room], [live, ended])
    provider = connect(fake)

    got = await provider.get_room(room["id"])
    assert (got.id, got.name, got.max_members) == (room["id"], "My Room", 50)
    assert got.record_on_start is True
    assert got.created_at == datetime(2021, 4, 16, 9, 46, 20, 954863, tzinfo=UTC)
    # Telnyx's own names stay, for its update catalogue.
    extra = got.extra_fields()
    assert extra["unique_name"] == "My Room" and extra["max_participants"] == 50
    assert extra["enable_recording"] is True and extra["webhook_timeout_secs"] == 25
    assert (got.quality, got.layout, got.display_name) == (None, None, None)
    active = got.active_session
    assert active is not None and active.id == room["active_session_id"]
    assert (active.status, active.end_time, active.duration) == ("in-progress", None, None)
    assert active.name == "My Room"

    listed = (await provider.room_sessions_page(SessionQuery())).items
    done = next(s for s in listed if s.id == ended["id"])
    assert done.status == "completed" and done.name == "My Room"
    assert done.start_time == datetime(2021, 4, 16, 9, 46, 20, 954863, tzinfo=UTC)
    assert done.end_time == datetime(2021, 4, 16, 10, 24, 55, 962200, tzinfo=UTC)
    assert done.duration == 38 * 60 + 35  # 09:46:20.95 to 10:24:55.96
    assert (done.quality, done.layout, done.cost_in_dollars) == (None, None, None)
    assert done.participants == [] and "participants" not in done.extra_fields()


async def test_a_listing_costs_no_room_read_per_session(
    connect: Callable[..., TelnyxProvider],
) -> None:
    rooms, sessions = hourly_day(6)
    fake = FakeTelnyx(rooms, sessions)
    provider = connect(fake)
    found = [s async for s in provider.room_sessions(SessionQuery(), page_size=5)]
    names = {r["id"]: r["unique_name"] for r in rooms}
    assert [(s.id, s.name) for s in found] == [(s["id"], names[s["room_id"]]) for s in sessions]
    # Six rooms unknown on the first page: one room listing, then names from memory.
    assert len(fake.calls("/rooms")) == 1
    assert not any(re.fullmatch(r"/v2/rooms/.+", r.url.path) for r in fake.requests)


async def test_a_few_unknown_rooms_are_read_by_id_once(
    connect: Callable[..., TelnyxProvider],
) -> None:
    rooms, sessions = hourly_day(2)
    fake = FakeTelnyx(rooms, sessions)
    provider = connect(fake)
    first = await provider.room_sessions_page(SessionQuery(), page_size=10)
    await provider.get_room_session(sessions[-1]["id"])
    room_reads = sorted(r.url.path for r in fake.requests if r.url.path.startswith("/v2/rooms"))
    assert room_reads == sorted(f"/v2/rooms/{r['id']}" for r in rooms)
    assert {s.name for s in first.items} == {"room-0", "room-1"}


# -- paging --------------------------------------------------------------------------------


async def test_sessions_are_read_page_by_number_to_the_end(
    connect: Callable[..., TelnyxProvider],
) -> None:
    rooms, sessions = hourly_day()
    fake = FakeTelnyx(rooms, sessions[:23])
    provider = connect(fake)
    found = [s async for s in provider.room_sessions(SessionQuery(), page_size=5)]
    assert [s.id for s in found] == [s["id"] for s in sessions[:23]]
    assert [p["page[number]"] for p in fake.calls("/room_sessions")] == ["1", "2", "3", "4", "5"]


async def test_page_cursors_are_page_numbers(connect: Callable[..., TelnyxProvider]) -> None:
    rooms, sessions = hourly_day()
    fake = FakeTelnyx(rooms, sessions)
    provider = connect(fake)
    first = await provider.room_sessions_page(SessionQuery(), page_size=10)
    assert first.next_cursor == "p2"
    second = await provider.room_sessions_page(SessionQuery(), cursor="p2", page_size=10)
    third = await provider.room_sessions_page(SessionQuery(), cursor="p3", page_size=10)
    assert third.next_cursor is None
    walked = [s.id for page in (first, second, third) for s in page.items]
    assert walked == [s["id"] for s in sessions]
    rooms_page = await provider.rooms_page(RoomQuery(), page_size=1)
    assert rooms_page.next_cursor == "p2"


@pytest.mark.parametrize(
    "cursor",
    ["p0", "3", "p", "P3", "p3 ", " p3", "p-1", "p1e3", "1:PTabc", "p1234567890", "p٣", "p" * 2000],
)
async def test_cursors_of_any_other_shape_are_refused_before_a_request(
    connect: Callable[..., TelnyxProvider], cursor: str
) -> None:
    fake = FakeTelnyx(*hourly_day())
    provider = connect(fake)
    with pytest.raises(Invalid):
        await provider.room_sessions_page(SessionQuery(), cursor=cursor)
    with pytest.raises(Invalid):
        await provider.rooms_page(RoomQuery(), cursor=cursor)
    assert fake.requests == []


async def test_a_newest_first_listing_stops_once_past_since(
    connect: Callable[..., TelnyxProvider],
) -> None:
    rooms, sessions = hourly_day()
    fake = FakeTelnyx(rooms, sessions)
    provider = connect(fake)
    since = DAY + timedelta(hours=12)
    found = [
        s async for s in provider.room_sessions(SessionQuery(started_after=since), page_size=5)
    ]
    assert [s.id for s in found] == [s["id"] for s in sessions if _when(s["created_at"]) >= since]
    assert len(found) == 12
    # Pages of 5 from 23:30 down: the third ends at 09:30, before `since`; no fourth.
    assert [p["page[number]"] for p in fake.calls("/room_sessions")] == ["1", "2", "3"]
    # One page alone stops the same way: its cursor is dropped.
    page = await provider.room_sessions_page(
        SessionQuery(started_after=since), cursor="p3", page_size=5
    )
    assert page.next_cursor is None and [s.id for s in page.items] == [s.id for s in found[10:]]


async def test_pages_out_of_order_are_read_to_the_end(
    connect: Callable[..., TelnyxProvider],
) -> None:
    rooms, sessions = hourly_day()
    fake = FakeTelnyx(rooms, list(reversed(sessions)))  # oldest first
    provider = connect(fake)
    since = DAY + timedelta(hours=12)
    found = [
        s async for s in provider.room_sessions(SessionQuery(started_after=since), page_size=5)
    ]
    assert sorted(str(s.id) for s in found) == sorted(
        s["id"] for s in sessions if _when(s["created_at"]) >= since
    )
    assert len(fake.calls("/room_sessions")) == 5


async def test_a_session_that_starts_while_paging_does_not_repeat_one(
    connect: Callable[..., TelnyxProvider],
) -> None:
    rooms, sessions = hourly_day()
    fake = FakeTelnyx(rooms, sessions[:10])
    newcomer = make_session(99, rooms[0], DAY + timedelta(hours=23, minutes=50), None)

    def start_one(fake: FakeTelnyx, request: httpx.Request) -> None:
        if request.url.params.get("page[number]") == "1" and newcomer not in fake.sessions:
            fake.sessions.insert(0, newcomer)

    fake.after = start_one
    provider = connect(fake)
    found = [s.id async for s in provider.room_sessions(SessionQuery(), page_size=5)]
    assert found == [s["id"] for s in sessions[:10]]
    assert len(fake.calls("/room_sessions")) == 3  # 11 sessions now: a third page of one


# -- errors --------------------------------------------------------------------------------


def test_the_three_error_shapes_are_read() -> None:
    errors = {
        "errors": [
            {
                "code": "10015",
                "title": "Invalid value",
                "detail": "must be between 2 and 50",
                "source": {"pointer": "/max_participants"},
            },
            {"code": "10016", "title": "Bad filter", "source": {"parameter": "filter[active]"}},
        ]
    }
    assert parse_telnyx_errors(errors) == [
        FieldError("max_participants", "must be between 2 and 50", "10015"),
        FieldError("filter[active]", "Bad filter", "10016"),
    ]
    single = {"code": "10005", "title": "Resource not found", "detail": "No such room"}
    assert parse_telnyx_errors(single) == [FieldError(None, "No such room", "10005")]
    assert parse_telnyx_errors({"message": "Error", "success": False}) == [
        FieldError(None, "Error")
    ]
    assert parse_telnyx_errors("<html>") == [] and parse_telnyx_errors({}) == []


async def test_error_answers_become_typed_errors_without_retries(
    connect: Callable[..., TelnyxProvider],
) -> None:
    rooms, sessions = hourly_day()
    fake = FakeTelnyx(rooms, sessions)
    provider = connect(fake)
    room_id = rooms[0]["id"]
    fake.canned.append(
        httpx.Response(
            422,
            json={
                "errors": [
                    {
                        "code": "10015",
                        "title": "Invalid value",
                        "detail": "must be at most 50",
                        "source": {"pointer": "/max_participants"},
                    }
                ]
            },
        )
    )
    with pytest.raises(Invalid) as invalid:
        await provider.update_room(room_id, {"max_participants": 99})
    assert [e.attribute for e in invalid.value.errors] == ["max_participants"]
    assert "must be at most 50" in str(invalid.value)

    fake.canned.append(httpx.Response(400, json={"message": "Bad filter", "success": False}))
    with pytest.raises(Invalid, match="Bad filter"):
        await provider.rooms_page(RoomQuery())

    with pytest.raises(NotFound):
        await provider.get_room_session(_id(2, 777))  # the fake's single error object
    fake.canned.append(httpx.Response(403, json={"code": "10010", "title": "Forbidden"}))
    with pytest.raises(Unauthorized):
        await provider.get_room(room_id)
    assert len(fake.requests) == 4  # none of them retried


async def test_malformed_ids_are_refused_before_a_request(
    connect: Callable[..., TelnyxProvider],
) -> None:
    fake = FakeTelnyx(*hourly_day())
    provider = connect(fake)
    with pytest.raises(Invalid):
        await provider.get_room_session("../rooms")
    with pytest.raises(Invalid):
        await provider.update_room("room-1", {"max_participants": 5})
    with pytest.raises(Invalid):
        await provider.update_room(_id(1, 0), {})
    with pytest.raises(Invalid):
        await provider.get_room("")
    assert fake.requests == []


# -- rate limits ---------------------------------------------------------------------------


def _answer(status: int, **headers: str) -> httpx.Response:
    return httpx.Response(status, headers=headers)


def test_x_ratelimit_reset_counts_only_for_a_429_without_retry_after() -> None:
    assert telnyx_retry_after(_answer(429, **{"x-ratelimit-reset": "7"})) == 7.0
    assert telnyx_retry_after(_answer(429, **{"Retry-After": "2", "x-ratelimit-reset": "7"})) == 2
    assert telnyx_retry_after(_answer(503, **{"x-ratelimit-reset": "7"})) is None
    assert telnyx_retry_after(_answer(503, **{"Retry-After": "3"})) == 3.0
    assert telnyx_retry_after(_answer(429)) is None
    soon = time.time() + 12
    waited = telnyx_retry_after(_answer(429, **{"x-ratelimit-reset": f"{soon:.0f}"}))
    assert waited is not None and 10 <= waited <= 13  # an epoch instant, read as one
    # The shared layer's default reads Retry-After alone, as before.
    assert retry_after_header(_answer(429, **{"x-ratelimit-reset": "7"})) is None


@pytest.mark.parametrize(
    ("reset", "waited"),
    [
        ("nan", None),
        ("inf", None),
        ("-5", None),
        ("1e308", None),
        ("garbage", None),
        ("Fri, 20 Nov 2026 12:00:30 GMT", None),  # not a form Telnyx sends here
        ("999999999999", 86_400.0),  # an instant centuries away: a day at most
        ("1000000000", 0.0),  # an instant long past: go now
    ],
)
def test_hostile_x_ratelimit_reset_is_never_a_wait_beyond_a_day(
    reset: str, waited: float | None
) -> None:
    assert telnyx_retry_after(_answer(429, **{"x-ratelimit-reset": reset})) == waited
    # A hostile Retry-After beside it is not read either; the reset is, as without one.
    hostile = {"Retry-After": "1e308", "x-ratelimit-reset": reset}
    assert telnyx_retry_after(_answer(429, **hostile)) == waited


async def test_a_429_waits_for_x_ratelimit_reset_then_succeeds(
    connect: Callable[..., TelnyxProvider],
) -> None:
    fake = FakeTelnyx(*hourly_day())
    fake.canned.append(
        httpx.Response(
            429,
            headers={"x-ratelimit-reset": "1"},
            json={"errors": [{"code": "10011", "title": "Too many requests"}]},
        )
    )
    provider = connect(fake)
    started = time.monotonic()
    page = await provider.room_sessions_page(SessionQuery(), page_size=3)
    waited = time.monotonic() - started
    assert len(page.items) == 3
    assert len(fake.calls("/room_sessions")) == 2
    assert waited >= 0.95  # FAST_RETRIES backs off 0.05 s at most: this is the header's wait


async def test_a_reset_longer_than_the_bound_is_not_waited_out(
    connect: Callable[..., TelnyxProvider],
) -> None:
    fake = FakeTelnyx(*hourly_day())
    fake.canned.append(_answer(429, **{"x-ratelimit-reset": "120"}))
    provider = connect(fake)
    with pytest.raises(RateLimited) as limited:
        await provider.room_sessions_page(SessionQuery())
    assert limited.value.retry_after == 120.0
    assert len(fake.requests) == 1
    assert provider.health().consecutive_failures == 1


# -- conferences, check, updates, rooms ----------------------------------------------------


async def test_conferences_are_refused_without_a_call(
    connect: Callable[..., TelnyxProvider],
) -> None:
    fake = FakeTelnyx(*hourly_day())
    provider = connect(fake)
    assert provider.supports_conferences is False
    with pytest.raises(NotSupported, match="Telnyx has no conferences"):
        await provider.conferences_page()
    with pytest.raises(NotSupported):
        provider.conferences()
    with pytest.raises(NotSupported):
        await provider.get_conference(_id(3, 1))
    with pytest.raises(NotSupported) as refused:
        await provider.find_conference("standup")
    assert refused.value.provider == "Telnyx"
    assert fake.requests == []


async def test_check_makes_one_cheap_call_and_401_is_unauthorized(
    connect: Callable[..., TelnyxProvider],
) -> None:
    fake = FakeTelnyx(*hourly_day())
    await connect(fake).check()
    assert fake.calls("/rooms") == [{"page[size]": "1"}]
    assert fake.requests[0].headers["authorization"] == f"Bearer {KEY}"
    wrong = TelnyxProvider.connect(BASE, "nope", policy=FAST_RETRIES, transport=fake.transport())
    try:
        with pytest.raises(Unauthorized) as refused:
            await wrong.check()
    finally:
        await wrong.aclose()
    assert refused.value.status == 401
    assert len(fake.requests) == 2  # a 401 is not retried


async def test_update_patches_exactly_the_fields_and_renames_sessions(
    connect: Callable[..., TelnyxProvider],
) -> None:
    rooms, sessions = hourly_day()
    fake = FakeTelnyx(rooms, sessions)
    provider = connect(fake)
    room_id = rooms[1]["id"]
    before = await provider.room_sessions_page(SessionQuery(room_id=room_id), page_size=2)
    assert {s.name for s in before.items} == {"room-1"}
    fields = {"unique_name": "renamed", "max_participants": 42, "webhook_timeout_secs": None}
    updated = await provider.update_room(room_id, fields)
    (patch,) = [r for r in fake.requests if r.method == "PATCH"]
    assert patch.url.path == f"/v2/rooms/{room_id}"
    assert httpx.Response(200, content=patch.content).json() == fields
    assert (updated.name, updated.max_members) == ("renamed", 42)
    assert updated.extra_fields()["max_participants"] == 42
    reads = len(fake.requests)
    after = await provider.room_sessions_page(SessionQuery(room_id=room_id), page_size=2)
    assert {s.name for s in after.items} == {"renamed"}
    assert len(fake.requests) == reads + 1  # the session page alone: the name was known


async def test_rooms_by_name_and_fresh_reads(connect: Callable[..., TelnyxProvider]) -> None:
    rooms, sessions = hourly_day()
    fake = FakeTelnyx(rooms, sessions)
    provider = connect(fake, cache_seconds=30)
    by_name = await provider.get_room("room-1", include_active_session=False)
    assert by_name.id == rooms[1]["id"]
    assert fake.calls("/rooms") == [{"filter[unique_name]": "room-1", "page[size]": "20"}]
    with pytest.raises(NotFound):
        await provider.get_room("ROOM-1")  # exact names only; ReadService looks wider
    await provider.get_room(rooms[1]["id"], include_active_session=False)
    await provider.get_room(rooms[1]["id"], include_active_session=False)  # cached
    await provider.get_room(rooms[1]["id"], include_active_session=False, fresh=True)
    assert len(fake.calls(f"/rooms/{rooms[1]['id']}")) == 2


async def test_room_listing_with_active_sessions_reads_them_in_one_listing(
    connect: Callable[..., TelnyxProvider],
) -> None:
    rooms, sessions = hourly_day(3)
    live = [make_session(100 + i, rooms[i], DAY + timedelta(days=1, hours=i), None) for i in (0, 2)]
    for session in live:
        rooms[int(session["room_id"][-1])]["active_session_id"] = session["id"]
    fake = FakeTelnyx(rooms, [*live, *sessions])
    provider = connect(fake)
    listed = (await provider.rooms_page(RoomQuery(include_active_session=True))).items
    active = {r.id: r.active_session.id if r.active_session else None for r in listed}
    assert active == {
        rooms[0]["id"]: live[0]["id"],
        rooms[1]["id"]: None,
        rooms[2]["id"]: live[1]["id"],
    }
    assert fake.calls("/room_sessions") == [
        {"filter[active]": "true", "page[size]": "250", "page[number]": "1"}
    ]


async def test_the_client_is_a_video_provider() -> None:
    provider: VideoProvider = TelnyxProvider.connect(BASE, KEY)  # mypy checks the protocol
    assert (provider.name, provider.label) == ("telnyx", "Telnyx")
    await provider.aclose()


# -- against the Telnyx simulator (simulators/telnyx_app.py), over real sockets ---------


@pytest.fixture
async def telnyx_sim() -> AsyncIterator[RunningTelnyxSimulator]:
    config = TelnyxSimulatorConfig(seed=7, now=SIM_NOW, session_count=400)
    async with run_telnyx_simulator(config) as running:
        yield running


@pytest.fixture
async def telnyx(telnyx_sim: RunningTelnyxSimulator) -> AsyncIterator[TelnyxProvider]:
    client = TelnyxProvider.connect(
        telnyx_sim.base_url, telnyx_sim.api_key, http_settings=FAST_HTTP, policy=FAST_RETRIES
    )
    yield client
    await client.aclose()


def _sim_calls(sim: RunningTelnyxSimulator, path: str) -> list[dict[str, str]]:
    return [r.query for r in sim.requests if r.path == "/v2" + path and r.method == "GET"]


async def test_sim_every_session_named_and_timed_as_the_dataset_has_it(
    telnyx: TelnyxProvider, telnyx_sim: RunningTelnyxSimulator
) -> None:
    found = [s async for s in telnyx.room_sessions(SessionQuery())]
    assert len(found) == 400 and len({s.id for s in found}) == 400
    assert [p["page[number]"] for p in _sim_calls(telnyx_sim, "/room_sessions")] == ["1", "2"]
    rooms = {room.id for room in telnyx_sim.dataset.rooms}
    for session in found:
        assert session.id is not None
        truth = telnyx_sim.dataset.session_by_id(session.id)
        assert truth is not None
        # Sessions of rooms deleted since (the dataset's ad-hoc rooms) have no name.
        assert session.name == (truth.name if truth.room_id in rooms else None)
        assert (session.start_time, session.end_time) == (truth.start_time, truth.end_time)
        assert session.status == truth.status
        assert session.duration == truth.duration
    # Names cost one room listing plus a read of each room that has gone, not one a session.
    room_reads = [r for r in telnyx_sim.requests if r.path.startswith("/v2/rooms")]
    gone = {s.room_id for s in found if s.name is None}
    assert len(room_reads) <= 1 + len(gone)


async def test_sim_window_and_match_filters(
    telnyx: TelnyxProvider, telnyx_sim: RunningTelnyxSimulator
) -> None:
    everything = [s async for s in telnyx.room_sessions(SessionQuery())]
    starts = [s.start_time for s in everything if s.start_time]
    busiest = max(sorted({t.date() for t in starts}), key=[t.date() for t in starts].count)
    of_day = [s for s in everything if s.start_time and s.start_time.date() == busiest]
    # A window inside that day: from its middle session up to (not with) its second newest.
    since, until = of_day[len(of_day) // 2].start_time, of_day[1].start_time
    assert since is not None and until is not None and since < until
    needle = next(s.name for s in of_day[1:] if s.name)[1:4].upper()
    query = SessionQuery(started_after=since, started_before=until, matches=needle)
    telnyx_sim.requests.clear()
    found = [s async for s in telnyx.room_sessions(query, page_size=3)]
    expected = [
        s.id
        for s in everything
        if s.start_time and since <= s.start_time < until and needle.lower() in (s.name or "")
    ]
    assert [s.id for s in found] == expected and expected
    pages = _sim_calls(telnyx_sim, "/room_sessions")
    assert pages[0]["filter[date_created_at][gte]"] == busiest.isoformat()
    assert pages[0]["filter[date_created_at][lte]"] == busiest.isoformat()
    # The wire holds the whole day, newest first; the walk stops on the page that holds
    # the first session before `since`, short of the day's last page.
    before = next(i for i, s in enumerate(of_day) if s.start_time and s.start_time < since)
    assert len(pages) == before // 3 + 1 < math.ceil(len(of_day) / 3)
    assert telnyx.local_filters(query) == ("match", "since", "until")


async def test_sim_room_by_name_with_its_active_session_and_status_filter(
    telnyx: TelnyxProvider,
) -> None:
    live = (await telnyx.room_sessions_page(SessionQuery(status="in-progress"))).items
    assert live and all(s.status == "in-progress" and s.end_time is None for s in live)
    named = next(s for s in live if s.name)
    assert named.name is not None
    room = await telnyx.get_room(named.name)
    assert room.active_session is not None and room.active_session.status == "in-progress"
    assert room.active_session.room_id == room.id == named.room_id
    by_room = await telnyx.room_sessions_page(SessionQuery(room_name=named.name), page_size=250)
    assert by_room.items and {s.room_id for s in by_room.items} == {room.id}


async def test_sim_update_round_trip_and_refusal(
    telnyx: TelnyxProvider, telnyx_sim: RunningTelnyxSimulator
) -> None:
    room = (await telnyx.rooms_page(RoomQuery())).items[0]
    assert room.id and room.max_members is not None
    wanted = 3 if room.max_members != 3 else 4
    updated = await telnyx.update_room(room.id, {"max_participants": wanted})
    assert updated.max_members == wanted
    patch = [r for r in telnyx_sim.requests if r.method == "PATCH"]
    assert [(r.path, r.json) for r in patch] == [
        (f"/v2/rooms/{room.id}", {"max_participants": wanted})
    ]
    shown = telnyx_sim.room(room.id)
    assert shown is not None and shown.max_participants == wanted
    with pytest.raises(Invalid) as refused:
        await telnyx.update_room(room.id, {"max_participants": 99})
    assert [e.attribute for e in refused.value.errors] == ["max_participants"]
    assert len([r for r in telnyx_sim.requests if r.method == "PATCH"]) == 2  # not retried


async def test_sim_errors_rate_limits_and_credentials(
    telnyx: TelnyxProvider, telnyx_sim: RunningTelnyxSimulator
) -> None:
    with pytest.raises(NotFound):
        await telnyx.get_room_session("00000000-0000-4000-8000-000000000000")
    with pytest.raises(NotFound):
        await telnyx.get_room("no-such-room")
    telnyx_sim.faults.add(
        Fault(kind="status", status=429, retry_after=0.3, path_prefix="/v2/room_sessions")
    )
    started = time.monotonic()
    page = await telnyx.room_sessions_page(SessionQuery(), page_size=5)
    assert len(page.items) == 5 and time.monotonic() - started >= 0.3
    assert len(_sim_calls(telnyx_sim, "/room_sessions")) == 2
    wrong = TelnyxProvider.connect(telnyx_sim.base_url, "KEYwrong", policy=FAST_RETRIES)
    try:
        with pytest.raises(Unauthorized):
            await wrong.check()
    finally:
        await wrong.aclose()
