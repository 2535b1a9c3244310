"""Telnyx Video Rooms client (see tests/specs/telnyx-video-rooms.openapi.yaml).

Telnyx answers `{"data": ...}` with its own field names. They are mapped onto the product's
models (named after SignalWire's fields), and every Telnyx field is kept as it came, as an
extra field, because Telnyx's update catalogue speaks Telnyx's names
(`room.max_participants` is there beside `room.max_members`):

- Room: `name` = `unique_name`, `max_members` = `max_participants`, `record_on_start` =
  `enable_recording` (Telnyx records every session of such a room from its start);
  `id`, `created_at`, `updated_at` as they are; `active_session` is the session named by
  `active_session_id`, read when asked for. Telnyx has no display name, description,
  quality, layout or join window: those stay None.
- Session: `start_time` = `created_at`, `end_time` = `ended_at`, `status` = "in-progress"
  while `active`, else "completed"; `duration` = whole seconds from `created_at` to
  `ended_at` (None while active); `name` = its room's `unique_name`. Quality, layout and
  cost stay None: Telnyx reports none of them.
- Updates: `update_room` PATCHes exactly the fields it is given, under Telnyx's names
  (`unique_name`, `max_participants`, `enable_recording`, `webhook_*`); nothing is renamed.

Lists page by number. A cursor is "p" and the page number ("p3"); anything else is refused
before any request. Each page is rebuilt from the caller's own query and page size, so a
cursor never decides what a request filters. Page numbers shift when sessions start while a
listing is read: a session already seen on the page before is not yielded twice.

Telnyx filters sessions by room id, activity and creation date, and rooms by creation date
and exact name, so those go on the wire; dates are whole UTC days, so a window is widened to
whole days there and its exact instants are checked here. What is only checked here is
named by `local_filters`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import AsyncIterator, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Final, Unpack

import httpx
from cachetools import TTLCache

from bot.ids import MAX_RETRY_AFTER, parse_seconds
from bot.providers import drilldown as dd
from bot.providers.base import MAX_PAGE_SIZE, RoomQuery, SessionQuery
from bot.providers.client_base import HttpOptions, ProviderClient
from bot.providers.errors import (
    FieldError,
    Invalid,
    NotFound,
    NotSupported,
    ProviderUnavailable,
    RecordingNotReady,
)
from bot.providers.filters import names_match
from bot.providers.http import ProviderHttp, retry_after_header
from bot.providers.ids import is_uuid
from bot.providers.listing import SessionWalk, filter_sessions, room_matches
from bot.providers.models import (
    Conference,
    Member,
    Page,
    Participant,
    Recording,
    RecordingLink,
    Room,
    RoomSession,
    SessionEvent,
)
from bot.providers.paging import MAX_CURSOR_LENGTH, iterate_pages
from bot.providers.walks import REPLY_WALK, CutReason, WalkCut, WalkCutShort, WalkGuard, WalkLimits

log = logging.getLogger("bot.providers.telnyx")

LABEL: Final = "Telnyx"
DEFAULT_BASE_URL: Final = "https://api.telnyx.com/v2"
ROOMS: Final = "/rooms"
SESSIONS: Final = "/room_sessions"
RECORDINGS: Final = "/room_recordings"
# Telnyx gives a recording's size in MB; taken as 10**6 bytes (it does not say which MB).
BYTES_PER_MB: Final = 1_000_000
# Telnyx's own bound on page[size] (base.MAX_PAGE_SIZE is SignalWire's).
MAX_TELNYX_PAGE_SIZE: Final = 250
# Room names change rarely and only by a PATCH, which refreshes its own entry; a minute
# keeps a digest's walk to one room listing without showing a rename for long.
ROOM_NAMES_SECONDS: Final = 60.0
MAX_ROOM_NAMES: Final = 10_000
# Up to this many unknown rooms are read one by one; more, and one listing is cheaper.
FEW_ROOMS: Final = 3
# Telnyx documents x-ratelimit-reset as seconds until the reset; a value this large can
# only be an instant (epoch seconds), as other APIs send under the same name.
_EPOCH_SECONDS: Final = 1_000_000_000

# More results than any account holds: a `meta` claiming more is not believed.
MAX_PLAUSIBLE_RESULTS: Final = 1_000_000_000

_CURSOR = re.compile(r"p([1-9][0-9]{0,8})")
_NOT_SUPPORTED = "Telnyx has no conferences"
_NO_EVENTS = (
    "Telnyx keeps no timeline of a session's events; its participants show who joined and left"
)


def parse_telnyx_errors(body: Any) -> list[FieldError]:
    """Read the three error shapes the spec uses: `{errors: [{code, title, detail, source}]}`,
    one such error object alone (403/404), and `{message, success: false}`."""
    if not isinstance(body, dict):
        return []
    items = body.get("errors")
    if isinstance(items, list):
        return [_field_error(item) for item in items if isinstance(item, dict)]
    if any(key in body for key in ("code", "title", "detail")):
        return [_field_error(body)]
    message = body.get("message")
    if isinstance(message, str) and message:
        return [FieldError(attribute=None, message=message)]
    return []


def _field_error(item: Mapping[str, Any]) -> FieldError:
    code = item.get("code")
    message = item.get("detail") or item.get("title") or code or "invalid"
    return FieldError(
        attribute=_error_attribute(item.get("source")),
        message=str(message),
        code=str(code) if code is not None else None,
    )


def _error_attribute(source: Any) -> str | None:
    """The field a `source` names: its JSON pointer's last step, or the query parameter."""
    if not isinstance(source, dict):
        return None
    pointer = source.get("pointer")
    if isinstance(pointer, str):
        steps = [step for step in pointer.split("/") if step]
        if steps:
            return steps[-1].replace("~1", "/").replace("~0", "~")
    parameter = source.get("parameter")
    return parameter if isinstance(parameter, str) and parameter else None


def telnyx_retry_after(response: httpx.Response) -> float | None:
    """Retry-After when Telnyx sends it; on a 429 without it, x-ratelimit-reset.

    Only a 429 reads x-ratelimit-reset: Telnyx sends it on every answer, and a 503 is not
    cured by waiting for the rate limit's window to reset.
    """
    waited = retry_after_header(response)
    if waited is not None or response.status_code != 429:
        return waited
    # Seconds until the reset, or (large enough to be one) the moment of it, as Unix time.
    reset = parse_seconds(response.headers.get("x-ratelimit-reset"))
    if reset is not None and reset >= _EPOCH_SECONDS:
        reset = reset - datetime.now(UTC).timestamp()
    return None if reset is None else min(max(0.0, reset), MAX_RETRY_AFTER)


def local_filters(query: SessionQuery | RoomQuery) -> tuple[str, ...]:
    """The filters (as `/rooms` names them) that Telnyx cannot apply and this client does,
    so pages may come back short: names always, a window's ends unless on whole UTC days."""
    if isinstance(query, SessionQuery):
        named = [
            ("match", bool(query.matches)),
            ("room_name_matches", bool(query.room_name_matches)),
            ("since", _within_day(query.started_after)),
            ("until", _within_day(query.started_before)),
        ]
    else:
        named = [
            ("match", bool(query.name_matches)),
            ("created_after", _within_day(query.created_after)),
            ("created_before", _within_day(query.created_before)),
        ]
    return tuple(name for name, local in named if local)


def created_date_filters(after: datetime | None, before: datetime | None) -> dict[str, str]:
    """`filter[date_created_at][gte|lte]` for the window [after, before), widened outward
    to the whole UTC days that hold it (Telnyx takes dates, both ends inclusive)."""
    params: dict[str, str] = {}
    if after is not None:
        params["filter[date_created_at][gte]"] = _utc(after).date().isoformat()
    if before is not None:
        last_inside = _utc(before) - timedelta(microseconds=1)
        params["filter[date_created_at][lte]"] = last_inside.date().isoformat()
    return params


def _within_day(instant: datetime | None) -> bool:
    """Whether an end of a window falls inside a UTC day, so a date cannot say it exactly."""
    if instant is None:
        return False
    utc = _utc(instant)
    return utc != utc.replace(hour=0, minute=0, second=0, microsecond=0)


def _utc(instant: datetime) -> datetime:
    # Queries hold UTC instants; a naive one is taken as UTC rather than as local time.
    return instant.replace(tzinfo=UTC) if instant.tzinfo is None else instant.astimezone(UTC)


def map_room(raw: Mapping[str, Any]) -> Room:
    """A Telnyx room as the product's Room, Telnyx's fields kept beside (module docstring)."""
    name = raw.get("unique_name")
    room = Room.model_validate(
        {
            **raw,
            "name": name,
            "max_members": raw.get("max_participants"),
            "record_on_start": raw.get("enable_recording"),
        }
    )
    sessions = raw.get("sessions")
    if isinstance(sessions, list):
        # Present only when asked for with include_sessions; the active one is the room's.
        active = [s for s in sessions if isinstance(s, dict) and s.get("active") is True]
        if active:
            room.active_session = map_session(active[0], room_name=_str_or_none(name))
    return room


def map_session(raw: Mapping[str, Any], *, room_name: str | None) -> RoomSession:
    """A Telnyx room session as the product's RoomSession (module docstring)."""
    session = RoomSession.model_validate(
        {
            **raw,
            "start_time": raw.get("created_at"),
            "end_time": raw.get("ended_at"),
            "participants": _participants(raw.get("participants")),
        }
    )
    session.name = room_name
    active = raw.get("active")
    if isinstance(active, bool):
        session.status = "in-progress" if active else "completed"
    if active is False and session.start_time is not None and session.end_time is not None:
        seconds = int((session.end_time - session.start_time).total_seconds())
        session.duration = seconds if seconds >= 0 else None  # ended before it began
    return session


def _participants(raw: Any) -> list[Participant] | None:
    """Telnyx's RoomParticipants under the product's names; anything else is not one."""
    if not isinstance(raw, list):
        return None
    people = []
    for item in raw:
        if not isinstance(item, dict):
            continue
        person = Participant.model_validate({**item, "name": item.get("context"), "duration": None})
        if person.joined_at is not None and person.left_at is not None:
            seconds = int((person.left_at - person.joined_at).total_seconds())
            person.duration = seconds if seconds >= 0 else None  # left before joining
        people.append(person)
    return people


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def telnyx_participant(raw: Mapping[str, Any]) -> Member:
    """A `RoomParticipant` as a Member: its name is the `context` its client gave."""
    return dd.member(
        id=raw.get("id"),
        session_id=raw.get("session_id"),
        name=raw.get("context"),
        joined=raw.get("joined_at"),
        left=raw.get("left_at"),
    )


def telnyx_recording(raw: Mapping[str, Any], room_name: str | None) -> Recording:
    """A `RoomRecording` as a Recording; its `download_url` (a link) is not kept."""
    size_mb = dd.amount(raw.get("size_mb"))
    return Recording(
        id=dd.text(raw.get("id")),
        session_id=dd.text(raw.get("session_id")),
        room_id=dd.text(raw.get("room_id")),
        room_name=room_name,
        status=dd.text(raw.get("status")),
        started_at=dd.instant(raw.get("started_at")),
        finished_at=dd.instant(raw.get("ended_at")),
        duration=dd.count(raw.get("duration_secs")),
        size_bytes=None if size_mb is None else round(size_mb * BYTES_PER_MB),
        cost_in_dollars=None,
        format=dd.text(raw.get("type")),
        created_at=dd.instant(raw.get("created_at")),
    )


class TelnyxProvider(ProviderClient):
    name = "telnyx"
    label = LABEL
    supports_conferences = False
    reports_cost = False
    supports_session_events = False

    def __init__(self, http: ProviderHttp, *, room_names_seconds: float = ROOM_NAMES_SECONDS):
        super().__init__(http)
        # room id -> unique_name (None: no such room), so a listing costs no room GET per
        # session; bounded by the number of rooms, never by the sessions read.
        self._names: TTLCache[str, str | None] = TTLCache(
            maxsize=MAX_ROOM_NAMES, ttl=room_names_seconds
        )

    @classmethod
    def connect(
        cls,
        base_url: str,
        api_key: str,
        **options: Unpack[HttpOptions],
    ) -> TelnyxProvider:
        http = cls.open_http(
            base_url,
            headers={"Authorization": f"Bearer {api_key}"},
            parse_errors=parse_telnyx_errors,
            **options,
            retry_after=telnyx_retry_after,
        )
        return cls(http)

    async def check(self) -> None:
        await self._get(ROOMS, {"page[size]": 1})

    def local_filters(self, query: SessionQuery | RoomQuery) -> tuple[str, ...]:
        return local_filters(query)

    # -- room sessions -------------------------------------------------------------------

    async def room_sessions_page(
        self,
        query: SessionQuery,
        *,
        cursor: str | None = None,
        page_size: int = 50,
        guard: WalkGuard | None = None,
    ) -> Page[RoomSession]:
        number = _page_number(cursor)
        params = await self._session_params(query)
        if params is None:
            return Page[RoomSession]()
        guard = guard or WalkGuard(LABEL, "session listing")
        page = await self._sessions_page(params, number, page_size, guard)
        return _name_filter(filter_sessions(page, query, may_stop=True), query)

    def room_sessions(
        self,
        query: SessionQuery,
        *,
        page_size: int = MAX_PAGE_SIZE,
        limits: WalkLimits = REPLY_WALK,
    ) -> AsyncIterator[RoomSession]:
        return self._walk_sessions(query, page_size, WalkGuard(LABEL, "session listing", limits))

    async def _walk_sessions(
        self, query: SessionQuery, page_size: int, guard: WalkGuard
    ) -> AsyncIterator[RoomSession]:
        params = await self._session_params(query)
        if params is None:
            return
        walk = SessionWalk(query)

        async def fetch(cursor: str | None) -> Page[RoomSession]:
            # A session that started meanwhile pushes the list down by one: the last
            # session of a page comes again at the top of the next, and the guard, which
            # keeps only ids it has not seen, drops it.
            page = await self._sessions_page(params, _page_number(cursor), page_size, guard)
            return _name_filter(walk.take(page), query)

        async for session in iterate_pages(fetch, guard):
            yield session

    async def _session_params(self, query: SessionQuery) -> dict[str, str | int] | None:
        """The query's wire filters; None when it names a room that does not exist."""
        params: dict[str, str | int] = {}
        room_id = query.room_id
        if query.room_name:
            named = await self._room_named(query.room_name)
            found = _str_or_none(named.get("id")) if named is not None else None
            if found is None or (room_id and room_id != found):
                return None
            room_id = found
        if room_id:
            params["filter[room_id]"] = room_id
        if query.status:
            params["filter[active]"] = "true" if query.status == "in-progress" else "false"
        params.update(created_date_filters(query.started_after, query.started_before))
        return params

    async def _sessions_page(
        self, filters: Mapping[str, str | int], number: int, page_size: int, guard: WalkGuard
    ) -> Page[RoomSession]:
        """One page as Telnyx sends it (with the filters it applies), rooms named. A room
        listing for the names that was cut short cuts the page: names may be missing."""
        items, next_number, cut = await self._page(SESSIONS, filters, number, page_size, guard)
        sessions, names_cut = await self._named_sessions(items, guard)
        cut = cut or names_cut
        if cut is not None:
            return Page[RoomSession](items=sessions, cut=cut)
        return Page[RoomSession](items=sessions, next_cursor=_cursor(next_number))

    async def get_room_session(
        self, session_id: str, *, include_participants: bool = True
    ) -> RoomSession:
        """One session; with its participants unless told otherwise (the Details view
        shows them)."""
        self._require_uuid(session_id, "session id")
        params = {"include_participants": "true"} if include_participants else None
        raw = _data(await self._get(f"{SESSIONS}/{session_id}", params))
        sessions, _ = await self._named_sessions([raw], WalkGuard(LABEL, "room listing"))
        return sessions[0]

    async def _named_sessions(
        self, items: list[dict[str, Any]], guard: WalkGuard
    ) -> tuple[list[RoomSession], WalkCut | None]:
        cut = await self._learn_room_names(
            (_str_or_none(item.get("room_id")) for item in items), guard
        )
        named = [
            map_session(item, room_name=self._room_name(item.get("room_id"))) for item in items
        ]
        return named, cut

    def _room_name(self, room_id: Any) -> str | None:
        return self._names.get(room_id) if isinstance(room_id, str) else None

    async def _learn_room_names(
        self, room_ids: Iterable[str | None], guard: WalkGuard
    ) -> WalkCut | None:
        """Know the names of these rooms: a few read by id, more by one room listing (a
        walk on the way of `guard`'s, sharing its bounds); its cut, if it was cut short."""
        missing = {room_id for room_id in room_ids if room_id and room_id not in self._names}
        if not missing:
            return None
        if len(missing) <= FEW_ROOMS:
            await asyncio.gather(*(self._learn_room_name(room_id) for room_id in missing))
            return None
        rooms = self._walk_rooms(RoomQuery(), MAX_TELNYX_PAGE_SIZE, guard.nested("room listing"))
        try:
            async for _ in rooms:
                pass  # rooms_page remembers every room's name on the way
        except WalkCutShort as cut_short:
            return cut_short.cut  # the rooms not reached are not known to be gone
        for room_id in missing - set(self._names):
            self._names[room_id] = None  # deleted since: not worth asking again for a while
        return None

    async def _learn_room_name(self, room_id: str) -> None:
        try:
            raw = _data(await self._get(f"{ROOMS}/{room_id}"))
        except NotFound:
            self._names[room_id] = None
            return
        self._remember(map_room(raw))

    def _remember(self, room: Room) -> None:
        if room.id:
            self._names[room.id] = room.name

    # -- rooms ---------------------------------------------------------------------------

    async def rooms_page(
        self,
        query: RoomQuery,
        *,
        cursor: str | None = None,
        page_size: int = 50,
        guard: WalkGuard | None = None,
    ) -> Page[Room]:
        number = _page_number(cursor)
        guard = guard or WalkGuard(LABEL, "room listing")
        filters = created_date_filters(query.created_after, query.created_before)
        items, next_number, cut = await self._page(ROOMS, filters, number, page_size, guard)
        rooms = [map_room(item) for item in items]
        for room in rooms:
            self._remember(room)
        rooms = [room for room in rooms if room_matches(room, query)]
        if query.include_active_session:
            cut = cut or await self._attach_active_sessions(rooms, guard)
        if cut is not None:
            return Page[Room](items=rooms, cut=cut)
        return Page[Room](items=rooms, next_cursor=_cursor(next_number))

    def rooms(
        self, query: RoomQuery, *, page_size: int = MAX_PAGE_SIZE, limits: WalkLimits = REPLY_WALK
    ) -> AsyncIterator[Room]:
        return self._walk_rooms(query, page_size, WalkGuard(LABEL, "room listing", limits))

    def _walk_rooms(
        self, query: RoomQuery, page_size: int, guard: WalkGuard
    ) -> AsyncIterator[Room]:
        return iterate_pages(
            lambda cursor: self.rooms_page(query, cursor=cursor, page_size=page_size, guard=guard),
            guard,
        )

    async def _attach_active_sessions(self, rooms: list[Room], guard: WalkGuard) -> WalkCut | None:
        """One listing of the active sessions for the whole page, not one read per room
        (a walk of its own, within `guard`'s bounds); its cut, if it was cut short."""
        wanted: dict[str | None, Room] = {r.id: r for r in rooms if r.id and _active_id(r)}
        if not wanted:
            return None
        params: dict[str, str | int] = {"filter[active]": "true"}
        number: int | None = 1
        sessions = guard.nested("listing of active sessions")
        while number is not None and any(r.active_session is None for r in wanted.values()):
            try:
                items, number, cut = await self._page(
                    SESSIONS, params, number, MAX_TELNYX_PAGE_SIZE, sessions
                )
            except WalkCutShort as cut_short:
                return cut_short.cut
            for item in items:
                room = wanted.get(_str_or_none(item.get("room_id")))
                if room is not None and room.active_session is None:
                    room.active_session = map_session(item, room_name=room.name)
            if cut is not None:
                return cut
        return None

    async def get_room(
        self, id_or_name: str, *, include_active_session: bool = True, fresh: bool = False
    ) -> Room:
        if not id_or_name:
            raise Invalid("a room id or name is required", provider=LABEL)
        if is_uuid(id_or_name):
            body = await self._http.request("GET", f"{ROOMS}/{id_or_name}", fresh=fresh)
            raw = _data(body)
        else:
            named = await self._room_named(id_or_name, fresh=fresh)
            if named is None:
                raise NotFound(f"no room named {id_or_name!r}", provider=LABEL)
            raw = named
        room = map_room(raw)
        self._remember(room)
        active_id = _active_id(room)
        if include_active_session and room.active_session is None and active_id:
            # A session that ended and went between the two reads: the room has none now.
            with contextlib.suppress(NotFound):
                room.active_session = await self.get_room_session(
                    active_id, include_participants=False
                )
        return room

    async def _room_named(self, name: str, *, fresh: bool = False) -> dict[str, Any] | None:
        """The room whose unique_name is exactly `name` (filter[unique_name] on the wire)."""
        params: dict[str, str | int] = {"filter[unique_name]": name, "page[size]": 20}
        body = await self._http.request("GET", ROOMS, params=params, fresh=fresh)
        for item in _items(body):
            if item.get("unique_name") == name:
                return item
        return None

    async def update_room(self, room_id: str, fields: Mapping[str, Any]) -> Room:
        self._require_uuid(room_id, "room id")
        if not fields:
            raise Invalid("no room fields to update", provider=LABEL)
        body = await self._http.request("PATCH", f"{ROOMS}/{room_id}", json=dict(fields))
        room = map_room(_data(body))
        self._remember(room)  # a renamed room's sessions take the new name at once
        return room

    # -- conferences: Telnyx has none; refused without a call ----------------------------

    async def conferences_page(
        self, *, cursor: str | None = None, page_size: int = 50, guard: WalkGuard | None = None
    ) -> Page[Conference]:
        raise NotSupported(_NOT_SUPPORTED, provider=LABEL)

    def conferences(
        self, *, page_size: int = MAX_PAGE_SIZE, limits: WalkLimits = REPLY_WALK
    ) -> AsyncIterator[Conference]:
        raise NotSupported(_NOT_SUPPORTED, provider=LABEL)

    async def get_conference(
        self, conference_id: str, *, include_active_session: bool = True
    ) -> Conference:
        raise NotSupported(_NOT_SUPPORTED, provider=LABEL)

    async def find_conference(self, name: str) -> Conference:
        raise NotSupported(_NOT_SUPPORTED, provider=LABEL)

    # -- drill-down: participants, recordings (Telnyx has no session events) -------------

    async def session_members_page(
        self,
        session_id: str,
        *,
        cursor: str | None = None,
        page_size: int = 50,
        guard: WalkGuard | None = None,
    ) -> Page[Member]:
        self._require_uuid(session_id, "session id")
        number = _page_number(cursor)
        guard = guard or WalkGuard(LABEL, "participant listing")
        endpoint = f"{SESSIONS}/{session_id}/participants"
        with dd.unknown(LABEL, "session", session_id):
            items, next_number, cut = await self._page(endpoint, {}, number, page_size, guard)
        members = dd.by_joining(dd.parsed(items, telnyx_participant))
        if cut is not None:
            return Page[Member](items=members, cut=cut)
        return Page[Member](items=members, next_cursor=_cursor(next_number))

    def session_members(
        self, session_id: str, *, page_size: int = MAX_PAGE_SIZE, limits: WalkLimits = REPLY_WALK
    ) -> AsyncIterator[Member]:
        self._require_uuid(session_id, "session id")
        guard = WalkGuard(LABEL, "participant listing", limits)
        return iterate_pages(
            lambda cursor: self.session_members_page(
                session_id, cursor=cursor, page_size=page_size, guard=guard
            ),
            guard,
        )

    async def session_events_page(
        self,
        session_id: str,
        *,
        cursor: str | None = None,
        page_size: int = 50,
        guard: WalkGuard | None = None,
    ) -> Page[SessionEvent]:
        raise NotSupported(_NO_EVENTS, provider=LABEL)

    def session_events(
        self, session_id: str, *, page_size: int = MAX_PAGE_SIZE, limits: WalkLimits = REPLY_WALK
    ) -> AsyncIterator[SessionEvent]:
        raise NotSupported(_NO_EVENTS, provider=LABEL)

    async def recordings_page(
        self,
        session_id: str | None = None,
        *,
        cursor: str | None = None,
        page_size: int = 50,
        guard: WalkGuard | None = None,
    ) -> Page[Recording]:
        # Items carry their `download_url`: read past the cache, and not kept.
        filters: dict[str, str | int] = {}
        if session_id is not None:
            self._require_uuid(session_id, "session id")
            filters["filter[session_id]"] = session_id
        number = _page_number(cursor)
        guard = guard or WalkGuard(LABEL, "recording listing")
        items, next_number, cut = await self._page(
            RECORDINGS, filters, number, page_size, guard, fresh=True
        )
        cut = cut or await self._learn_room_names(
            (_str_or_none(item.get("room_id")) for item in items), guard
        )
        recordings = dd.newest_first(
            [telnyx_recording(item, self._room_name(item.get("room_id"))) for item in items]
        )
        if cut is not None:
            return Page[Recording](items=recordings, cut=cut)
        return Page[Recording](items=recordings, next_cursor=_cursor(next_number))

    async def recording_link(self, recording_id: str, *, ttl_seconds: int) -> RecordingLink:
        """Telnyx's `download_url` as it is now; it sets the lifetime, not `ttl_seconds`."""
        self._require_uuid(recording_id, "recording id")
        with dd.unknown(LABEL, "recording", recording_id):
            body = await self._http.request("GET", f"{RECORDINGS}/{recording_id}", fresh=True)
        raw = _data(body)
        status = _str_or_none(raw.get("status"))
        url = raw.get("download_url")
        if status != "completed" or not isinstance(url, str) or not url:
            raise RecordingNotReady(
                f"the recording is {status or 'not ready'}: it has no link yet",
                status,
                provider=LABEL,
            )
        if not dd.web_address(url):
            raise ProviderUnavailable(
                f"{LABEL} sent a recording link that is not a web address", provider=LABEL
            )
        return RecordingLink(url=url, expires_at=None)

    # -- plumbing ------------------------------------------------------------------------

    async def _page(
        self,
        endpoint: str,
        filters: Mapping[str, str | int],
        number: int,
        page_size: int,
        guard: WalkGuard,
        *,
        fresh: bool = False,
    ) -> tuple[list[dict[str, Any]], int | None, WalkCut | None]:
        """One page's items (those new to `guard`'s walk), the next page's number (None
        after the last) and the cut, when the page ended the walk early: its `meta`
        contradicts it (its items are dropped when it is another page), or it brought
        nothing new."""
        size = _page_size(page_size)
        params = {**filters, "page[size]": size, "page[number]": number}
        async with guard.fetching():
            body = await self._http.request("GET", endpoint, params=params, fresh=fresh)
        items = _items(body)
        meta = body.get("meta") if isinstance(body, dict) else None
        next_number, problem = check_page_meta(meta, number=number, size=size, count=len(items))
        if problem is not None:
            log.warning("%s page %d: meta not believed (%s)", endpoint, number, problem)
            if isinstance(meta, dict) and meta.get("page_number") not in (None, number):
                items = []
            contradicted = guard.cut(CutReason.INCONSISTENT, problem)
            kept, _ = guard.take(items, _item_id)
            return kept, None, contradicted
        kept, cut = guard.take(items, _item_id)
        return kept, (None if cut else next_number), cut


def check_page_meta(
    meta: Any, *, number: int, size: int, count: int
) -> tuple[int | None, str | None]:
    """The next page's number (None after the last), or what is wrong with `meta` (pure).

    `meta` is checked against the page it came with, never trusted alone: it must be the
    page that was asked for, its totals plausible and each other's match for its page size,
    and the page as full as they say. Without totals, a full page means there may be more.
    """
    if not isinstance(meta, dict):
        meta = {}
    fields: dict[str, int | None] = {}
    for name in ("page_number", "page_size", "total_pages", "total_results"):
        value = meta.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            return None, f"meta.{name} is not a whole number"
        if value is not None and value < 0:
            return None, f"meta.{name} is negative"
        fields[name] = value
    page_number, per = fields["page_number"], fields["page_size"] or size
    if page_number is not None and page_number != number:
        return None, f"page {number} came back as page {page_number}"
    if count > per:
        return None, f"page {number} held {count} items, more than its page size of {per}"
    results, pages = fields["total_results"], fields["total_pages"]
    if results is not None and results > MAX_PLAUSIBLE_RESULTS:
        return None, f"it claims {results:,} results"
    if results is not None:
        derived = -(-results // per)
        if pages is not None and pages != derived and not (results == 0 and pages <= 1):
            return None, f"it claims {pages:,} pages for {results:,} results of {per} a page"
        pages = derived
    if pages is None:
        return (number + 1 if count >= per else None), None
    if number < pages:
        if count != per:
            return None, f"page {number} of {pages:,} held {count} items, not {per}"
        return number + 1, None
    if number > pages:
        if count:
            return None, f"page {number} held {count} items past the last page, {pages:,}"
        return None, None
    expected = results - (number - 1) * per if results is not None else None
    if count == 0 or (expected is not None and count != expected):
        return None, f"the last page, {number}, held {count} items, not {expected or 'some'}"
    return None, None


def _item_id(item: dict[str, Any]) -> object:
    return item.get("id")


def _page_number(cursor: str | None) -> int:
    """The page a cursor stands for. Cursors come back from Slack buttons: checked first."""
    if cursor is None:
        return 1
    match = _CURSOR.fullmatch(cursor) if len(cursor) <= MAX_CURSOR_LENGTH else None
    if match is None:
        raise Invalid("that page link is not valid any more", provider=LABEL)
    return int(match.group(1))


def _cursor(number: int | None) -> str | None:
    return f"p{number}" if number is not None else None


def _page_size(requested: int) -> int:
    return max(1, min(MAX_TELNYX_PAGE_SIZE, requested))


def _items(body: Any) -> list[dict[str, Any]]:
    data = body.get("data") if isinstance(body, dict) else None
    return [item for item in data if isinstance(item, dict)] if isinstance(data, list) else []


def _data(body: Any) -> dict[str, Any]:
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        raise ProviderUnavailable(f"{LABEL} sent an answer without data", provider=LABEL)
    return data


def _active_id(room: Room) -> str | None:
    return _str_or_none(room.extra_fields().get("active_session_id"))


def _name_filter(page: Page[RoomSession], query: SessionQuery) -> Page[RoomSession]:
    """SessionQuery.room_name_matches is SignalWire's filter; Telnyx has none, so here."""
    needle = query.room_name_matches
    if needle:
        page.items = [s for s in page.items if names_match(needle, s.name)]
    return page
