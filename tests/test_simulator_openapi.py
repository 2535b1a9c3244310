"""Real simulator responses, validated against SignalWire's published OpenAPI spec.

Every request goes over a socket to a running simulator; openapi-core then validates the
request and the response (status, content type, body) as if the exchange had happened with
`https://{space_name}.signalwire.com`. The spec's schemas use `unevaluatedProperties: not {}`
so any extra or missing field fails.

Deliberate deviations from the spec, each handled explicitly below rather than by skipping:

* `Video.ActiveSession` declares `end_time`, `duration`, `join_from`, `join_until`,
  `remove_at`, `remove_after_seconds_elapsed`, `preview_url` and `audio_video_sync` as
  non-null, yet an active session is in progress (it has no end or duration yet), and rooms
  without a schedule, previews or a sync setting have none of the others
  (`Video.RoomSession` and `Video.RoomResponse` mark all of them nullable).
  Responses carrying an `active_session` are validated against a copy of the spec where
  exactly those fields also accept null, and against the unmodified spec to prove that those
  fields are the only differences.
* `room_sessions/{id}/members|events|recordings` document no 404, yet an unknown session
  has none to list: the simulator answers 404 with the `{"error": ...}` body of the by-id
  routes of the same resource, checked by hand (a malformed id is a documented 422).
* 429 is not documented for any operation; the simulator answers it (rate limiting is real)
  with the same `{"error": ...}` shape as the documented 4xx bodies, checked by hand.
* `/api/video/rooms/{id}` and `/api/video/rooms/{name}` are one URL shape with two templates;
  like a router, the tests pass the matched template: a UUID selects `{id}`, anything else
  `{name}`. (openapi-core alone would try `{id}` first and reject names as non-UUIDs.)
* The security scheme says `scheme: Basic`; openapi-core 0.23 compares the lowercased header
  scheme with that value verbatim, although RFC 7235 makes scheme names case-insensitive.
  Both spec copies use `basic` so that Basic auth is actually checked on every request.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from openapi_spec_validator import validate

from bot.providers.catalogue import SIGNALWIRE_FIELDS
from bot.slack.subcommands.registry import parse
from bot.slack.subcommands.update import UpdateCommand
from simulators import Fault, RunningSimulator, SimulatorConfig, run_simulator
from simulators.drilldown import recording_of
from tests.openapi_check import SPECS, load_spec, nullable, openapi_of, schema_errors

NOW = datetime(2026, 11, 18, 15, 30, tzinfo=UTC)
AUTH = ("sim-project", "sim-token")
HOST_URL = "https://demo.signalwire.com"  # matches the spec's `https://{space_name}.signalwire.com`
SESSIONS = "/api/video/room_sessions"
ROOMS = "/api/video/rooms"
CONFERENCES = "/api/video/conferences"
RECORDINGS = "/api/video/room_recordings"
DRILL_DOWN = ("members", "events", "recordings")
ACTIVE_SESSION_NULLABLE = frozenset(
    {
        "end_time",
        "duration",
        "join_from",
        "join_until",
        "remove_at",
        "remove_after_seconds_elapsed",
        "preview_url",
        "audio_video_sync",
    }
)
UNKNOWN_ID = "6f1c5b8e-1d7e-4f55-9a55-0c7b1e4f7a10"


def _spec_path() -> Path:
    override = os.environ.get("SIGNALWIRE_OPENAPI_SPEC")
    if override:
        return Path(override)
    return SPECS / "signalwire-video.openapi.yaml"


@dataclass(frozen=True)
class Specs:
    strict: OpenAPI  # the published spec (auth scheme case fixed, see module docstring)
    patched: OpenAPI  # plus nullable Video.ActiveSession fields


@pytest.fixture(scope="module")
def specs() -> Specs:
    document = load_spec(_spec_path())
    document["components"]["securitySchemes"]["SignalWireBasicAuth"]["scheme"] = "basic"
    patched = copy.deepcopy(document)
    properties = patched["components"]["schemas"]["Video.ActiveSession"]["properties"]
    for name in ACTIVE_SESSION_NULLABLE:
        properties[name] = nullable(properties[name])
    return Specs(strict=openapi_of(document), patched=openapi_of(patched))


@pytest.mark.parametrize(
    "name", ["signalwire-video.openapi.yaml", "telnyx-video-rooms.openapi.yaml"]
)
def test_the_published_specs_are_valid_openapi(name: str) -> None:
    validate(load_spec(SPECS / name))  # raises on an invalid document


@pytest.fixture
async def sim() -> AsyncIterator[RunningSimulator]:
    async with run_simulator(SimulatorConfig(now=NOW, session_count=300, days=7)) as running:
        yield running


@pytest.fixture
async def client(sim: RunningSimulator) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=sim.base_url, auth=AUTH, timeout=5) as http:
        yield http


@dataclass
class Checker:
    specs: Specs
    client: httpx.AsyncClient

    async def check(
        self,
        method: str,
        path: str,
        *,
        pattern: str | None = None,
        view_args: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
        body: Any = None,
        status: int = 200,
        auth: tuple[str, str] | None = AUTH,
        request_is_valid: bool = True,
    ) -> Any:
        """Send one request, then validate the exchange against the spec; return the body."""
        response = await self.client.request(
            method,
            path,
            params=params,
            content=None if body is None else json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            auth=auth or httpx.USE_CLIENT_DEFAULT,
        )
        assert response.status_code == status, response.text
        request = MockRequest(
            HOST_URL,
            method,
            path,
            path_pattern=pattern,
            view_args=view_args,
            args=params,
            headers={"Authorization": response.request.headers.get("Authorization", "")},
            data=None if body is None else json.dumps(body).encode(),
        )
        if request_is_valid:
            self.specs.strict.validate_request(request)
        mock = MockResponse(
            response.content,
            status_code=response.status_code,
            content_type=response.headers["Content-Type"].split(";")[0],
        )
        payload = response.json()
        if _has_active_session(payload):
            self.specs.patched.validate_response(request, mock)
            self._only_documented_deviations(request, mock)
        else:
            self.specs.strict.validate_response(request, mock)
        return payload

    def _only_documented_deviations(self, request: MockRequest, response: MockResponse) -> None:
        """The unpatched spec rejects nothing but the nullable ActiveSession fields."""
        try:
            self.specs.strict.validate_response(request, response)
        except Exception as error:
            errors = list(schema_errors(error))
            assert errors, error
            for item in errors:
                location = list(item.absolute_path)
                assert item.validator == "type" and item.instance is None, item
                assert location[-2] == "active_session", location
                assert location[-1] in ACTIVE_SESSION_NULLABLE, location


def _has_active_session(payload: Any) -> bool:
    if not isinstance(payload, dict):
        return False
    data = payload.get("data")
    items: list[Any] = data if isinstance(data, list) else [payload]
    return any(isinstance(item, dict) and "active_session" in item for item in items)


@pytest.fixture
def checker(specs: Specs, client: httpx.AsyncClient) -> Checker:
    return Checker(specs, client)


def _query(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


# --------------------------------------------------------------------------- room sessions


async def test_list_room_sessions(checker: Checker, sim: RunningSimulator) -> None:
    first = await checker.check("GET", SESSIONS)
    assert len(first["data"]) == 50
    filtered = await checker.check(
        "GET", SESSIONS, params={"room_name": "standup", "status": "completed", "page_size": "7"}
    )
    page_two = await checker.check("GET", SESSIONS, params=_query(filtered["links"]["next"]))
    assert set(page_two["links"]) == {"self", "first", "next", "prev"}
    room = sim.dataset.rooms[0]
    by_id = await checker.check(
        "GET", SESSIONS, params={"room_id": room.id, "room_name_matches": room.name[:3]}
    )
    assert {s["room_id"] for s in by_id["data"]} == {room.id}
    live = await checker.check("GET", SESSIONS, params={"status": "in-progress"})
    assert live["data"][0]["end_time"] is None


async def test_list_room_sessions_errors(checker: Checker) -> None:
    await checker.check("GET", SESSIONS, auth=("sim-project", "wrong"), status=401)
    for params in ({"page_size": "0"}, {"status": "live"}, {"room_id": "x"}):
        await checker.check("GET", SESSIONS, params=params, status=422, request_is_valid=False)
    # A page_token that is well-formed for the spec but not ours: valid request, 422 answer.
    await checker.check(
        "GET", SESSIONS, params={"page_number": "1", "page_token": "PTbogus"}, status=422
    )


async def test_get_room_session(checker: Checker, sim: RunningSimulator) -> None:
    sessions = sim.dataset.sessions(range(sim.dataset.session_count))
    samples = [
        sessions[0],  # in progress
        next(s for s in sessions if s.status == "completed" and s.room_id),
        next(s for s in sessions if s.room_id is None),  # ad-hoc room: room_id null
    ]
    pattern = f"{SESSIONS}/{{id}}"
    for session in samples:
        path = f"{SESSIONS}/{session.id}"
        body = await checker.check("GET", path, pattern=pattern, view_args={"id": session.id})
        assert body["id"] == session.id and body["status"] == session.status
    view = {"id": UNKNOWN_ID}
    await checker.check(
        "GET", f"{SESSIONS}/{UNKNOWN_ID}", pattern=pattern, view_args=view, status=404
    )
    await checker.check(
        "GET",
        f"{SESSIONS}/{UNKNOWN_ID}",
        pattern=pattern,
        view_args=view,
        status=401,
        auth=("a", "b"),
    )


# --------------------------------------------------------------------------- rooms


async def test_list_rooms(checker: Checker) -> None:
    plain = await checker.check("GET", ROOMS)
    assert all("active_session" not in room for room in plain["data"])
    live = await checker.check("GET", ROOMS, params={"include_active_session": "true"})
    assert any("active_session" in room for room in live["data"])
    paged = await checker.check("GET", ROOMS, params={"page_size": "5"})
    await checker.check("GET", ROOMS, params=_query(paged["links"]["next"]))
    await checker.check(
        "GET", ROOMS, params={"starts_after": "2026-11-01", "ends_before": "2027-06-01T00:00:00Z"}
    )
    await checker.check("GET", ROOMS, params={"starts_after": "soon"}, status=422)
    await checker.check("GET", ROOMS, status=401, auth=("sim-project", "nope"))


async def test_get_room_by_id_and_by_name(checker: Checker, sim: RunningSimulator) -> None:
    live_name = sim.dataset.session(0).name
    live_room = sim.dataset.room_by_name(live_name)
    quiet = next(r for r in sim.dataset.rooms if sim.dataset.active_session(r.id) is None)
    assert live_room is not None
    by_id, by_name = f"{ROOMS}/{{id}}", f"{ROOMS}/{{name}}"
    include = {"include_active_session": "true"}

    body = await checker.check(
        "GET",
        f"{ROOMS}/{live_room.id}",
        pattern=by_id,
        view_args={"id": live_room.id},
        params=include,
    )
    assert body["active_session"]["status"] == "in-progress"
    await checker.check("GET", f"{ROOMS}/{quiet.id}", pattern=by_id, view_args={"id": quiet.id})
    body = await checker.check(
        "GET",
        f"{ROOMS}/{live_name}",
        pattern=by_name,
        view_args={"name": live_name},
        params=include,
    )
    assert body["id"] == live_room.id
    quiet_body = await checker.check(
        "GET",
        f"{ROOMS}/{quiet.name}",
        pattern=by_name,
        view_args={"name": quiet.name},
        params=include,
    )
    assert "active_session" not in quiet_body

    missing = {"name": "no-such-room"}
    await checker.check(
        "GET", f"{ROOMS}/no-such-room", pattern=by_name, view_args=missing, status=404
    )
    await checker.check(
        "GET", f"{ROOMS}/{UNKNOWN_ID}", pattern=by_id, view_args={"id": UNKNOWN_ID}, status=404
    )


async def test_update_room(checker: Checker, sim: RunningSimulator) -> None:
    room = sim.dataset.rooms[0]
    pattern, view = f"{ROOMS}/{{id}}", {"id": room.id}
    path = f"{ROOMS}/{room.id}"
    body = {
        "display_name": "Renamed",
        "description": "New description",
        "max_members": 42,
        "quality": "1080p",
        "join_from": "2026-12-01T09:00:00Z",
        "join_until": "2026-12-02T09:00:00Z",
        "remove_at": "2026-12-02T10:00:00Z",
        "remove_after_seconds_elapsed": 7200,
        "layout": "5up",
        "record_on_start": True,
        "enable_room_previews": True,
        "meta": {"owner": "ops"},
        "sync_audio_video": False,
    }
    updated = await checker.check("PUT", path, pattern=pattern, view_args=view, body=body)
    assert updated["max_members"] == 42 and updated["sync_audio_video"] is False
    # Bodies the spec itself rejects: the request is invalid, the 422 answer must not be.
    for bad in ({"max_members": 0}, {"bogus": 1}):
        await checker.check(
            "PUT",
            path,
            pattern=pattern,
            view_args=view,
            body=bad,
            status=422,
            request_is_valid=False,
        )
    unknown = f"{ROOMS}/{UNKNOWN_ID}"
    view_unknown = {"id": UNKNOWN_ID}
    await checker.check(
        "PUT", unknown, pattern=pattern, view_args=view_unknown, body={}, status=404
    )
    await checker.check(
        "PUT", path, pattern=pattern, view_args=view, body={}, status=401, auth=("x", "y")
    )


async def test_every_field_the_bot_sends_is_a_valid_update(
    checker: Checker, sim: RunningSimulator
) -> None:
    """What `/rooms update` would send for each field's own example is a request the spec
    accepts, and the simulator answers it with a RoomResponse the spec accepts."""
    room = sim.dataset.rooms[1]
    pattern, view = f"{ROOMS}/{{id}}", {"id": room.id}
    command = parse(
        f"update {room.id} " + " ".join(spec.example for spec in SIGNALWIRE_FIELDS.values())
    )
    assert isinstance(command, UpdateCommand)
    assert [field for field, _ in command.fields] == list(SIGNALWIRE_FIELDS)
    for field, value in command.fields:
        body = {field: value}
        updated = await checker.check(
            "PUT", f"{ROOMS}/{room.id}", pattern=pattern, view_args=view, body=body
        )
        assert updated[field] == value, field
    # A change made behind the bot's back answers GET as a PUT would have.
    sim.change_room(room.id, max_members=3)
    after = await checker.check("GET", f"{ROOMS}/{room.id}", pattern=pattern, view_args=view)
    assert after["max_members"] == 3


async def test_update_room_bad_json_is_400(
    specs: Specs, client: httpx.AsyncClient, sim: RunningSimulator
) -> None:
    room = sim.dataset.rooms[0]
    response = await client.put(
        f"{ROOMS}/{room.id}", content=b"{", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    request = MockRequest(
        HOST_URL,
        "PUT",
        f"{ROOMS}/{room.id}",
        path_pattern=f"{ROOMS}/{{id}}",
        view_args={"id": room.id},
    )
    specs.strict.validate_response(request, MockResponse(response.content, status_code=400))


# --------------------------------------------------------------------------- conferences


async def test_conferences(checker: Checker, sim: RunningSimulator) -> None:
    plain = await checker.check("GET", CONFERENCES)
    assert all("active_session" not in c for c in plain["data"])
    live = await checker.check("GET", CONFERENCES, params={"include_active_session": "true"})
    assert any("active_session" in c for c in live["data"])
    await checker.check("GET", CONFERENCES, params={"starts_after": "1700000000"})

    pattern = f"{CONFERENCES}/{{id}}"
    for conference in sim.dataset.conferences:
        path = f"{CONFERENCES}/{conference.id}"
        view = {"id": conference.id}
        await checker.check(
            "GET", path, pattern=pattern, view_args=view, params={"include_active_session": "true"}
        )
        await checker.check("GET", path, pattern=pattern, view_args=view)
    missing = {"id": UNKNOWN_ID}
    await checker.check(
        "GET", f"{CONFERENCES}/{UNKNOWN_ID}", pattern=pattern, view_args=missing, status=404
    )
    await checker.check("GET", CONFERENCES, status=401, auth=("nobody", "x"))


# --------------------------------------------------------------------------- drill-down


async def test_members_events_and_recordings_of_sessions(
    checker: Checker, sim: RunningSimulator
) -> None:
    dataset = sim.dataset
    sessions = dataset.sessions(range(dataset.session_count))
    live = next(s for s in sessions if s.status == "in-progress" and recording_of(dataset, s))
    recorded = next(s for s in sessions if s.status == "completed" and recording_of(dataset, s))
    ad_hoc = next(s for s in sessions if s.room_id is None and s.status == "completed")
    for session in (live, recorded, ad_hoc):
        for kind in DRILL_DOWN:
            path, pattern = f"{SESSIONS}/{session.id}/{kind}", f"{SESSIONS}/{{id}}/{kind}"
            view = {"id": session.id}
            body = await checker.check(
                "GET", path, pattern=pattern, view_args=view, params={"page_size": "2"}
            )
            assert all(item["room_session_id"] == session.id for item in body["data"])
            if "next" in body["links"]:
                await checker.check(
                    "GET",
                    path,
                    pattern=pattern,
                    view_args=view,
                    params=_query(body["links"]["next"]),
                )
    members = await checker.check(
        "GET",
        f"{SESSIONS}/{live.id}/members",
        pattern=f"{SESSIONS}/{{id}}/members",
        view_args={"id": live.id},
    )
    assert any(m["leave_time"] is None for m in members["data"])
    [recording] = (
        await checker.check(
            "GET",
            f"{SESSIONS}/{live.id}/recordings",
            pattern=f"{SESSIONS}/{{id}}/recordings",
            view_args={"id": live.id},
            params={"media_ttl": "60"},
        )
    )["data"]
    assert recording["status"] == "recording" and recording["uri"] is None


async def test_every_recording_and_one_by_id(checker: Checker, sim: RunningSimulator) -> None:
    first = await checker.check("GET", RECORDINGS, params={"page_size": "6", "media_ttl": "60"})
    assert "media_ttl=60" in first["links"]["next"]
    second = await checker.check("GET", RECORDINGS, params=_query(first["links"]["next"]))
    listed = first["data"] + second["data"]
    assert len({r["id"] for r in listed}) == 12
    by_status = {r["status"]: r for r in listed}
    assert {"recording", "processing", "completed"} <= set(by_status)
    pattern = f"{RECORDINGS}/{{id}}"
    for status, item in by_status.items():
        path = f"{RECORDINGS}/{item['id']}"
        one = await checker.check(
            "GET", path, pattern=pattern, view_args={"id": item["id"]}, params={"media_ttl": "120"}
        )
        assert one["status"] == status
        assert (one["uri"] is not None) == (status == "completed")
    unknown = {"id": UNKNOWN_ID}
    await checker.check(
        "GET", f"{RECORDINGS}/{UNKNOWN_ID}", pattern=pattern, view_args=unknown, status=404
    )
    await checker.check(
        "GET",
        f"{RECORDINGS}/{UNKNOWN_ID}",
        pattern=pattern,
        view_args=unknown,
        params={"media_ttl": "-1"},
        status=422,
        request_is_valid=False,
    )
    await checker.check(
        "GET", RECORDINGS, params={"media_ttl": "x"}, status=422, request_is_valid=False
    )


async def test_drill_down_of_an_unknown_or_malformed_session(
    specs: Specs, checker: Checker, client: httpx.AsyncClient
) -> None:
    for kind in DRILL_DOWN:
        pattern = f"{SESSIONS}/{{id}}/{kind}"
        await checker.check(
            "GET",
            f"{SESSIONS}/not-a-uuid/{kind}",
            pattern=pattern,
            view_args={"id": "not-a-uuid"},
            status=422,
            request_is_valid=False,
        )
        path = f"{SESSIONS}/{UNKNOWN_ID}/{kind}"
        response = await client.get(path)
        assert response.status_code == 404 and response.json() == {"error": "Not Found"}
        request = MockRequest(
            HOST_URL, "GET", path, path_pattern=pattern, view_args={"id": UNKNOWN_ID}
        )
        with pytest.raises(Exception, match="404"):  # the spec has no 404 here (docstring)
            specs.strict.validate_response(request, MockResponse(response.content, status_code=404))


# --------------------------------------------------------------------------- errors and strictness


async def test_injected_500_matches_the_spec(checker: Checker, sim: RunningSimulator) -> None:
    sim.faults.add(Fault("status", status=500, times=3))
    await checker.check("GET", SESSIONS, status=500)
    await checker.check("GET", ROOMS, status=500)
    await checker.check("GET", CONFERENCES, status=500)


async def test_429_is_undocumented_but_shaped_like_other_4xx(
    specs: Specs, client: httpx.AsyncClient, sim: RunningSimulator
) -> None:
    sim.faults.add(Fault("status", status=429, retry_after=3))
    response = await client.get(SESSIONS)
    assert response.status_code == 429
    request = MockRequest(HOST_URL, "GET", SESSIONS)
    # The spec documents no 429 anywhere, so openapi-core has no schema to check it with.
    with pytest.raises(Exception, match="429"):
        specs.strict.validate_response(request, MockResponse(response.content, status_code=429))
    assert response.json() == {"error": "Too Many Requests"}
    assert response.headers["Retry-After"] == "3"


async def test_validation_is_strict(
    specs: Specs, client: httpx.AsyncClient, sim: RunningSimulator
) -> None:
    """Guards the guard: extra fields and list-only fields on a single GET do fail."""
    listed = (await client.get(SESSIONS, params={"page_size": "1"})).json()
    listed["data"][0]["surprise"] = True
    request = MockRequest(HOST_URL, "GET", SESSIONS)
    with pytest.raises(Exception):  # noqa: B017 - any validation error will do
        specs.strict.validate_response(request, MockResponse(json.dumps(listed).encode()))

    session = sim.dataset.session(sim.dataset.in_progress_bound)
    single = (await client.get(f"{SESSIONS}/{session.id}")).json()
    single["cost_in_dollars"] = 0.5
    request = MockRequest(
        HOST_URL,
        "GET",
        f"{SESSIONS}/{session.id}",
        path_pattern=f"{SESSIONS}/{{id}}",
        view_args={"id": session.id},
    )
    with pytest.raises(Exception):  # noqa: B017
        specs.strict.validate_response(request, MockResponse(json.dumps(single).encode()))
