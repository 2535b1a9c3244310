"""The Telnyx Video Rooms REST API (v2), simulated with aiohttp.web.

It serves the rooms and room sessions of the same deterministic dataset as the SignalWire
simulator (see `telnyx_wire` for how the fields map), under `/v2`, with Bearer auth.

Errors take the three shapes Telnyx's OpenAPI spec gives them:

* the list operations (GET /rooms, /room_sessions, /rooms/{id}/sessions) document any 4xx
  as `{"message": ..., "success": false}`;
* the single-resource operations document 404 as one `video_Error` object
  (`{"code", "title", "detail", "source"}`), which they use for their other 4xx too;
* PATCH /rooms/{id} answers a bad body with 422 and `{"errors": [video_Error, ...]}`, the
  `video_Errors` list; 5xx bodies (undocumented) use that list too.

A 429 carries `x-ratelimit-reset` (seconds until the limit resets) and no Retry-After, as
Telnyx answers. The `/__sim/` admin surface matches the SignalWire simulator's.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import math
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from typing import Any, Final, Literal

from aiohttp import web

from simulators.admin import add_admin_routes
from simulators.dataset import Room, RoomSession, SimulatorDataset, format_time
from simulators.drilldown import (
    MEDIA_PREFIX,
    SimRecording,
    check_media,
    media_url,
    recording_by_id,
    recording_of,
)
from simulators.faults import Fault, FaultPlan

# The SignalWire simulator's transport-level helpers do not depend on the provider: a
# stall, a dropped connection or a verbatim body look the same from either API.
from simulators.signalwire_app import (
    RecordedRequest,
    apply_transport_fault,
    format_retry_after,
    is_loopback,
    parse_uuid,
    record_request,
)
from simulators.telnyx_listing import SessionIndex
from simulators.telnyx_query import (
    DateBounds,
    PageRequest,
    QueryError,
    RecordingQuery,
    RoomQuery,
    SessionFilters,
    parse_include,
    parse_participant_query,
    parse_recording_query,
    parse_room_query,
    parse_session_query,
    total_pages,
)
from simulators.telnyx_wire import (
    AUTHENTICATION_FAILED,
    BAD_REQUEST,
    INVALID_ID,
    INVALID_JSON,
    NOT_FOUND,
    TOO_MANY_REQUESTS,
    UNEXPECTED,
    RoomPatch,
    RoomWebhooks,
    TelnyxRoom,
    default_webhooks,
    deleted_room_name,
    error_object,
    message_body,
    participants_json,
    recording_json,
    room_json,
    session_json,
    session_room_id,
    telnyx_room,
    validate_room_patch,
)

log = logging.getLogger(__name__)

API_PREFIX: Final = "/v2/"
ADMIN_PREFIX: Final = "/__sim/"
# How many of a room's newest sessions `include_sessions=true` shows.
ROOM_SESSIONS_SHOWN: Final = 5
# With no `retry_after` on a 429 fault, the limit resets after this many seconds.
DEFAULT_RATE_LIMIT_RESET: Final = 1.0
# Paging mode "repeat": every page is the first, and meta claims this many pages.
REPEATED_TOTAL_PAGES: Final = 2_000_000
# Telnyx states no lifetime for a download_url; the simulator's stop working after this.
DOWNLOAD_URL_SECONDS: Final = 3600
PAGING_MODES: Final = ("normal", "repeat")

ErrorStyle = Literal["list", "single", "body"]
# PatchRoomRequest fields stored in the shared dataset, under the dataset's names; the
# others (the webhook settings) are Telnyx's alone.
_DATASET_FIELDS: Final[Mapping[str, str]] = {
    "unique_name": "name",
    "max_participants": "max_members",
    "enable_recording": "record_on_start",
}


@dataclass(frozen=True)
class TelnyxSimulatorConfig:
    seed: int = 42
    now: datetime | None = None  # tz-aware; None = the moment the server starts
    session_count: int = 6000
    days: int = 28
    latency: float = 0.0  # seconds added to every /v2 request
    api_key: str = "KEYsimtelnyx"

    def __post_init__(self) -> None:
        if self.latency < 0 or not math.isfinite(self.latency):
            raise ValueError("latency must be a finite number >= 0")
        if self.now is not None and self.now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        if not self.api_key or any(c.isspace() for c in self.api_key):
            raise ValueError("api_key must be a non-empty string without spaces")


@dataclass
class TelnyxState:
    """Everything one running Telnyx simulator holds; shared by its handlers and owner."""

    config: TelnyxSimulatorConfig
    dataset: SimulatorDataset
    webhooks: dict[str, RoomWebhooks]
    index: SessionIndex
    faults: FaultPlan = field(default_factory=FaultPlan)
    requests: list[RecordedRequest] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    # "repeat": every list page is the first, with a schema-valid meta that claims
    # REPEATED_TOTAL_PAGES pages (an account whose paging is broken).
    paging: str = "normal"
    # Indexes of the sessions with a recording Telnyx lists (ended ones), newest first:
    # found on the first listing of every recording, not before.
    _recorded: tuple[int, ...] | None = None

    @classmethod
    def create(cls, config: TelnyxSimulatorConfig) -> TelnyxState:
        now = (config.now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
        dataset = SimulatorDataset(
            seed=config.seed, now=now, session_count=config.session_count, days=config.days
        )
        webhooks = {room.id: default_webhooks(room) for room in dataset.rooms}
        return cls(
            config=replace(config, now=now),
            dataset=dataset,
            webhooks=webhooks,
            index=SessionIndex(dataset),
        )

    @property
    def latency(self) -> float:
        return self.config.latency

    def set_latency(self, seconds: float) -> None:
        if seconds < 0 or not math.isfinite(seconds):
            raise ValueError("latency must be a finite number >= 0")
        self.config = replace(self.config, latency=seconds)

    def clock(self) -> datetime:
        """Simulated wall clock: `now` at start-up, advancing in real time."""
        assert self.config.now is not None
        return self.config.now + timedelta(seconds=time.monotonic() - self.started)

    def advance_clock(self, seconds: float) -> None:
        """Move the simulated wall clock on (links expire by it), as if time had passed."""
        if seconds < 0 or not math.isfinite(seconds):
            raise ValueError("seconds must be a finite number >= 0")
        self.started -= seconds

    def set_paging(self, mode: str) -> None:
        if mode not in PAGING_MODES:
            raise ValueError(f"mode must be one of {', '.join(PAGING_MODES)}")
        self.paging = mode

    def room(self, room_id: str) -> TelnyxRoom | None:
        room = self.dataset.room(room_id)
        return None if room is None else self._telnyx(room)

    def rooms(self) -> list[TelnyxRoom]:
        """Every room, newest first (by created_at)."""
        return [self._telnyx(room) for room in self.dataset.rooms]

    def _telnyx(self, room: Room) -> TelnyxRoom:
        return telnyx_room(room, self.webhooks[room.id])

    def name_taken(self, room_id: str) -> Callable[[str], bool]:
        return lambda name: any(
            room.name == name and room.id != room_id for room in self.dataset.rooms
        )

    def apply(self, room_id: str, patch: RoomPatch) -> TelnyxRoom:
        """Store an already-validated PatchRoomRequest; updated_at always moves on."""
        dataset_changes = {
            _DATASET_FIELDS[key]: value for key, value in patch.items() if key in _DATASET_FIELDS
        }
        hooks = {key: value for key, value in patch.items() if key not in _DATASET_FIELDS}
        self.webhooks[room_id] = replace(self.webhooks[room_id], **hooks)
        return self._telnyx(self.dataset.update_room(room_id, dataset_changes, self.clock()))

    def change_room(self, room_id: str, fields: Mapping[str, Any]) -> TelnyxRoom:
        """Change a room the way someone else would (another tool, the portal): as a PATCH
        would, but not recorded among the API requests. ValueError says what it refuses."""
        room = self.dataset.room(room_id)
        if room is None:
            raise ValueError(f"no room with id {room_id!r}")
        patch, errors = validate_room_patch(dict(fields), name_taken=self.name_taken(room.id))
        if errors:
            raise ValueError("; ".join(str(error["detail"]) for error in errors))
        return self.apply(room.id, patch)

    def session_json(self, session: RoomSession, participants: bool) -> dict[str, Any]:
        people = None
        if participants:
            people = participants_json(session, self.dataset.seed, self.dataset.now)
        room_id = session_room_id(self.dataset.seed, session)
        return session_json(session, room_id=room_id, participants=people)

    def recorded(self) -> tuple[int, ...]:
        if self._recorded is None:
            dataset = self.dataset
            self._recorded = tuple(
                index
                for index in range(dataset.session_count)
                if dataset.records(index) and not dataset.is_in_progress(index)
            )
        return self._recorded

    def recording(self, session: RoomSession) -> SimRecording | None:
        """The session's recording as Telnyx lists it: none while the session runs."""
        recording = recording_of(self.dataset, session)
        return None if recording is None or recording.status == "recording" else recording

    def recording_json(self, recording: SimRecording, base: str) -> dict[str, Any]:
        session = recording.session
        people = participants_json(session, self.dataset.seed, self.dataset.now)
        expires = math.ceil((self.clock().timestamp() + DOWNLOAD_URL_SECONDS) * 1000)
        return recording_json(
            recording,
            room_id=session_room_id(self.dataset.seed, session),
            participant_id=people[0]["id"],
            download_url=media_url(base, self.config.api_key, recording.id, expires),
        )

    def room_json(self, room: TelnyxRoom, include_sessions: bool) -> dict[str, Any]:
        active = self.dataset.active_session(room.id)
        sessions = None
        if include_sessions:
            newest = self.index.newest(SessionFilters(room_id=room.id), ROOM_SESSIONS_SHOWN)
            sessions = [self.session_json(s, False) for s in self.dataset.sessions(newest)]
        return room_json(
            room, active_session_id=None if active is None else active.id, sessions=sessions
        )


STATE_KEY: Final = web.AppKey("telnyx_state", TelnyxState)


# --------------------------------------------------------------------------- errors


class TelnyxError(Exception):
    """Raised by handlers; the middleware renders it in the operation's error shape."""

    def __init__(self, status: int, errors: Sequence[dict[str, Any]]) -> None:
        super().__init__(status)
        self.status = status
        self.errors = list(errors)


def error_body(status: int, errors: Sequence[dict[str, Any]], style: ErrorStyle) -> Any:
    """The body for an error answer: see the module docstring for which shape goes where."""
    if status >= 500 or style == "body":
        return {"errors": list(errors)}
    if style == "list":
        return message_body("; ".join(str(error["detail"]) for error in errors))
    return errors[0]


def error_response(
    status: int,
    errors: Sequence[dict[str, Any]],
    style: ErrorStyle,
    rate_limit_reset: float | None = None,
) -> web.Response:
    headers = {}
    if rate_limit_reset is not None:
        headers["x-ratelimit-reset"] = format_retry_after(rate_limit_reset)
    body = error_body(status, errors, style)
    return web.json_response(body, status=status, headers=headers)


def _standard_error(status: int) -> dict[str, Any]:
    """The error object Telnyx sends for a status with no more specific reason."""
    if status == 401:
        return error_object(
            AUTHENTICATION_FAILED,
            "The required authentication headers were either invalid or not included "
            "in the request.",
        )
    if status == 404:
        return error_object(NOT_FOUND, "The requested resource or URL could not be found.")
    if status == 429:
        return error_object(
            TOO_MANY_REQUESTS, "You have exceeded the maximum number of allowed requests."
        )
    if status >= 500:
        return error_object(UNEXPECTED, "An unexpected error occured.")
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    return error_object((str(status), title), title)


def _query_failure(error: QueryError) -> TelnyxError:
    return TelnyxError(
        400,
        [
            error_object(BAD_REQUEST, problem.message, parameter=problem.parameter)
            for problem in error.problems
        ],
    )


# --------------------------------------------------------------------------- handlers


def _state(request: web.Request) -> TelnyxState:
    return request.app[STATE_KEY]


def _meta(number: int, size: int, total: int) -> dict[str, int]:
    """`PaginationMeta`."""
    return {
        "page_number": number,
        "page_size": size,
        "total_pages": total_pages(total, size),
        "total_results": total,
    }


def _page_shown(state: TelnyxState, page: PageRequest) -> tuple[PageRequest, int | None]:
    """The page to serve for `page`, and the total to claim instead of the real one (None:
    the real one). Paging "repeat" serves the first page as every page, with totals as
    large as they are consistent: REPEATED_TOTAL_PAGES full pages."""
    if state.paging != "repeat":
        return page, None
    return replace(page, number=1), REPEATED_TOTAL_PAGES * page.size


def _rooms_matching(state: TelnyxState, query: RoomQuery) -> list[TelnyxRoom]:
    return [
        room
        for room in state.rooms()
        if (query.unique_name is None or room.unique_name == query.unique_name)
        and (not query.created.bounded or query.created.contains(room.created_at))
        and (not query.updated.bounded or query.updated.contains(room.updated_at))
    ]


async def list_rooms(request: web.Request) -> web.Response:
    state = _state(request)
    try:
        query = parse_room_query(request.query)
    except QueryError as error:
        raise _query_failure(error) from error
    rooms = _rooms_matching(state, query)
    page = query.page
    served, claimed = _page_shown(state, page)
    shown = rooms[served.offset : served.offset + served.size]
    data = [state.room_json(room, query.include_sessions) for room in shown]
    total = len(rooms) if claimed is None else claimed
    return web.json_response({"data": data, "meta": _meta(page.number, page.size, total)})


def _room_for(state: TelnyxState, raw_id: str) -> TelnyxRoom:
    room_id = parse_uuid(raw_id)
    if room_id is None:
        raise TelnyxError(404, [error_object(INVALID_ID, "The resource ID provided was invalid.")])
    room = state.room(room_id)
    if room is None:
        raise TelnyxError(404, [_standard_error(404)])
    return room


async def get_room(request: web.Request) -> web.Response:
    state = _state(request)
    try:
        include = parse_include(request.query, "include_sessions")
    except QueryError as error:
        raise _query_failure(error) from error
    room = _room_for(state, request.match_info["room_id"])
    return web.json_response({"data": state.room_json(room, include)})


async def update_room(request: web.Request) -> web.Response:
    state = _state(request)
    room = _room_for(state, request.match_info["room_id"])
    try:
        body = json.loads(await request.read() or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        invalid = error_object(INVALID_JSON, "The request body is not valid JSON.", pointer="")
        raise TelnyxError(422, [invalid]) from exc
    patch, errors = validate_room_patch(body, name_taken=state.name_taken(room.id))
    if errors:
        raise TelnyxError(422, errors)
    updated = state.apply(room.id, patch)
    return web.json_response({"data": state.room_json(updated, False)})


def _list_sessions(request: web.Request, room_id: str | None) -> web.Response:
    state = _state(request)
    try:
        query = parse_session_query(request.query, room_id=room_id)
    except QueryError as error:
        raise _query_failure(error) from error
    page = query.page
    served, claimed = _page_shown(state, page)
    indexes, total = state.index.page(query.filters, served.number, served.size)
    data = [
        state.session_json(session, query.include_participants)
        for session in state.dataset.sessions(indexes)
    ]
    total = total if claimed is None else claimed
    return web.json_response({"data": data, "meta": _meta(page.number, page.size, total)})


async def list_room_sessions(request: web.Request) -> web.Response:
    return _list_sessions(request, None)


async def list_sessions_of_room(request: web.Request) -> web.Response:
    """GET /rooms/{room_id}/sessions: a room's sessions, also for a room since deleted."""
    state = _state(request)
    room_id = parse_uuid(request.match_info["room_id"])
    if room_id is None:
        raise TelnyxError(404, [error_object(INVALID_ID, "The resource ID provided was invalid.")])
    if state.room(room_id) is None and deleted_room_name(state.dataset.seed, room_id) is None:
        raise TelnyxError(404, [_standard_error(404)])
    return _list_sessions(request, room_id)


async def get_room_session(request: web.Request) -> web.Response:
    state = _state(request)
    try:
        include = parse_include(request.query, "include_participants")
    except QueryError as error:
        raise _query_failure(error) from error
    session = state.dataset.session_by_id(request.match_info["room_session_id"])
    if session is None:
        raise TelnyxError(404, [_standard_error(404)])
    return web.json_response({"data": state.session_json(session, include)})


def _session_for(state: TelnyxState, raw_id: str) -> RoomSession:
    if parse_uuid(raw_id) is None:
        raise TelnyxError(404, [error_object(INVALID_ID, "The resource ID provided was invalid.")])
    session = state.dataset.session_by_id(raw_id)
    if session is None:
        raise TelnyxError(404, [_standard_error(404)])
    return session


async def list_participants(request: web.Request) -> web.Response:
    state = _state(request)
    try:
        query = parse_participant_query(request.query)
    except QueryError as error:
        raise _query_failure(error) from error
    session = _session_for(state, request.match_info["room_session_id"])
    people = [
        person
        for person in participants_json(session, state.dataset.seed, state.dataset.now)
        if (query.context is None or person["context"] == query.context)
        and _on_days(query.joined, person["joined_at"])
        and _on_days(query.left, person["left_at"])
        and _on_days(query.updated, person["updated_at"])
    ]
    page = query.page
    served, claimed = _page_shown(state, page)
    shown = people[served.offset : served.offset + served.size]
    total = len(people) if claimed is None else claimed
    return web.json_response({"data": shown, "meta": _meta(page.number, page.size, total)})


def _on_days(bounds: DateBounds, stamp: str | None) -> bool:
    if not bounds.bounded:
        return True
    return stamp is not None and bounds.contains(datetime.fromisoformat(stamp))


def _recordings_matching(state: TelnyxState, query: RecordingQuery) -> list[SimRecording]:
    dataset = state.dataset
    if query.session_id is not None:
        session = dataset.session_by_id(query.session_id)
        found = None if session is None else state.recording(session)
        candidates = [] if found is None else [found]
    else:
        candidates = [_recorded(state, index) for index in state.recorded()]
    return [
        recording
        for recording in candidates
        if (
            query.room_id is None
            or session_room_id(dataset.seed, recording.session) == query.room_id
        )
        and (query.status is None or recording.status == query.status)
    ]


def _recorded(state: TelnyxState, index: int) -> SimRecording:
    recording = state.recording(state.dataset.session(index))
    assert recording is not None  # state.recorded() lists only these
    return recording


async def list_recordings(request: web.Request) -> web.Response:
    """GET /room_recordings, newest first. Only the page shown is rendered; a filter on
    status or room reads the recorded sessions (a few percent of them) once."""
    state = _state(request)
    try:
        query = parse_recording_query(request.query)
    except QueryError as error:
        raise _query_failure(error) from error
    page = query.page
    served, claimed = _page_shown(state, page)
    base = _root(request)
    if query.session_id is None and query.room_id is None and query.status is None:
        indexes = state.recorded()
        window = indexes[served.offset : served.offset + served.size]
        shown = [_recorded(state, index) for index in window]
        total = len(indexes)
    else:
        found = _recordings_matching(state, query)
        shown = found[served.offset : served.offset + served.size]
        total = len(found)
    data = [state.recording_json(recording, base) for recording in shown]
    total = total if claimed is None else claimed
    return web.json_response({"data": data, "meta": _meta(page.number, page.size, total)})


async def get_recording(request: web.Request) -> web.Response:
    state = _state(request)
    raw = request.match_info["room_recording_id"]
    if parse_uuid(raw) is None:
        raise TelnyxError(404, [error_object(INVALID_ID, "The resource ID provided was invalid.")])
    recording = recording_by_id(state.dataset, raw)
    if recording is None or recording.status == "recording":
        raise TelnyxError(404, [_standard_error(404)])
    return web.json_response({"data": state.recording_json(recording, _root(request))})


def _root(request: web.Request) -> str:
    return f"{request.scheme}://{request.host}"


async def get_media(request: web.Request) -> web.Response:
    """A recording's media behind its download_url: refused once the link has expired."""
    state = _state(request)
    recording_id = request.match_info["name"].removesuffix(".mp4")
    status = check_media(
        state.config.api_key,
        recording_id,
        request.query.get("expires"),
        request.query.get("signature"),
        state.clock().timestamp(),
    )
    if status != 200 or recording_by_id(state.dataset, recording_id) is None:
        return web.Response(status=403, text="link expired or not valid")
    return web.Response(body=b"\x00\x00\x00\x18ftypmp42", content_type="video/mp4")


# --------------------------------------------------------------------------- middleware


def authorization_ok(header: str | None, config: TelnyxSimulatorConfig) -> bool:
    if not header:
        return False
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(key.strip().encode(), config.api_key.encode())


def _style(request: web.Request) -> ErrorStyle:
    name = request.match_info.route.name
    if name is not None and name.startswith("list:"):
        return "list"
    return "single"


async def _apply_fault(request: web.Request, fault: Fault) -> web.StreamResponse | None:
    """Play a fault; None means carry on and answer normally (after a stall)."""
    if fault.kind != "status":
        return await apply_transport_fault(request, fault)
    reset = fault.retry_after
    if reset is None and fault.status == 429:
        reset = DEFAULT_RATE_LIMIT_RESET
    return error_response(fault.status, [_standard_error(fault.status)], _style(request), reset)


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def api_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if not request.path.startswith(API_PREFIX):
        if request.path.startswith(ADMIN_PREFIX):
            return await _admin_guard(request, handler)
        if request.path.startswith(MEDIA_PREFIX):
            return await handler(request)  # a download_url carries its own authority
        return error_response(404, [_standard_error(404)], "single")
    state = _state(request)
    auth_ok = authorization_ok(request.headers.get("Authorization"), state.config)
    await record_request(request, state.requests, auth_ok)
    if state.latency > 0:
        await asyncio.sleep(state.latency)
    fault = state.faults.take(request.method, request.path)
    if fault is not None:
        faulted = await _apply_fault(request, fault)
        if faulted is not None:
            return faulted
    style = _style(request)
    if not auth_ok:
        return error_response(401, [_standard_error(401)], style)
    try:
        return await handler(request)
    except TelnyxError as exc:
        shape: ErrorStyle = "body" if exc.status == 422 and request.method == "PATCH" else style
        return error_response(exc.status, exc.errors, shape)
    except web.HTTPException as exc:  # no route, or a method the route does not take
        return error_response(exc.status, [_standard_error(exc.status)], style)
    except Exception:
        log.exception("telnyx simulator failed on %s %s", request.method, request.path)
        return error_response(500, [_standard_error(500)], style)


async def _admin_guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    # The admin surface has no auth, so it only answers callers on this machine.
    if not is_loopback(request.remote):
        return web.json_response({"error": "Forbidden"}, status=403)
    try:
        return await handler(request)
    except web.HTTPException as exc:
        return web.json_response({"error": exc.reason}, status=exc.status)


# --------------------------------------------------------------------------- admin surface


async def admin_info(request: web.Request) -> web.Response:
    state = _state(request)
    config = state.config
    return web.json_response(
        {
            "provider": "telnyx",
            "seed": config.seed,
            "now": None if config.now is None else format_time(config.now),
            "session_count": config.session_count,
            "days": config.days,
            "latency": config.latency,
            "rooms": len(state.dataset.rooms),
        }
    )


# --------------------------------------------------------------------------- application


def create_telnyx_app(state: TelnyxState) -> web.Application:
    app = web.Application(middlewares=[api_middleware])
    app[STATE_KEY] = state
    v2 = API_PREFIX.rstrip("/")
    app.router.add_get(f"{v2}/rooms", list_rooms, name="list:rooms")
    app.router.add_get(f"{v2}/rooms/{{room_id}}", get_room, name="room")
    app.router.add_patch(f"{v2}/rooms/{{room_id}}", update_room, name="room:update")
    app.router.add_get(
        f"{v2}/rooms/{{room_id}}/sessions", list_sessions_of_room, name="list:room_sessions_of_room"
    )
    app.router.add_get(f"{v2}/room_sessions", list_room_sessions, name="list:room_sessions")
    app.router.add_get(
        f"{v2}/room_sessions/{{room_session_id}}", get_room_session, name="room_session"
    )
    app.router.add_get(
        f"{v2}/room_sessions/{{room_session_id}}/participants",
        list_participants,
        name="list:participants",
    )
    app.router.add_get(f"{v2}/room_recordings", list_recordings, name="list:room_recordings")
    app.router.add_get(
        f"{v2}/room_recordings/{{room_recording_id}}", get_recording, name="room_recording"
    )
    app.router.add_get(f"{MEDIA_PREFIX}{{name}}", get_media)
    app.router.add_get("/__sim/info", admin_info)
    add_admin_routes(app, _state, lambda state, room: {"data": state.room_json(room, False)})
    return app
