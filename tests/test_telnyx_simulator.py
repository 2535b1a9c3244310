"""The Telnyx simulator over real sockets, checked against Telnyx's OpenAPI spec.

Every exchange goes over a socket to a running simulator; openapi-core then validates the
response twice, as if it had come from `https://api.telnyx.com/v2`: against a tightened copy
of the published spec (every field the simulator always sends is required, no other field
is allowed, `record_type` is pinned) and against the published spec unchanged. Expected
values are computed from the dataset here, not copied from the simulator's code.

Deliberate deviations from the spec, each handled explicitly rather than by skipping:

* `Room.active_session_id`, `RoomSession.ended_at` and `RoomParticipant.left_at` are null
  when there is none (no active session, still running, still present), as the brief for
  this simulator asks, and so are a processing `RoomRecording`'s `completed_at`,
  `download_url` and `size_mb`; the spec types them as plain strings and numbers. The
  unchanged spec must reject nothing but those nulls.
* openapi-core 0.23 casts deepObject parameters only one level deep, so it cannot read
  `filter[date_created_at][gte]`; the `filter` and `page` parameters are checked with
  jsonschema against the operation's own parameter schemas instead (`deep_object_errors`).
* GET /rooms/{id} and GET /room_sessions/{id} document only 200 and 404, and the list
  operations no 5xx; those answers (401, 400, 429, 500) are checked by hand against
  `video_Error` / `video_Errors`, after proving openapi-core has no schema for them.
"""

from __future__ import annotations

import asyncio
import copy
import json
import math
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator, FormatChecker  # type: ignore[import-untyped]
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse

from simulators import (
    Fault,
    RoomSession,
    RunningTelnyxSimulator,
    TelnyxSimulatorConfig,
    run_telnyx_simulator,
)
from simulators.telnyx_wire import participants_json
from tests.openapi_check import (
    deep_object_errors,
    is_nested_deep_object,
    load_spec,
    nullable,
    openapi_of,
    schema_errors,
)

NOW = datetime(2026, 11, 18, 15, 30, tzinfo=UTC)
HOST_URL = "https://api.telnyx.com"  # the spec's server is https://api.telnyx.com/v2
SPEC_PATH = Path(__file__).resolve().parent / "specs" / "telnyx-video-rooms.openapi.yaml"
REPO_ROOT = Path(__file__).resolve().parents[1]
UNKNOWN_ID = "6f1c5b8e-1d7e-4f55-9a55-0c7b1e4f7a10"
ROOM = "/rooms/{room_id}"
SESSIONS = "/room_sessions"
SESSION = "/room_sessions/{room_session_id}"
NULL_WHEN_ABSENT = {
    "Room": ("active_session_id",),
    "RoomSession": ("ended_at",),
    "RoomParticipant": ("left_at",),
    # A recording still processing has no completion, size or link yet.
    "RoomRecording": ("completed_at", "download_url", "size_mb"),
}
NULLABLE_FIELDS = frozenset(field for fields in NULL_WHEN_ABSENT.values() for field in fields)
# Per schema, the properties the simulator sends only when asked for.
SOMETIMES_SENT = {
    "Room": {"sessions"},
    "RoomSession": {"participants"},
    "RoomParticipant": set(),
    "RoomRecording": set(),
    "PaginationMeta": set(),
}
RECORD_TYPES = {
    "Room": "room",
    "RoomSession": "room_session",
    "RoomParticipant": "room_participant",
    "RoomRecording": "room_recording",
}


def _tightened(document: dict[str, Any]) -> dict[str, Any]:
    """The published spec with closed, fully required objects and the null deviations."""
    tight = copy.deepcopy(document)
    schemas = tight["components"]["schemas"]
    for name, optional in SOMETIMES_SENT.items():
        schemas[name]["additionalProperties"] = False
        schemas[name]["required"] = sorted(set(schemas[name]["properties"]) - optional)
    for name, record_type in RECORD_TYPES.items():
        schemas[name]["properties"]["record_type"]["const"] = record_type
    for name, fields in NULL_WHEN_ABSENT.items():
        properties = schemas[name]["properties"]
        for field in fields:
            properties[field] = nullable(properties[field])
    schemas["video_Error"]["additionalProperties"] = False
    schemas["video_Error"]["required"] = ["code", "title", "detail"]
    schemas["video_Errors"].update(additionalProperties=False, required=["errors"])
    schemas["video_Errors"]["properties"]["errors"]["minItems"] = 1
    responses = tight["components"]["responses"]
    generic = responses["video_GenericErrorResponse"]["content"]["application/json"]["schema"]
    generic.update(additionalProperties=False, required=["message", "success"])
    generic["properties"]["success"]["const"] = False
    for operations in tight["paths"].values():
        for operation in operations.values():
            ok = operation.get("responses", {}).get("200", {}).get("content")
            if ok:  # {data} or {data, meta}: both always sent, nothing else
                envelope = ok["application/json"]["schema"]
                envelope.update(additionalProperties=False, required=sorted(envelope["properties"]))
    return tight


@dataclass(frozen=True)
class Specs:
    document: dict[str, Any]
    published: OpenAPI
    tight: OpenAPI
    tight_document: dict[str, Any]

    def by_hand(self, schema_name: str, body: Any) -> None:
        """Validate a body the spec has no response for against one of its schemas."""
        schemas = self.tight_document["components"]["schemas"]
        # Embedding the components lets the schema's own `#/components/...` refs resolve.
        schema = {**schemas[schema_name], "components": {"schemas": schemas}}
        validator = Draft202012Validator(schema, format_checker=FormatChecker())
        assert [e.message for e in validator.iter_errors(body)] == []


@pytest.fixture(scope="module")
def specs() -> Specs:
    document = load_spec(SPEC_PATH)
    tight = _tightened(document)
    return Specs(document, openapi_of(document), openapi_of(tight), tight)


@pytest.fixture
async def sim() -> AsyncIterator[RunningTelnyxSimulator]:
    config = TelnyxSimulatorConfig(now=NOW, session_count=300, days=7)
    async with run_telnyx_simulator(config) as running:
        yield running


@pytest.fixture
async def client(sim: RunningTelnyxSimulator) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=sim.base_url, timeout=5) as http:
        yield http


@dataclass
class Checker:
    specs: Specs
    client: httpx.AsyncClient
    api_key: str

    async def check(
        self,
        method: str,
        path: str,
        *,
        pattern: str | None = None,
        params: dict[str, str] | None = None,
        body: Any = None,
        raw: bytes | None = None,
        status: int = 200,
        key: str | None = None,
        request_is_valid: bool | None = True,
        documented: bool = True,
        by_hand: str | None = None,
    ) -> Any:
        """Send one request, validate the exchange against the spec, return the body.

        `request_is_valid`: whether the spec accepts the request (None: not checked, for
        rules the spec states only in prose). `documented=False`: the operation has no
        response for this status (proved here). `by_hand`: a schema the body is checked
        against directly, for answers the spec documents without a body or not at all.
        """
        assert documented or by_hand, "an undocumented answer must be checked by hand"
        content = raw if raw is not None else None if body is None else json.dumps(body).encode()
        headers = {"Authorization": f"Bearer {key or self.api_key}"}
        if content is not None:
            headers["Content-Type"] = "application/json"
        response = await self.client.request(
            method, path, params=params, content=content, headers=headers
        )
        assert response.status_code == status, response.text
        assert response.headers["Content-Type"].startswith("application/json")
        args = params or {}
        request = MockRequest(
            HOST_URL,
            method,
            f"/v2{path}",
            path_pattern=f"/v2{pattern or path}",
            view_args=_view_args(pattern or path, path),
            args={name: value for name, value in args.items() if not is_nested_deep_object(name)},
            headers=headers,
            data=content,
        )
        if request_is_valid is not None:
            assert self._request_problems(request, pattern or path, method, args) == (
                not request_is_valid
            )
        mock = MockResponse(
            response.content,
            status_code=response.status_code,
            content_type=response.headers["Content-Type"].split(";")[0],
        )
        payload = response.json()
        if documented:
            self.specs.tight.validate_response(request, mock)
            self._only_null_deviations(request, mock)
        else:
            with pytest.raises(Exception, match=f"status: {status}"):
                self.specs.published.validate_response(request, mock)
        if by_hand is not None:
            self.specs.by_hand(by_hand, payload)
        return payload

    def _request_problems(
        self, request: MockRequest, pattern: str, method: str, args: dict[str, str]
    ) -> bool:
        try:
            self.specs.published.validate_request(request)
        except Exception:
            return True
        return bool(deep_object_errors(self.specs.document, pattern, method, args))

    def _only_null_deviations(self, request: MockRequest, response: MockResponse) -> None:
        """The unchanged spec rejects nothing but the documented nulls."""
        try:
            self.specs.published.validate_response(request, response)
        except Exception as error:
            errors = list(schema_errors(error))
            assert errors, error
            for item in errors:
                assert item.validator == "type" and item.instance is None, item
                assert item.absolute_path[-1] in NULLABLE_FIELDS, item.absolute_path


def _view_args(pattern: str, path: str) -> dict[str, str]:
    names = pattern.strip("/").split("/")
    values = path.strip("/").split("/")
    return {n[1:-1]: v for n, v in zip(names, values, strict=True) if n.startswith("{")}


@pytest.fixture
def checker(specs: Specs, client: httpx.AsyncClient, sim: RunningTelnyxSimulator) -> Checker:
    return Checker(specs, client, sim.api_key)


def _all_sessions(sim: RunningTelnyxSimulator) -> list[RoomSession]:
    return sim.dataset.sessions(range(sim.dataset.session_count))


async def _walk(
    client: httpx.AsyncClient, key: str, path: str, params: dict[str, str], size: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every page of a listing (unvalidated, for bulk comparisons): its items and metas."""
    items: list[dict[str, Any]] = []
    metas: list[dict[str, Any]] = []
    number = 1
    while True:
        query = {**params, "page[size]": str(size), "page[number]": str(number)}
        response = await client.get(path, params=query, headers={"Authorization": f"Bearer {key}"})
        assert response.status_code == 200, response.text
        body = response.json()
        metas.append(body["meta"])
        if not body["data"]:
            return items, metas
        items += body["data"]
        number += 1


def _day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def _telnyx_time(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


# --------------------------------------------------------------------------- rooms


async def test_list_rooms_paging_and_filters(checker: Checker, sim: RunningTelnyxSimulator) -> None:
    rooms = sim.dataset.rooms
    first = await checker.check("GET", "/rooms")
    assert first["meta"] == {
        "page_number": 1,
        "page_size": 20,
        "total_pages": 1,
        "total_results": len(rooms),
    }
    assert [room["unique_name"] for room in first["data"]] == [room.name for room in rooms]
    assert all("sessions" not in room for room in first["data"])

    size = 5
    pages = math.ceil(len(rooms) / size)
    last = await checker.check(
        "GET", "/rooms", params={"page[size]": str(size), "page[number]": str(pages)}
    )
    assert last["meta"]["total_pages"] == pages and last["meta"]["page_number"] == pages
    assert [r["id"] for r in last["data"]] == [r.id for r in rooms[(pages - 1) * size :]]
    beyond = await checker.check("GET", "/rooms", params={"page[number]": str(pages + 1)})
    assert beyond["data"] == [] and beyond["meta"]["total_results"] == len(rooms)

    pivot = sorted(_day(room.created_at) for room in rooms)[len(rooms) // 2]
    since = await checker.check(
        "GET", "/rooms", params={"filter[date_created_at][gte]": pivot.isoformat()}
    )
    assert {r["id"] for r in since["data"]} == {r.id for r in rooms if _day(r.created_at) >= pivot}
    until = await checker.check(
        "GET", "/rooms", params={"filter[date_created_at][lte]": pivot.isoformat()}
    )
    assert {r["id"] for r in until["data"]} == {r.id for r in rooms if _day(r.created_at) <= pivot}
    updated = _day(rooms[3].updated_at).isoformat()
    same_day = await checker.check("GET", "/rooms", params={"filter[date_updated_at][eq]": updated})
    assert rooms[3].id in {r["id"] for r in same_day["data"]}
    named = await checker.check("GET", "/rooms", params={"filter[unique_name]": rooms[2].name})
    assert [r["id"] for r in named["data"]] == [rooms[2].id]


async def test_rooms_map_signalwire_fields(checker: Checker, sim: RunningTelnyxSimulator) -> None:
    listed = await checker.check("GET", "/rooms", params={"include_sessions": "true"})
    by_id = {room["id"]: room for room in listed["data"]}
    for room in sim.dataset.rooms:
        body = by_id[room.id]
        assert body["unique_name"] == room.name
        assert body["max_participants"] == min(max(room.max_members, 2), 50)
        assert body["enable_recording"] is room.record_on_start
        assert body["created_at"] == _telnyx_time(room.created_at)
        active = sim.dataset.active_session(room.id)
        assert body["active_session_id"] == (active.id if active else None)
        newest = [s for s in _all_sessions(sim) if s.room_id == room.id][:5]
        assert [s["id"] for s in body["sessions"]] == [s.id for s in newest]
    # Rooms bigger than Telnyx allows exist, so the clamp is exercised.
    assert max(r.max_members for r in sim.dataset.rooms) > 50


async def test_get_room(checker: Checker, sim: RunningTelnyxSimulator) -> None:
    pattern = "/rooms/{room_id}"
    live = next(r for r in sim.dataset.rooms if sim.dataset.active_session(r.id) is not None)
    quiet = next(r for r in sim.dataset.rooms if sim.dataset.active_session(r.id) is None)
    body = await checker.check(
        "GET", f"/rooms/{live.id}", pattern=pattern, params={"include_sessions": "true"}
    )
    active = sim.dataset.active_session(live.id)
    assert active is not None and body["data"]["active_session_id"] == active.id
    assert active.id in {s["id"] for s in body["data"]["sessions"]}
    plain = await checker.check("GET", f"/rooms/{quiet.id}", pattern=pattern)
    assert plain["data"]["active_session_id"] is None and "sessions" not in plain["data"]

    missing = await checker.check("GET", f"/rooms/{UNKNOWN_ID}", pattern=pattern, status=404)
    assert missing["code"] == "10005"
    # A session of an ad-hoc room names a room that no longer exists.
    ad_hoc = next(s for s in _all_sessions(sim) if s.room_id is None)
    session = (await checker.check("GET", f"/room_sessions/{ad_hoc.id}", pattern=SESSION))["data"]
    await checker.check("GET", f"/rooms/{session['room_id']}", pattern=pattern, status=404)
    bad = await checker.check(
        "GET", "/rooms/standup", pattern=pattern, status=404, request_is_valid=False
    )
    assert bad["code"] == "10006"
    await checker.check(
        "GET",
        f"/rooms/{quiet.id}",
        pattern=pattern,
        params={"include_sessions": "maybe"},
        status=400,
        request_is_valid=False,
        documented=False,
        by_hand="video_Error",
    )
    denied = await checker.check(
        "GET",
        f"/rooms/{quiet.id}",
        pattern=pattern,
        key="wrong",
        status=401,
        documented=False,
        by_hand="video_Error",
    )
    assert denied["code"] == "10009"


# --------------------------------------------------------------------------- room updates


async def test_patch_room_applies_and_persists(
    checker: Checker, sim: RunningTelnyxSimulator
) -> None:
    room = sim.dataset.rooms[0]
    before = sim.room(room.id)
    assert before is not None
    change = {
        "unique_name": "renamed-room",
        "max_participants": 42,
        "enable_recording": not room.record_on_start,
        "webhook_event_url": "https://example.com/events",
        "webhook_event_failover_url": "https://failover.example.com/events",
        "webhook_timeout_secs": 30,
    }
    updated = await checker.check("PATCH", f"/rooms/{room.id}", pattern=ROOM, body=change)
    assert {key: updated["data"][key] for key in change} == change
    assert updated["data"]["updated_at"] > _telnyx_time(before.updated_at)

    again = await checker.check("GET", f"/rooms/{room.id}", pattern=ROOM)
    assert {key: again["data"][key] for key in change} == change
    stored = sim.dataset.room(room.id)
    assert stored is not None
    assert (stored.name, stored.max_members) == ("renamed-room", 42)
    assert stored.record_on_start is change["enable_recording"]
    named = await checker.check("GET", "/rooms", params={"filter[unique_name]": "renamed-room"})
    assert [r["id"] for r in named["data"]] == [room.id]

    cleared = await checker.check(
        "PATCH",
        f"/rooms/{room.id}",
        pattern=ROOM,
        body={"webhook_timeout_secs": None, "webhook_event_failover_url": ""},
    )
    assert cleared["data"]["webhook_timeout_secs"] is None
    assert cleared["data"]["webhook_event_failover_url"] == ""
    assert cleared["data"]["max_participants"] == 42  # untouched fields stay

    # A change made behind the client's back reads back as a PATCH would have.
    sim.change_room(room.id, max_participants=3)
    after = await checker.check("GET", f"/rooms/{room.id}", pattern=ROOM)
    assert after["data"]["max_participants"] == 3
    with pytest.raises(ValueError, match="max_participants"):
        sim.change_room(room.id, max_participants=99)
    assert len([r for r in sim.requests if r.method == "PATCH"]) == 2


@pytest.mark.parametrize(
    ("body", "pointer", "code", "spec_rejects"),
    [
        ({"max_participants": 1}, "/max_participants", "10015", True),
        ({"max_participants": 51}, "/max_participants", "10015", True),
        ({"max_participants": True}, "/max_participants", "10015", True),
        ({"webhook_timeout_secs": 31}, "/webhook_timeout_secs", "10015", True),
        ({"webhook_timeout_secs": -1}, "/webhook_timeout_secs", "10015", True),
        ({"enable_recording": "yes"}, "/enable_recording", "10015", True),
        ({"webhook_event_url": "example.com/hook"}, "/webhook_event_url", "10003", None),
        ({"webhook_event_failover_url": "not a url"}, "/webhook_event_failover_url", "10003", None),
        ({"webhook_event_url": ""}, "/webhook_event_url", "10003", None),
        ({"unique_name": " "}, "/unique_name", "10015", False),
        ({"unique_name": "standup"}, "/unique_name", "10012", False),
        ({"surprise": 1}, "/surprise", "10015", False),
    ],
)
async def test_patch_room_refuses_bad_values(
    checker: Checker,
    sim: RunningTelnyxSimulator,
    body: dict[str, Any],
    pointer: str,
    code: str,
    spec_rejects: bool | None,
) -> None:
    room = next(r for r in sim.dataset.rooms if r.name != "standup")
    before = sim.room(room.id)
    refused = await checker.check(
        "PATCH",
        f"/rooms/{room.id}",
        pattern=ROOM,
        body=body,
        status=422,
        request_is_valid=None if spec_rejects is None else not spec_rejects,
        by_hand="video_Errors",  # the spec's 422 here has no body schema
    )
    assert [(e["source"]["pointer"], e["code"]) for e in refused["errors"]] == [(pointer, code)]
    assert sim.room(room.id) == before  # nothing stored


async def test_patch_room_other_refusals(checker: Checker, sim: RunningTelnyxSimulator) -> None:
    room = sim.dataset.rooms[1]
    before = sim.room(room.id)
    every = await checker.check(
        "PATCH",
        f"/rooms/{room.id}",
        pattern=ROOM,
        body={"max_participants": 0, "webhook_timeout_secs": 99, "enable_recording": True},
        status=422,
        request_is_valid=False,
        by_hand="video_Errors",
    )
    pointers = [e["source"]["pointer"] for e in every["errors"]]
    assert pointers == ["/max_participants", "/webhook_timeout_secs"]
    for raw in (b"{", b"[]"):
        await checker.check(
            "PATCH",
            f"/rooms/{room.id}",
            pattern=ROOM,
            raw=raw,
            status=422,
            request_is_valid=False,
            by_hand="video_Errors",
        )
    assert sim.room(room.id) == before
    missing = await checker.check(
        "PATCH", f"/rooms/{UNKNOWN_ID}", pattern=ROOM, body={"max_participants": 5}, status=404
    )
    assert missing["code"] == "10005"
    denied = await checker.check(
        "PATCH",
        f"/rooms/{room.id}",
        pattern=ROOM,
        body={},
        key="nope",
        status=401,
        by_hand="video_Error",  # documented, without a body schema
    )
    assert denied["code"] == "10009"


# --------------------------------------------------------------------------- room sessions


async def test_list_room_sessions_newest_first_with_pages(
    checker: Checker, sim: RunningTelnyxSimulator
) -> None:
    count = sim.dataset.session_count
    first = await checker.check("GET", SESSIONS)
    assert first["meta"] == {
        "page_number": 1,
        "page_size": 20,
        "total_pages": math.ceil(count / 20),
        "total_results": count,
    }
    size = 250
    last = await checker.check(
        "GET", SESSIONS, params={"page[size]": str(size), "page[number]": "2"}
    )
    assert len(last["data"]) == count - size and last["meta"]["total_pages"] == 2

    items, metas = await _walk(checker.client, sim.api_key, SESSIONS, {}, 64)
    newest_first = sorted(_all_sessions(sim), key=lambda s: s.created_at, reverse=True)
    assert [s["created_at"] for s in items] == [_telnyx_time(s.created_at) for s in newest_first]
    assert len({s["id"] for s in items}) == count
    assert [m["page_number"] for m in metas] == list(range(1, math.ceil(count / 64) + 2))


async def test_list_room_sessions_filters(checker: Checker, sim: RunningTelnyxSimulator) -> None:
    sessions = _all_sessions(sim)
    days = sorted({_day(s.created_at) for s in sessions})
    middle = days[len(days) // 2]
    room = sim.dataset.rooms[0]
    created = "filter[date_created_at]"
    cases: list[tuple[dict[str, str], Callable[[RoomSession], bool]]] = [
        ({f"{created}[eq]": middle.isoformat()}, lambda s: _day(s.created_at) == middle),
        ({f"{created}[gte]": middle.isoformat()}, lambda s: _day(s.created_at) >= middle),
        ({f"{created}[lte]": middle.isoformat()}, lambda s: _day(s.created_at) <= middle),
        (
            {
                "filter[date_created_at][gte]": days[1].isoformat(),
                "filter[date_created_at][lte]": days[2].isoformat(),
            },
            lambda s: days[1] <= _day(s.created_at) <= days[2],
        ),
        ({"filter[room_id]": room.id}, lambda s: s.room_id == room.id),
        ({"filter[active]": "true"}, lambda s: s.status == "in-progress"),
        ({"filter[active]": "false"}, lambda s: s.status == "completed"),
        (
            {"filter[date_ended_at][eq]": middle.isoformat()},
            lambda s: s.end_time is not None and _day(s.end_time) == middle,
        ),
        (
            {"filter[date_updated_at][gte]": days[-1].isoformat(), "filter[room_id]": room.id},
            lambda s: _day(s.updated_at) >= days[-1] and s.room_id == room.id,
        ),
    ]
    for params, wanted in cases:
        expected = [s.id for s in sessions if wanted(s)]
        assert expected, params  # each case selects something, so it can fail
        body = await checker.check("GET", SESSIONS, params={**params, "page[size]": "7"})
        assert body["meta"]["total_results"] == len(expected), params
        assert body["meta"]["total_pages"] == math.ceil(len(expected) / 7), params
        items, _ = await _walk(checker.client, sim.api_key, SESSIONS, params, 7)
        assert [s["id"] for s in items] == expected, params
    # A date filter is by UTC calendar day: the first session of a day starts at or after
    # 00:00Z and the last of the day before ends it.
    eq = await checker.check(
        "GET", SESSIONS, params={"filter[date_created_at][eq]": middle.isoformat()}
    )
    assert all(s["created_at"].startswith(middle.isoformat()) for s in eq["data"])
    nothing = await checker.check("GET", SESSIONS, params={"filter[room_id]": UNKNOWN_ID})
    assert nothing["data"] == [] and nothing["meta"]["total_pages"] == 0


async def test_sessions_carry_participants_when_asked(
    checker: Checker, sim: RunningTelnyxSimulator
) -> None:
    listed = await checker.check(
        "GET",
        SESSIONS,
        params={"include_participants": "true", "filter[active]": "true", "page[size]": "3"},
    )
    for session in listed["data"]:
        assert session["ended_at"] is None and session["participants"]
        assert all(p["left_at"] is None for p in session["participants"])
        assert all(p["session_id"] == session["id"] for p in session["participants"])
    ended = next(s for s in _all_sessions(sim) if s.status == "completed")
    body = await checker.check(
        "GET", f"{SESSIONS}/{ended.id}", pattern=SESSION, params={"include_participants": "true"}
    )
    people = body["data"]["participants"]
    assert body["data"]["ended_at"] == _telnyx_time(ended.end_time or NOW)
    start, end = _telnyx_time(ended.start_time), _telnyx_time(ended.end_time or NOW)
    assert all(start <= p["joined_at"] <= p["left_at"] <= end for p in people)
    assert [p["joined_at"] for p in people] == sorted(p["joined_at"] for p in people)
    again = await checker.check(
        "GET", f"{SESSIONS}/{ended.id}", pattern=SESSION, params={"include_participants": "true"}
    )
    assert again["data"]["participants"] == people  # derived, not random per request


async def test_participants_of_a_session(checker: Checker, sim: RunningTelnyxSimulator) -> None:
    sessions = _all_sessions(sim)
    pattern = "/room_sessions/{room_session_id}/participants"
    for session in (sessions[0], next(s for s in sessions if s.status == "completed")):
        path = f"{SESSIONS}/{session.id}/participants"
        included = await checker.check(
            "GET",
            f"{SESSIONS}/{session.id}",
            pattern=SESSION,
            params={"include_participants": "true"},
        )
        people = included["data"]["participants"]
        listed: list[dict[str, Any]] = []
        number = 1
        while True:
            page = await checker.check(
                "GET",
                path,
                pattern=pattern,
                params={"page[size]": "2", "page[number]": str(number)},
            )
            listed += page["data"]
            if number >= page["meta"]["total_pages"]:
                break
            number += 1
        assert listed == people  # the same people as the session says it holds
        assert page["meta"]["total_results"] == len(people)
        context = people[0]["context"]
        only = await checker.check(
            "GET", path, pattern=pattern, params={"filter[context]": context}
        )
        assert {p["context"] for p in only["data"]} == {context}
    assert any(
        c in {"<!channel>", "*bold* Bea", "Ana María López"}
        for s in sessions[:60]
        for c in (p["context"] for p in participants_json(s, sim.dataset.seed, sim.dataset.now))
    )
    for raw, code in ((UNKNOWN_ID, 404), ("not-a-uuid", 404)):
        missing = await checker.check(
            "GET",
            f"{SESSIONS}/{raw}/participants",
            pattern=pattern,
            status=code,
            request_is_valid=raw == UNKNOWN_ID,
        )
        assert missing["success"] is False


async def test_recordings_newest_first_and_one_by_id(
    checker: Checker, sim: RunningTelnyxSimulator
) -> None:
    first = await checker.check("GET", "/room_recordings", params={"page[size]": "5"})
    second = await checker.check(
        "GET", "/room_recordings", params={"page[size]": "5", "page[number]": "2"}
    )
    listed = first["data"] + second["data"]
    assert len({r["id"] for r in listed}) == 10
    starts = [r["started_at"] for r in listed]
    assert starts == sorted(starts, reverse=True)
    sessions = {s.id: s for s in _all_sessions(sim)}
    for recording in listed:
        session = sessions[recording["session_id"]]
        assert session.status == "completed" and session.record_on_start
        assert recording["room_id"] == session.room_id
        assert (recording["download_url"] is None) == (recording["status"] == "processing")
    assert {"completed", "processing"} <= {r["status"] for r in listed}
    one = listed[0]
    only = await checker.check(
        "GET", "/room_recordings", params={"filter[session_id]": one["session_id"]}
    )
    assert [r["id"] for r in only["data"]] == [one["id"]]
    processing = await checker.check(
        "GET", "/room_recordings", params={"filter[status]": "processing", "page[size]": "3"}
    )
    assert {r["status"] for r in processing["data"]} == {"processing"}
    pattern = "/room_recordings/{room_recording_id}"
    for recording in (one, processing["data"][0]):
        body = await checker.check("GET", f"/room_recordings/{recording['id']}", pattern=pattern)
        assert body["data"]["status"] == recording["status"]
    await checker.check("GET", f"/room_recordings/{UNKNOWN_ID}", pattern=pattern, status=404)
    await checker.check(
        "GET",
        "/room_recordings",
        params={"filter[session_id]": "x"},
        status=400,
        request_is_valid=False,
    )
    none = await checker.check("GET", "/room_recordings", params={"filter[status]": "lost"})
    assert none["data"] == [] and none["meta"]["total_results"] == 0


async def test_get_room_session(checker: Checker, sim: RunningTelnyxSimulator) -> None:
    sessions = _all_sessions(sim)
    for session in (
        sessions[0],
        next(s for s in sessions if s.status == "completed" and s.room_id),
    ):
        body = (await checker.check("GET", f"{SESSIONS}/{session.id}", pattern=SESSION))["data"]
        assert body["room_id"] == session.room_id
        assert body["active"] is (session.status == "in-progress")
        assert body["created_at"] == _telnyx_time(session.start_time)
        assert "participants" not in body
    missing = await checker.check("GET", f"{SESSIONS}/{UNKNOWN_ID}", pattern=SESSION, status=404)
    assert missing["code"] == "10005"
    await checker.check(
        "GET",
        f"{SESSIONS}/{UNKNOWN_ID}",
        pattern=SESSION,
        key="x",
        status=401,
        documented=False,
        by_hand="video_Error",
    )


async def test_sessions_of_a_room_and_of_a_deleted_room(
    checker: Checker, sim: RunningTelnyxSimulator
) -> None:
    pattern = "/rooms/{room_id}/sessions"
    sessions = _all_sessions(sim)
    room = sim.dataset.rooms[0]
    body = await checker.check("GET", f"/rooms/{room.id}/sessions", pattern=pattern)
    expected = [s.id for s in sessions if s.room_id == room.id]
    assert body["meta"]["total_results"] == len(expected)
    assert [s["id"] for s in body["data"]] == expected[:20]

    ad_hoc = next(s for s in sessions if s.room_id is None)
    gone = (await checker.check("GET", f"{SESSIONS}/{ad_hoc.id}", pattern=SESSION))["data"]
    same_room = [s.id for s in sessions if s.room_id is None and s.name == ad_hoc.name]
    of_gone = await checker.check("GET", f"/rooms/{gone['room_id']}/sessions", pattern=pattern)
    assert [s["id"] for s in of_gone["data"]] == same_room
    by_filter = await checker.check("GET", SESSIONS, params={"filter[room_id]": gone["room_id"]})
    assert [s["id"] for s in by_filter["data"]] == same_room
    await checker.check("GET", f"/rooms/{UNKNOWN_ID}/sessions", pattern=pattern, status=404)


async def test_bad_list_parameters_are_refused(checker: Checker) -> None:
    for params, spec_rejects in (
        ({"page[size]": "251"}, True),
        ({"page[size]": "0"}, True),
        ({"page[number]": "0"}, True),
        ({"filter[date_created_at][gte]": "2026-11-31"}, True),
        ({"filter[date_created_at][eq]": "yesterday"}, True),
        ({"filter[active]": "maybe"}, True),
        ({"filter[created_at]": "2026-11-17"}, False),  # a misspelt filter
        ({"include_sessions": "true"}, False),  # a parameter of another listing
    ):
        body = await checker.check(
            "GET", SESSIONS, params=params, status=400, request_is_valid=not spec_rejects
        )
        assert body["success"] is False and next(iter(params)) in body["message"], params
    denied = await checker.check("GET", "/rooms", key="wrong", status=401)
    assert denied["success"] is False
    both = await checker.check(
        "GET",
        "/rooms",
        params={"page[size]": "1000", "filter[date_updated_at][lte]": "11/17"},
        status=400,
        request_is_valid=False,
    )
    assert "page[size]" in both["message"] and "filter[date_updated_at][lte]" in both["message"]


# --------------------------------------------------------------------------- faults


async def test_429_carries_x_ratelimit_reset_and_no_retry_after(
    checker: Checker, sim: RunningTelnyxSimulator, client: httpx.AsyncClient
) -> None:
    sim.faults.add(Fault("status", status=429, retry_after=2))
    sim.faults.add(Fault("status", status=429, retry_after=0.25))
    sim.faults.add(Fault("status", status=429))
    limited = await checker.check("GET", SESSIONS, status=429)
    assert limited["success"] is False
    room = sim.dataset.rooms[0]
    single = await checker.check(
        "GET",
        f"/rooms/{room.id}",
        pattern=ROOM,
        status=429,
        documented=False,
        by_hand="video_Error",
    )
    assert single["code"] == "10011"
    headers = {"Authorization": f"Bearer {sim.api_key}"}
    third = await client.get("/rooms", headers=headers)
    assert third.status_code == 429 and third.headers["x-ratelimit-reset"] == "1"
    assert "Retry-After" not in third.headers
    sim.faults.add(Fault("status", status=429, retry_after=0.25))
    fourth = await client.get("/rooms", headers=headers)
    assert fourth.headers["x-ratelimit-reset"] == "0.25" and "Retry-After" not in fourth.headers
    assert (await client.get("/rooms", headers=headers)).status_code == 200


async def test_5xx_stall_drop_and_latency(
    checker: Checker, sim: RunningTelnyxSimulator, client: httpx.AsyncClient
) -> None:
    sim.faults.add(Fault("status", status=503, path_prefix="/v2/room_sessions"))
    assert (await checker.client.get("/rooms", headers=_bearer(sim))).status_code == 200
    unavailable = await checker.check(
        "GET", SESSIONS, status=503, documented=False, by_hand="video_Errors"
    )
    assert unavailable["errors"][0]["code"] == "10007"

    sim.faults.add(Fault("drop"))
    with pytest.raises(httpx.RemoteProtocolError):
        await client.get("/rooms", headers=_bearer(sim))
    sim.faults.add(Fault("stall", seconds=0.2))
    started = time.perf_counter()
    assert (await client.get("/rooms", headers=_bearer(sim))).status_code == 200
    assert time.perf_counter() - started >= 0.2
    sim.set_latency(0.2)
    started = time.perf_counter()
    assert (await client.get("/rooms", headers=_bearer(sim))).status_code == 200
    assert time.perf_counter() - started >= 0.2
    assert sim.config.latency == 0.2
    assert [r.path for r in sim.requests][-3:] == ["/v2/rooms"] * 3


async def test_admin_surface(sim: RunningTelnyxSimulator) -> None:
    async with httpx.AsyncClient(base_url=sim.root_url) as admin:
        added = await admin.post("/__sim/faults", json={"kind": "status", "status": 429})
        assert [f["status"] for f in added.json()["pending"]] == [429]
        api = await admin.get("/v2/rooms", headers=_bearer(sim))
        assert api.status_code == 429 and api.headers["x-ratelimit-reset"] == "1"
        room = sim.dataset.rooms[0]
        changed = await admin.post(f"/__sim/rooms/{room.id}", json={"max_participants": 9})
        assert changed.json()["data"]["max_participants"] == 9
        refused = await admin.post(f"/__sim/rooms/{room.id}", json={"max_participants": 1})
        assert refused.status_code == 400
        recorded = (await admin.get("/__sim/requests")).json()["requests"]
        assert recorded == [
            {
                "method": "GET",
                "path": "/v2/rooms",
                "query": {},
                "json": None,
                "authorization_ok": True,
            }
        ]
        info = (await admin.get("/__sim/info")).json()
        assert info["provider"] == "telnyx" and info["now"] == "2026-11-18T15:30:00Z"
        assert (await admin.post("/__sim/latency", json={"seconds": 0.5})).status_code == 200
        assert sim.config.latency == 0.5


def _bearer(sim: RunningTelnyxSimulator) -> dict[str, str]:
    return {"Authorization": f"Bearer {sim.api_key}"}


# --------------------------------------------------------------------------- scale


async def test_a_page_of_the_newest_day_is_cheap_with_100k_sessions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = TelnyxSimulatorConfig(now=NOW, session_count=100_000, days=28)
    async with (
        run_telnyx_simulator(config) as sim,
        httpx.AsyncClient(base_url=sim.base_url, headers=_bearer(sim)) as client,
    ):
        dataset = sim.dataset
        calls = {"start_ts": 0, "slot": 0}
        for name in calls:
            original = getattr(dataset, name)

            def counted(*args: Any, _name: str = name, _original: Any = original) -> Any:
                calls[_name] += 1
                return _original(*args)

            monkeypatch.setattr(dataset, name, counted)
        newest_day, newest_count = dataset.day_counts()[0]
        day = {"filter[date_created_at][eq]": newest_day.isoformat(), "page[size]": "250"}
        room_day = {**day, "filter[room_id]": dataset.rooms[0].id}

        started = time.perf_counter()
        page = (await client.get("/room_sessions", params=day)).json()
        in_room = (await client.get("/room_sessions", params=room_day)).json()
        elapsed = time.perf_counter() - started
        work = sum(calls.values())
        second = await client.get("/room_sessions", params={**room_day, "page[number]": "2"})
        second_work = sum(calls.values()) - work

        assert page["meta"]["total_results"] == newest_count
        assert len(page["data"]) == 250
        assert all(s["created_at"].startswith(newest_day.isoformat()) for s in page["data"])
        assert in_room["data"] and all(s["room_id"] == dataset.rooms[0].id for s in in_room["data"])
        # A walk of the history would cost 100k calls of each; these read about one day.
        assert work < 5 * newest_count, calls
        assert second.status_code == 200 and second_work < work
        assert elapsed < 2


# --------------------------------------------------------------------------- config and CLI


@pytest.mark.parametrize(
    "bad",
    [{"latency": -1.0}, {"now": datetime(2026, 1, 1)}, {"api_key": ""}, {"api_key": "a b"}],
)
def test_config_is_checked(bad: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        TelnyxSimulatorConfig(**bad)


async def test_command_line_serves_telnyx_until_interrupted() -> None:
    command = [sys.executable, "-m", "simulators", "--provider", "telnyx", "--port", "0"]
    process = await asyncio.create_subprocess_exec(
        *command,
        "--sessions",
        "50",
        "--api-key",
        "KEYcli",
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        first_line = (await asyncio.wait_for(process.stdout.readline(), 20)).decode()
        base_url = first_line.rsplit(" ", 1)[-1].strip()
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/v2")
        async with httpx.AsyncClient(base_url=base_url) as c:
            key = {"Authorization": "Bearer KEYcli"}
            body = (await c.get("/room_sessions", headers=key)).json()
            assert body["meta"]["total_results"] == 50 and len(body["data"]) == 20
            assert (await c.get("/rooms")).status_code == 401
        process.send_signal(2)  # SIGINT, as Ctrl-C
        assert await asyncio.wait_for(process.wait(), 10) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


# --------------------------------------------------------------------------- the checks themselves


async def test_the_tightened_spec_catches_wrong_fields(
    specs: Specs, client: httpx.AsyncClient, sim: RunningTelnyxSimulator
) -> None:
    """Guards the guard: a misspelt or extra field, or a wrong record_type, does fail."""
    body = (await client.get("/room_sessions", headers=_bearer(sim))).json()
    request = MockRequest(HOST_URL, "GET", "/v2/room_sessions")
    specs.tight.validate_response(request, MockResponse(json.dumps(body).encode()))
    mutations: list[Callable[[dict[str, Any]], None]] = [
        lambda item: item.update(surprise=True),
        lambda item: item.update(record_type="room"),
        lambda item: item.update(ended=item.pop("ended_at")),
    ]
    for mutate in mutations:
        broken = copy.deepcopy(body)
        mutate(broken["data"][0])
        with pytest.raises(Exception):  # noqa: B017 - any validation error will do
            specs.tight.validate_response(request, MockResponse(json.dumps(broken).encode()))
    assert any(item["ended_at"] is None for item in body["data"])
    with pytest.raises(Exception):  # noqa: B017 - the published spec refuses the null
        specs.published.validate_response(request, MockResponse(json.dumps(body).encode()))
