"""The SignalWire Video REST API, simulated with aiohttp.web.

Wire formats follow `Video.*` schemas of the official OpenAPI spec exactly (they forbid
extra fields), errors follow `Types.StatusCodes.*` and `Video.VideoStatusCode422`. Helpers
that parse, validate and render are pure; the aiohttp handlers only glue them to requests.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import hmac
import ipaddress
import json
import logging
import math
import re
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from typing import Any, Final, Literal, TypeVar
from urllib.parse import quote, urlencode

from aiohttp import web

from simulators.admin import add_admin_routes
from simulators.dataset import (
    QUALITIES,
    ROOM_LAYOUTS,
    Conference,
    Room,
    RoomSession,
    SessionFilter,
    SessionStatus,
    SimulatorDataset,
    format_time,
    scan_backward,
    scan_forward,
)
from simulators.drilldown import (
    DEFAULT_MEDIA_TTL,
    MEDIA_PREFIX,
    SimEvent,
    SimMember,
    SimRecording,
    check_media,
    events,
    media_url,
    members,
    recording_by_id,
    recording_of,
)
from simulators.faults import Fault, FaultPlan
from simulators.telnyx_wire import session_room_id

log = logging.getLogger(__name__)

ERROR_DOCS_URL: Final = "https://signalwire.com/docs/apis/error-codes"
API_PREFIX: Final = "/api/"
ADMIN_PREFIX: Final = "/__sim/"
DEFAULT_PAGE_SIZE: Final = 50
MAX_PAGE_SIZE: Final = 1000


@dataclass(frozen=True)
class SimulatorConfig:
    seed: int = 42
    now: datetime | None = None  # tz-aware UTC; None = the moment the server starts
    session_count: int = 6000
    days: int = 28
    latency: float = 0.0  # seconds added to every /api request
    project_id: str = "sim-project"
    api_token: str = "sim-token"
    links: Literal["absolute", "relative"] = "absolute"

    def __post_init__(self) -> None:
        if self.links not in ("absolute", "relative"):
            raise ValueError("links must be 'absolute' or 'relative'")
        if self.latency < 0 or not math.isfinite(self.latency):
            raise ValueError("latency must be a finite number >= 0")
        if self.now is not None and self.now.tzinfo is None:
            raise ValueError("now must be timezone-aware")


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: dict[str, str]
    json: Any | None
    authorization_ok: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "json": self.json,
            "authorization_ok": self.authorization_ok,
        }


PAGING_MODES: Final = ("normal", "loop")


@dataclass
class SimulatorState:
    """Everything one running simulator holds; shared by its handlers and its owner."""

    config: SimulatorConfig
    dataset: SimulatorDataset
    faults: FaultPlan = field(default_factory=FaultPlan)
    requests: list[RecordedRequest] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    # "loop": the last page of every listing has a `links.next` back to its first page
    # (as page 1, the only numbered page a token can name there), so paging never ends.
    paging: str = "normal"

    @classmethod
    def create(cls, config: SimulatorConfig) -> SimulatorState:
        now = config.now or datetime.now(UTC)
        now = now.astimezone(UTC).replace(microsecond=0)
        resolved = replace(config, now=now)
        dataset = SimulatorDataset(
            seed=config.seed, now=now, session_count=config.session_count, days=config.days
        )
        return cls(config=resolved, dataset=dataset)

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

    def change_room(self, room_id: str, fields: Mapping[str, Any]) -> Room:
        """Change a room the way someone else would (another tool, the dashboard): as a
        PUT would, but not recorded among the API requests. `fields` is an
        UpdateRoomRequest body; ValueError names what it would refuse."""
        room = self.dataset.room(room_id)
        if room is None:
            raise ValueError(f"no room with id {room_id!r}")
        changes, errors = validate_room_update(dict(fields))
        if errors:
            raise ValueError("; ".join(str(error["message"]) for error in errors))
        return self.dataset.update_room(room.id, changes, self.clock())


STATE_KEY: Final = web.AppKey("simulator_state", SimulatorState)


# --------------------------------------------------------------------------- errors


ErrorItem = dict[str, str | None]


def error_item(message: str, attribute: str | None) -> ErrorItem:
    """One `Types.StatusCodes.RestApiErrorItem`."""
    return {
        "type": "validation_error",
        "code": "invalid_parameter",
        "message": message,
        "attribute": attribute,
        "url": ERROR_DOCS_URL,
    }


class ApiError(Exception):
    """Raised by handlers; rendered by the middleware as the spec's error body."""

    def __init__(
        self, status: int, errors: Sequence[ErrorItem] = (), retry_after: float | None = None
    ) -> None:
        super().__init__(status)
        self.status = status
        self.errors = list(errors)
        self.retry_after = retry_after


def error_response(
    status: int, errors: Sequence[ErrorItem] = (), retry_after: float | None = None
) -> web.Response:
    if status == 422:
        items = list(errors) or [error_item("The request is invalid.", None)]
        body: dict[str, Any] = {"errors": items}
    else:
        body = {"error": _reason(status)}
    headers = {}
    if retry_after is not None:
        headers["Retry-After"] = format_retry_after(retry_after)
    return web.json_response(body, status=status, headers=headers)


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def format_retry_after(seconds: float) -> str:
    """Whole seconds as HTTP says; fractions are kept so tests can retry quickly."""
    if float(seconds).is_integer():
        return str(int(seconds))
    return f"{seconds:.3f}".rstrip("0").rstrip(".")


# --------------------------------------------------------------------------- parsing


_RFC3339: Final = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2}))?"
)


def parse_instant(text: str, *, allow_unix: bool = False) -> datetime | None:
    """RFC 3339 datetime, or a bare date meaning 00:00Z (or Unix seconds if allowed)."""
    if allow_unix and re.fullmatch(r"\d{1,12}", text):
        return datetime.fromtimestamp(int(text), UTC)
    match = _RFC3339.fullmatch(text)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    try:
        if hour is None:
            return datetime(int(year), int(month), int(day), tzinfo=UTC)
        # RFC 3339 allows a leap second (:60); datetime cannot hold one, so clamp to :59.
        moment = datetime(
            int(year), int(month), int(day), int(hour), int(minute), min(int(second), 59)
        )
    except ValueError:
        return None
    if fraction:
        moment += timedelta(microseconds=int(fraction[:6].ljust(6, "0")))
    if offset in ("Z", "z"):
        return moment.replace(tzinfo=UTC)
    sign = 1 if offset[0] == "+" else -1
    delta = timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6]))
    return (moment - sign * delta).replace(tzinfo=UTC)


def parse_uuid(text: str) -> str | None:
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return None


def _query_int(
    query: Mapping[str, str], name: str, default: int, low: int, high: int | None
) -> tuple[int, ErrorItem | None]:
    raw = query.get(name)
    if raw is None:
        return default, None
    bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
    if not re.fullmatch(r"-?\d{1,10}", raw):
        return default, error_item(f"{name} must be an integer {bounds}", name)
    value = int(raw)
    if value < low or (high is not None and value > high):
        return default, error_item(f"{name} must be an integer {bounds}", name)
    return value, None


def _query_bool(query: Mapping[str, str], name: str) -> tuple[bool, ErrorItem | None]:
    raw = query.get(name)
    if raw is None:
        return False, None
    if raw.lower() in ("true", "false"):
        return raw.lower() == "true", None
    return False, error_item(f"{name} must be true or false", name)


# --------------------------------------------------------------------------- paging


@dataclass(frozen=True)
class PageRequest:
    page_number: int
    page_size: int
    start: int  # scan position where this page begins


def _fingerprint(dataset: SimulatorDataset, kind: str, filters: Sequence[tuple[str, str]]) -> str:
    """Binds a page token to one listing, one filter set and one dataset."""
    material = f"{dataset.seed}|{dataset.now.isoformat()}|{dataset.session_count}|{kind}|"
    material += "&".join(f"{k}={v}" for k, v in filters)
    return hashlib.blake2b(material.encode(), digest_size=6).hexdigest()


def encode_page_token(page_number: int, position: int, fingerprint: str) -> str:
    raw = f"{page_number}.{position}.{fingerprint}".encode()
    return "PT" + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_page_token(token: str) -> tuple[int, int, str] | None:
    if not token.startswith("PT"):
        return None
    body = token[2:]
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    parts = raw.split(".")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
        return None
    return int(parts[0]), int(parts[1]), parts[2]


def parse_page_request(
    query: Mapping[str, str], fingerprint: str, end: int, problems: list[ErrorItem]
) -> PageRequest:
    page_number, problem = _query_int(query, "page_number", 0, 0, None)
    if problem:
        problems.append(problem)
    page_size, problem = _query_int(query, "page_size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
    if problem:
        problems.append(problem)
    if page_number == 0:
        return PageRequest(0, page_size, 0)
    token = query.get("page_token")
    if not token:
        problems.append(
            error_item("page_token is required when page_number is greater than 0", "page_token")
        )
        return PageRequest(page_number, page_size, 0)
    decoded = decode_page_token(token)
    if decoded is None or decoded[2] != fingerprint or not 0 <= decoded[1] < max(end, 1):
        problems.append(error_item("page_token is invalid for this listing", "page_token"))
        return PageRequest(page_number, page_size, 0)
    if decoded[0] != page_number:
        problems.append(
            error_item(f"page_token does not belong to page_number {page_number}", "page_token")
        )
    return PageRequest(page_number, page_size, decoded[1])


@dataclass(frozen=True)
class Page:
    positions: list[int]
    links: dict[str, str]


def paginate(
    *,
    base: str,
    path: str,
    filters: Sequence[tuple[str, str]],
    page: PageRequest,
    fingerprint: str,
    matches: Callable[[int], bool] | None,
    end: int,
    loop: bool = False,
) -> Page:
    """Scan one page from `page.start` and build `Video.PaginationLinks` for it; `loop`:
    the last page's `next` leads back to the start (paging mode "loop")."""
    positions, next_start = scan_forward(matches, page.start, end, page.page_size)

    def link(page_number: int, position: int) -> str:
        params = list(filters)
        if page_number > 0:
            params.append(("page_number", str(page_number)))
        params.append(("page_size", str(page.page_size)))
        if page_number > 0:
            params.append(("page_token", encode_page_token(page_number, position, fingerprint)))
        return f"{base}{path}?{urlencode(params, quote_via=quote)}"

    links = {"self": link(page.page_number, page.start), "first": link(0, 0)}
    if next_start is not None:
        links["next"] = link(page.page_number + 1, next_start)
    elif loop:
        links["next"] = link(1, 0)
    if page.page_number > 0:
        previous = page.page_number - 1
        links["prev"] = link(
            previous,
            scan_backward(matches, page.start, page.page_size) if previous > 0 else 0,
        )
    return Page(positions, links)


# --------------------------------------------------------------------------- wire formats


def _time(moment: datetime | None) -> str | None:
    return None if moment is None else format_time(moment)


def session_summary_json(session: RoomSession) -> dict[str, Any]:
    """`Video.RoomSessionSummary` (GET /room_sessions/{id})."""
    return {
        "id": session.id,
        "room_id": session.room_id,
        "name": session.name,
        "display_name": session.display_name,
        "max_members": session.max_members,
        "quality": session.quality,
        "fps": session.fps,
        "join_from": _time(session.join_from),
        "join_until": _time(session.join_until),
        "remove_at": _time(session.remove_at),
        "remove_after_seconds_elapsed": session.remove_after_seconds_elapsed,
        "layout": session.layout,
        "record_on_start": session.record_on_start,
        "tone_on_entry_and_exit": session.tone_on_entry_and_exit,
        "room_join_video_off": session.room_join_video_off,
        "user_join_video_off": session.user_join_video_off,
        "locked": session.locked,
        "start_time": _time(session.start_time),
        "end_time": _time(session.end_time),
        "duration": session.duration,
        "status": session.status,
        "created_at": _time(session.created_at),
        "updated_at": _time(session.updated_at),
        "preview_url": session.preview_url,
        "prioritize_handraise": session.prioritize_handraise,
        "sync_audio_video": session.sync_audio_video,
    }


def session_list_json(session: RoomSession) -> dict[str, Any]:
    """`Video.RoomSession` (list items): the summary plus three list-only fields."""
    body = session_summary_json(session)
    body["cost_in_dollars"] = session.cost_in_dollars
    body["enable_room_previews"] = session.enable_room_previews
    body["locked_cover"] = session.locked_cover
    return body


def active_session_json(session: RoomSession) -> dict[str, Any]:
    """`Video.ActiveSession`. Note the spec names the sync flag `audio_video_sync` here."""
    return {
        "id": session.id,
        "room_id": session.room_id,
        "name": session.name,
        "display_name": session.display_name,
        "join_from": _time(session.join_from),
        "join_until": _time(session.join_until),
        "remove_at": _time(session.remove_at),
        "remove_after_seconds_elapsed": session.remove_after_seconds_elapsed,
        "layout": session.layout,
        "max_members": session.max_members,
        "fps": session.fps,
        "quality": session.quality,
        "start_time": _time(session.start_time),
        "end_time": _time(session.end_time),
        "duration": session.duration,
        "status": session.status,
        "record_on_start": session.record_on_start,
        "enable_room_previews": session.enable_room_previews,
        "preview_url": session.preview_url,
        "audio_video_sync": session.sync_audio_video,
    }


def room_json(room: Room, active: RoomSession | None = None) -> dict[str, Any]:
    """`Video.RoomResponse`, with `active_session` only when one is given."""
    body: dict[str, Any] = {
        "id": room.id,
        "name": room.name,
        "display_name": room.display_name,
        "description": room.description,
        "max_members": room.max_members,
        "quality": room.quality,
        "fps": room.fps,
        "join_from": _time(room.join_from),
        "join_until": _time(room.join_until),
        "remove_at": _time(room.remove_at),
        "remove_after_seconds_elapsed": room.remove_after_seconds_elapsed,
        "layout": room.layout,
        "record_on_start": room.record_on_start,
        "tone_on_entry_and_exit": room.tone_on_entry_and_exit,
        "room_join_video_off": room.room_join_video_off,
        "user_join_video_off": room.user_join_video_off,
        "enable_room_previews": room.enable_room_previews,
        "sync_audio_video": room.sync_audio_video,
        "meta": None if room.meta is None else dict(room.meta),
        "prioritize_handraise": room.prioritize_handraise,
        "created_at": _time(room.created_at),
        "updated_at": _time(room.updated_at),
    }
    if active is not None:
        body["active_session"] = active_session_json(active)
    return body


def conference_json(conference: Conference, active: RoomSession | None = None) -> dict[str, Any]:
    """`Video.Conference`, with `active_session` only when one is given."""
    body: dict[str, Any] = {
        "id": conference.id,
        "name": conference.name,
        "display_name": conference.display_name,
        "description": conference.description,
        "join_from": _time(conference.join_from),
        "join_until": _time(conference.join_until),
        "quality": conference.quality,
        "layout": conference.layout,
        "size": conference.size,
        "record_on_start": conference.record_on_start,
        "tone_on_entry_and_exit": conference.tone_on_entry_and_exit,
        "user_join_video_off": conference.user_join_video_off,
        "room_join_video_off": conference.room_join_video_off,
        "enable_chat": conference.enable_chat,
        "enable_room_previews": conference.enable_room_previews,
        **conference.theme,
        "meta": None if conference.meta is None else dict(conference.meta),
        "created_at": _time(conference.created_at),
        "updated_at": _time(conference.updated_at),
    }
    if active is not None:
        body["active_session"] = active_session_json(active)
    return body


# --------------------------------------------------------------------------- room updates

# The body field names of `Video.UpdateRoomRequest`, plus `audio_video_sync`, the name the
# published "Update a Room" page uses for the same flag.
_FIELD_ALIASES: Final[Mapping[str, str]] = {"audio_video_sync": "sync_audio_video"}
_META_MAX_CHARS: Final = 2000


def _check_string(name: str, value: object, limit: int) -> tuple[object, str | None]:
    if not isinstance(value, str):
        return None, f"{name} must be a string"
    if len(value) > limit:
        return None, f"{name} must be at most {limit} characters"
    return value, None


def _check_int(name: str, value: object, low: int, high: int) -> tuple[object, str | None]:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        return None, f"{name} must be an integer between {low} and {high}"
    return value, None


def _check_choice(name: str, value: object, choices: Sequence[str]) -> tuple[object, str | None]:
    if not isinstance(value, str) or value not in choices:
        return None, f"{name} must be one of: {', '.join(choices)}"
    return value, None


def _check_instant(name: str, value: object) -> tuple[object, str | None]:
    parsed = parse_instant(value) if isinstance(value, str) else None
    if parsed is None:
        return None, f"{name} must be an RFC 3339 datetime (2022-01-01T23:59:60Z) or a date"
    return parsed, None


def _check_bool(name: str, value: object) -> tuple[object, str | None]:
    if not isinstance(value, bool):
        return None, f"{name} must be a boolean"
    return value, None


def _check_meta(name: str, value: object) -> tuple[object, str | None]:
    if not isinstance(value, dict):
        return None, f"{name} must be a JSON object"
    if len(json.dumps(value, separators=(",", ":"))) > _META_MAX_CHARS:
        return None, f"{name} must be at most {_META_MAX_CHARS} characters when serialized"
    return dict(value), None


_FieldCheck = Callable[[str, object], tuple[object, str | None]]
_ROOM_UPDATE_CHECKS: Final[Mapping[str, _FieldCheck]] = {
    "display_name": lambda n, v: _check_string(n, v, 200),
    "description": lambda n, v: _check_string(n, v, 3000),
    "max_members": lambda n, v: _check_int(n, v, 1, 300),
    "quality": lambda n, v: _check_choice(n, v, QUALITIES),
    "join_from": _check_instant,
    "join_until": _check_instant,
    "remove_at": _check_instant,
    "remove_after_seconds_elapsed": lambda n, v: _check_int(n, v, 1, 200000),
    "layout": lambda n, v: _check_choice(n, v, ROOM_LAYOUTS),
    "record_on_start": _check_bool,
    "enable_room_previews": _check_bool,
    "meta": _check_meta,
    "sync_audio_video": _check_bool,
}


def validate_room_update(body: object) -> tuple[dict[str, Any], list[ErrorItem]]:
    """Check a PUT /rooms/{id} body against UpdateRoomRequest; return (changes, errors).

    `changes` uses Room field names with parsed values (datetimes for the time fields).
    """
    if not isinstance(body, dict):
        return {}, [error_item("The request body must be a JSON object", None)]
    changes: dict[str, Any] = {}
    errors: list[ErrorItem] = []
    for name, value in body.items():
        target = _FIELD_ALIASES.get(name, name)
        check = _ROOM_UPDATE_CHECKS.get(target)
        if check is None:
            errors.append(error_item(f"{name} is not a permitted attribute", name))
            continue
        parsed, problem = check(name, value)
        if problem is not None:
            errors.append(error_item(problem, name))
        elif target in changes and changes[target] != parsed:
            errors.append(
                error_item("sync_audio_video and audio_video_sync disagree", name),
            )
        else:
            changes[target] = parsed
    return changes, errors


# --------------------------------------------------------------------------- handlers


def _state(request: web.Request) -> SimulatorState:
    return request.app[STATE_KEY]


def _link_base(request: web.Request) -> str:
    if _state(request).config.links == "relative":
        return ""
    return f"{request.scheme}://{request.host}"


_STATUSES: Final[Mapping[str, SessionStatus]] = {
    "in-progress": "in-progress",
    "completed": "completed",
}


def _raise_if(problems: list[ErrorItem]) -> None:
    if problems:
        raise ApiError(422, problems)


async def list_room_sessions(request: web.Request) -> web.Response:
    dataset = _state(request).dataset
    query = request.query
    problems: list[ErrorItem] = []
    filters: list[tuple[str, str]] = []
    room_id: str | None = None
    if "room_id" in query:
        room_id = parse_uuid(query["room_id"])
        if room_id is None:
            problems.append(error_item("room_id must be a valid UUID", "room_id"))
        else:
            filters.append(("room_id", room_id))
    for name in ("room_name", "room_name_matches"):
        if name in query:
            filters.append((name, query[name]))
    status: SessionStatus | None = None
    if "status" in query:
        status = _STATUSES.get(query["status"])
        if status is not None:
            filters.append(("status", status))
        else:
            problems.append(error_item("status must be one of: in-progress, completed", "status"))
    wanted = SessionFilter(
        room_id=room_id,
        room_name=query.get("room_name"),
        room_name_matches=query.get("room_name_matches"),
        status=status,
    )
    end = dataset.scan_end(wanted)
    fingerprint = _fingerprint(dataset, "room_sessions", filters)
    page = parse_page_request(query, fingerprint, end, problems)
    _raise_if(problems)
    result = paginate(
        base=_link_base(request),
        path=request.path,
        filters=filters,
        page=page,
        fingerprint=fingerprint,
        matches=dataset.session_predicate(wanted),
        end=end,
        loop=_state(request).paging == "loop",
    )
    data = [session_list_json(dataset.session(index)) for index in result.positions]
    return web.json_response({"links": result.links, "data": data})


async def get_room_session(request: web.Request) -> web.Response:
    session = _state(request).dataset.session_by_id(request.match_info["id"])
    if session is None:
        raise ApiError(404)
    return web.json_response(session_summary_json(session))


def _window_filters(
    query: Mapping[str, str], problems: list[ErrorItem], *, allow_unix: bool
) -> tuple[list[tuple[str, str]], datetime | None, datetime | None]:
    """starts_after / ends_before, shared by the rooms and conferences listings."""
    filters: list[tuple[str, str]] = []
    bounds: list[datetime | None] = []
    for name in ("starts_after", "ends_before"):
        raw = query.get(name)
        moment = None if raw is None else parse_instant(raw, allow_unix=allow_unix)
        if raw is not None and moment is None:
            problems.append(error_item(f"{name} must be an RFC 3339 datetime or a date", name))
        if raw is not None and moment is not None:
            filters.append((name, raw))
        bounds.append(moment)
    return filters, bounds[0], bounds[1]


def _in_window(
    join_from: datetime | None,
    join_until: datetime | None,
    starts_after: datetime | None,
    ends_before: datetime | None,
) -> bool:
    if starts_after is not None and (join_from is None or join_from < starts_after):
        return False
    return ends_before is None or (join_until is not None and join_until <= ends_before)


T = TypeVar("T")


def _list_windowed(
    request: web.Request,
    kind: str,
    items: Sequence[T],
    *,
    allow_unix: bool,
    window: Callable[[T], tuple[datetime | None, datetime | None]],
    render: Callable[[T, bool], dict[str, Any]],
) -> web.Response:
    """Rooms and conferences: a join-window filter, include_active_session and paging."""
    dataset = _state(request).dataset
    query = request.query
    problems: list[ErrorItem] = []
    filters, starts_after, ends_before = _window_filters(query, problems, allow_unix=allow_unix)
    include_active, problem = _query_bool(query, "include_active_session")
    if problem:
        problems.append(problem)
    fingerprint = _fingerprint(dataset, kind, filters)
    page = parse_page_request(query, fingerprint, len(items), problems)
    _raise_if(problems)
    if include_active:
        filters.append(("include_active_session", "true"))
    result = paginate(
        base=_link_base(request),
        path=request.path,
        filters=filters,
        page=page,
        fingerprint=fingerprint,
        matches=lambda i: _in_window(*window(items[i]), starts_after, ends_before),
        end=len(items),
        loop=_state(request).paging == "loop",
    )
    data = [render(items[i], include_active) for i in result.positions]
    return web.json_response({"links": result.links, "data": data})


async def list_rooms(request: web.Request) -> web.Response:
    dataset = _state(request).dataset
    return _list_windowed(
        request,
        "rooms",
        dataset.rooms,
        allow_unix=False,
        window=lambda room: (room.join_from, room.join_until),
        render=lambda room, active: room_json(
            room, dataset.active_session(room.id) if active else None
        ),
    )


async def get_room(request: web.Request) -> web.Response:
    """GET /rooms/{id} and GET /rooms/{name} share one URL shape: a UUID means an id."""
    dataset = _state(request).dataset
    key = request.match_info["key"]
    include_active, problem = _query_bool(request.query, "include_active_session")
    if problem:
        raise ApiError(422, [problem])
    room_id = parse_uuid(key)
    room = dataset.room(room_id) if room_id else dataset.room_by_name(key)
    if room is None:
        raise ApiError(404)
    active = dataset.active_session(room.id) if include_active else None
    return web.json_response(room_json(room, active))


async def update_room(request: web.Request) -> web.Response:
    state = _state(request)
    room_id = parse_uuid(request.match_info["key"])
    room = state.dataset.room(room_id) if room_id else None
    if room is None:
        raise ApiError(404)
    try:
        body = json.loads(await request.read() or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ApiError(400) from exc
    changes, errors = validate_room_update(body)
    _raise_if(errors)
    updated = state.dataset.update_room(room.id, changes, state.clock())
    return web.json_response(room_json(updated))


async def list_conferences(request: web.Request) -> web.Response:
    dataset = _state(request).dataset
    # The spec documents Unix timestamps for conferences (not for rooms).
    return _list_windowed(
        request,
        "conferences",
        dataset.conferences,
        allow_unix=True,
        window=lambda conference: (conference.join_from, conference.join_until),
        render=lambda conference, active: conference_json(
            conference, dataset.conference_active_session(conference) if active else None
        ),
    )


async def get_conference(request: web.Request) -> web.Response:
    dataset = _state(request).dataset
    include_active, problem = _query_bool(request.query, "include_active_session")
    if problem:
        raise ApiError(422, [problem])
    conference_id = parse_uuid(request.match_info["id"])
    conference = dataset.conference(conference_id) if conference_id else None
    if conference is None:
        raise ApiError(404)
    active = dataset.conference_active_session(conference) if include_active else None
    return web.json_response(conference_json(conference, active))


# --------------------------------------------------------------------------- drill-down


def member_json(member: SimMember) -> dict[str, Any]:
    """`Video.RoomSessionMember`."""
    return {
        "id": member.id,
        "room_session_id": member.session_id,
        "name": member.name,
        "join_time": format_time(member.join_time),
        "leave_time": _time(member.leave_time),
        "duration": member.duration,
        "cost_in_dollars": member.cost_in_dollars,
    }


def event_json(event: SimEvent, session: RoomSession, project_id: str, seed: int) -> dict[str, Any]:
    """`Video.RoomSessionEvent`; the payload carries what the event is about."""
    payload: dict[str, Any] = {}
    body: dict[str, Any] = {
        "id": event.id,
        "project_id": project_uuid(project_id),
        # An ad-hoc room is gone once its session ends; its id is the one it had.
        "room_id": session_room_id(seed, session),
        "room_session_id": session.id,
        "level": "info",
        "name": event.name,
        "payload": payload,
        "created_at": format_time(event.at),
    }
    if event.member is not None:
        body["room_participant_id"] = event.member.id
        payload["member"] = {"id": event.member.id, "name": event.member.name}
    if event.recording_id is not None:
        body["room_recording_id"] = event.recording_id
        payload["recording"] = {"id": event.recording_id}
    if event.layout is not None:
        payload["layout"] = {"name": event.layout}
    return body


def project_uuid(project_id: str) -> str:
    """The project as a UUID (the real ones are; the simulator's is a readable name)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"signalwire-project:{project_id}"))


def recording_json(recording: SimRecording, uri: str | None) -> dict[str, Any]:
    """`Video.RoomRecording`; `uri` only for a completed recording."""
    completed = recording.status == "completed"
    return {
        "id": recording.id,
        "room_session_id": recording.session.id,
        "status": recording.status,
        "started_at": format_time(recording.started_at),
        "finished_at": _time(recording.finished_at),
        "duration": recording.duration,
        "size_in_bytes": recording.size_in_bytes,
        "format": "video/mp4" if completed else None,
        "cost_in_dollars": recording.cost_in_dollars,
        "uri": uri if completed else None,
        "created_at": format_time(recording.created_at),
        "updated_at": format_time(recording.updated_at),
    }


def _session_of(request: web.Request) -> RoomSession:
    """The session a sub-list names: 422 for an id that is no UUID, 404 for an unknown one
    (the spec lists no 404 for these lists; SignalWire's by-id routes answer so)."""
    raw = request.match_info["id"]
    if parse_uuid(raw) is None:
        raise ApiError(422, [error_item("id must be a valid UUID", "id")])
    session = _state(request).dataset.session_by_id(raw)
    if session is None:
        raise ApiError(404)
    return session


def _media_ttl(query: Mapping[str, str], problems: list[ErrorItem]) -> int:
    ttl, problem = _query_int(query, "media_ttl", DEFAULT_MEDIA_TTL, 0, 2**31 - 1)
    if problem:
        problems.append(problem)
    return ttl


def _link_minter(request: web.Request, ttl: int) -> Callable[[SimRecording], str]:
    state = _state(request)
    expires = math.ceil((state.clock().timestamp() + ttl) * 1000)
    base = f"{request.scheme}://{request.host}"
    return lambda recording: media_url(base, state.config.api_token, recording.id, expires)


def _list_of(
    request: web.Request,
    kind: str,
    items: Sequence[T],
    render: Callable[[T], dict[str, Any]],
    *,
    filters: Sequence[tuple[str, str]] = (),
    problems: list[ErrorItem] | None = None,
) -> web.Response:
    """One page of a session's members, events or recordings (a list known in full)."""
    state = _state(request)
    problems = problems if problems is not None else []
    fingerprint = _fingerprint(state.dataset, f"{kind}:{request.path}", list(filters))
    page = parse_page_request(request.query, fingerprint, len(items), problems)
    _raise_if(problems)
    result = paginate(
        base=_link_base(request),
        path=request.path,
        filters=list(filters),
        page=page,
        fingerprint=fingerprint,
        matches=None,
        end=len(items),
        loop=state.paging == "loop",
    )
    return web.json_response(
        {"links": result.links, "data": [render(items[i]) for i in result.positions]}
    )


async def list_session_members(request: web.Request) -> web.Response:
    session = _session_of(request)
    return _list_of(request, "members", members(_state(request).dataset, session), member_json)


async def list_session_events(request: web.Request) -> web.Response:
    session = _session_of(request)
    state = _state(request)
    project, seed = state.config.project_id, state.dataset.seed
    return _list_of(
        request,
        "events",
        events(state.dataset, session),
        lambda event: event_json(event, session, project, seed),
    )


async def list_session_recordings(request: web.Request) -> web.Response:
    session = _session_of(request)
    problems: list[ErrorItem] = []
    ttl = _media_ttl(request.query, problems)
    mint = _link_minter(request, ttl)
    recording = recording_of(_state(request).dataset, session)
    found = [] if recording is None else [recording]
    filters = [("media_ttl", str(ttl))] if "media_ttl" in request.query else []
    return _list_of(
        request,
        "recordings",
        found,
        lambda item: recording_json(item, mint(item)),
        filters=filters,
        problems=problems,
    )


async def list_recordings(request: web.Request) -> web.Response:
    """Every session's recordings, newest first: a scan over the session history that
    builds no session it does not show."""
    state = _state(request)
    dataset = state.dataset
    problems: list[ErrorItem] = []
    ttl = _media_ttl(request.query, problems)
    filters = [("media_ttl", str(ttl))] if "media_ttl" in request.query else []
    fingerprint = _fingerprint(dataset, "room_recordings", filters)
    page = parse_page_request(request.query, fingerprint, dataset.session_count, problems)
    _raise_if(problems)
    result = paginate(
        base=_link_base(request),
        path=request.path,
        filters=filters,
        page=page,
        fingerprint=fingerprint,
        matches=dataset.records,
        end=dataset.session_count,
        loop=state.paging == "loop",
    )
    mint = _link_minter(request, ttl)
    data = []
    for index in result.positions:
        recording = recording_of(dataset, dataset.session(index))
        if recording is not None:
            data.append(recording_json(recording, mint(recording)))
    return web.json_response({"links": result.links, "data": data})


async def get_recording(request: web.Request) -> web.Response:
    problems: list[ErrorItem] = []
    ttl = _media_ttl(request.query, problems)
    _raise_if(problems)
    raw = request.match_info["id"]
    recording = recording_by_id(_state(request).dataset, raw) if parse_uuid(raw) else None
    if recording is None:
        raise ApiError(404)
    return web.json_response(recording_json(recording, _link_minter(request, ttl)(recording)))


async def get_media(request: web.Request) -> web.Response:
    """A recording's media behind a signed link: no credentials, refused once expired."""
    state = _state(request)
    recording_id = request.match_info["name"].removesuffix(".mp4")
    status = check_media(
        state.config.api_token,
        recording_id,
        request.query.get("expires"),
        request.query.get("signature"),
        state.clock().timestamp(),
    )
    if status != 200 or recording_by_id(state.dataset, recording_id) is None:
        return web.Response(status=403, text="link expired or not valid")
    return web.Response(body=b"\x00\x00\x00\x18ftypmp42", content_type="video/mp4")


# --------------------------------------------------------------------------- middleware


def authorization_ok(header: str | None, config: SimulatorConfig) -> bool:
    if not header or not header.startswith("Basic "):
        return False
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return False
    expected = f"{config.project_id}:{config.api_token}"
    return hmac.compare_digest(decoded.encode(), expected.encode())


async def record_request(
    request: web.Request, requests: list[RecordedRequest], auth_ok: bool
) -> None:
    """Keep what a request asked, for tests to read (both simulators)."""
    body: Any | None = None
    if request.can_read_body:
        raw = await request.read()  # cached by aiohttp, so handlers can read it again
        try:
            body = json.loads(raw) if raw else None
        except (json.JSONDecodeError, UnicodeDecodeError):
            body = None
    requests.append(
        RecordedRequest(
            method=request.method,
            path=request.path,
            query=dict(request.query),
            json=body,
            authorization_ok=auth_ok,
        )
    )


async def apply_transport_fault(request: web.Request, fault: Fault) -> web.StreamResponse | None:
    """Play a fault; None means carry on and answer normally (after a stall)."""
    if fault.kind == "stall":
        await asyncio.sleep(fault.seconds)
        return None
    if fault.kind == "drop":
        if request.transport is not None:
            request.transport.abort()  # no status line, no headers: the client sees EOF
        return web.Response(status=HTTPStatus.INTERNAL_SERVER_ERROR)
    if fault.kind == "body":
        return web.Response(
            status=fault.status, text=fault.body or "", content_type="application/json"
        )
    return error_response(fault.status, retry_after=fault.retry_after)


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def api_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if not request.path.startswith(API_PREFIX):
        if request.path.startswith(ADMIN_PREFIX):
            return await _admin_guard(request, handler)
        if request.path.startswith(MEDIA_PREFIX):
            return await handler(request)  # signed links carry their own authority
        return error_response(404)
    state = _state(request)
    auth_ok = authorization_ok(request.headers.get("Authorization"), state.config)
    await record_request(request, state.requests, auth_ok)
    if state.latency > 0:
        await asyncio.sleep(state.latency)
    fault = state.faults.take(request.method, request.path)
    if fault is not None:
        faulted = await apply_transport_fault(request, fault)
        if faulted is not None:
            return faulted
    if not auth_ok:
        return error_response(401)
    try:
        return await handler(request)
    except ApiError as exc:
        return error_response(exc.status, exc.errors, exc.retry_after)
    except web.HTTPMethodNotAllowed:
        return web.json_response({"error": "Method Not Allowed"}, status=405)
    except web.HTTPNotFound:
        return error_response(404)
    except Exception:
        log.exception("simulator handler failed for %s %s", request.method, request.path)
        return error_response(500)


def is_loopback(remote: str | None) -> bool:
    try:
        return remote is not None and ipaddress.ip_address(remote).is_loopback
    except ValueError:
        return False


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
            "seed": config.seed,
            "now": _time(config.now),
            "session_count": config.session_count,
            "days": config.days,
            "latency": config.latency,
            "links": config.links,
            "project_id": config.project_id,
            "rooms": len(state.dataset.rooms),
            "conferences": len(state.dataset.conferences),
        }
    )


# --------------------------------------------------------------------------- application


def create_app(state: SimulatorState) -> web.Application:
    app = web.Application(middlewares=[api_middleware])
    app[STATE_KEY] = state
    video = "/api/video"
    app.router.add_get(f"{video}/room_sessions", list_room_sessions)
    app.router.add_get(f"{video}/room_sessions/{{id}}", get_room_session)
    app.router.add_get(f"{video}/room_sessions/{{id}}/members", list_session_members)
    app.router.add_get(f"{video}/room_sessions/{{id}}/events", list_session_events)
    app.router.add_get(f"{video}/room_sessions/{{id}}/recordings", list_session_recordings)
    app.router.add_get(f"{video}/room_recordings", list_recordings)
    app.router.add_get(f"{video}/room_recordings/{{id}}", get_recording)
    app.router.add_get(f"{MEDIA_PREFIX}{{name}}", get_media)
    app.router.add_get(f"{video}/rooms", list_rooms)
    app.router.add_get(f"{video}/rooms/{{key}}", get_room)
    app.router.add_put(f"{video}/rooms/{{key}}", update_room)
    app.router.add_get(f"{video}/conferences", list_conferences)
    app.router.add_get(f"{video}/conferences/{{id}}", get_conference)
    app.router.add_get("/__sim/info", admin_info)
    add_admin_routes(app, _state, lambda _, room: room_json(room))
    return app
