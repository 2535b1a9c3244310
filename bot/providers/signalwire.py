"""SignalWire Video REST client (see tests/specs/signalwire-video.openapi.yaml).

Page cursors are SignalWire's own `page_token`, prefixed with its `page_number` when the
`links.next` URL carries one: `"3:PTxyz"`. A cursor never decides where a request goes or
what it filters: each page is rebuilt from the caller's endpoint, query and page size.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar, Unpack
from urllib.parse import quote

import httpx

from bot.providers import drilldown as dd
from bot.providers.base import MAX_PAGE_SIZE, RoomQuery, SessionQuery
from bot.providers.client_base import HttpOptions, ProviderClient
from bot.providers.errors import (
    FieldError,
    Invalid,
    NotFound,
    ProviderUnavailable,
    RecordingNotReady,
)
from bot.providers.listing import SessionWalk, filter_sessions, room_matches
from bot.providers.models import (
    Conference,
    Member,
    Page,
    Recording,
    RecordingLink,
    Room,
    RoomSession,
    SessionEvent,
)
from bot.providers.paging import PageToken, iterate_pages, next_page_token
from bot.providers.walks import REPLY_WALK, WalkGuard, WalkLimits

LABEL = "SignalWire"
API = "/api/video"
SESSIONS = f"{API}/room_sessions"
ROOMS = f"{API}/rooms"
CONFERENCES = f"{API}/conferences"
RECORDINGS = f"{API}/room_recordings"


M = TypeVar("M", RoomSession, Room, Conference, Member, SessionEvent, Recording)


def parse_signalwire_errors(body: Any) -> list[FieldError]:
    """Read `{errors: [{attribute, message, code}]}` (422) or `{error: "..."}` (others)."""
    if not isinstance(body, dict):
        return []
    items = body.get("errors")
    if isinstance(items, list):
        return [
            FieldError(
                attribute=item.get("attribute"),
                message=str(item.get("message") or item.get("code") or "invalid"),
                code=item.get("code"),
            )
            for item in items
            if isinstance(item, dict)
        ]
    if isinstance(body.get("error"), str):
        return [FieldError(attribute=None, message=body["error"])]
    return []


def local_filters(query: SessionQuery | RoomQuery) -> tuple[str, ...]:
    """SignalWire filters sessions by room and status only, and rooms by none of the
    filters `/rooms list` takes."""
    if isinstance(query, SessionQuery):
        named = [
            ("match", bool(query.matches)),
            ("since", query.started_after is not None),
            ("until", query.started_before is not None),
        ]
    else:
        named = [
            ("match", bool(query.name_matches)),
            ("created_after", query.created_after is not None),
            ("created_before", query.created_before is not None),
        ]
    return tuple(name for name, local in named if local)


class SignalWireProvider(ProviderClient):
    name = "signalwire"
    label = LABEL
    supports_conferences = True
    reports_cost = True
    supports_session_events = True

    @classmethod
    def connect(
        cls,
        base_url: str,
        project_id: str,
        api_token: str,
        **options: Unpack[HttpOptions],
    ) -> SignalWireProvider:
        http = cls.open_http(
            base_url,
            auth=httpx.BasicAuth(project_id, api_token),
            parse_errors=parse_signalwire_errors,
            **options,
        )
        return cls(http)

    async def check(self) -> None:
        await self._get(ROOMS, {"page_size": 1})

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
        page = await self._sessions_page(query, cursor, page_size, guard)
        return filter_sessions(page, query, may_stop=True)

    def room_sessions(
        self,
        query: SessionQuery,
        *,
        page_size: int = MAX_PAGE_SIZE,
        limits: WalkLimits = REPLY_WALK,
    ) -> AsyncIterator[RoomSession]:
        walk = SessionWalk(query)
        guard = WalkGuard(LABEL, "session listing", limits)

        async def fetch(cursor: str | None) -> Page[RoomSession]:
            return walk.take(await self._sessions_page(query, cursor, page_size, guard))

        return iterate_pages(fetch, guard)

    async def _sessions_page(
        self, query: SessionQuery, cursor: str | None, page_size: int, guard: WalkGuard | None
    ) -> Page[RoomSession]:
        """One page as SignalWire sends it, with the filters it applies itself."""
        params: dict[str, str | int] = {"page_size": _page_size(page_size)}
        for key in ("room_id", "room_name", "room_name_matches", "status"):
            value = getattr(query, key)
            if value:
                params[key] = value
        return await self._page(SESSIONS, params, cursor, RoomSession.model_validate, guard)

    async def get_room_session(self, session_id: str) -> RoomSession:
        self._require_uuid(session_id, "session id")
        return RoomSession.model_validate(await self._get(f"{SESSIONS}/{session_id}"))

    # -- rooms ---------------------------------------------------------------------------

    async def rooms_page(
        self,
        query: RoomQuery,
        *,
        cursor: str | None = None,
        page_size: int = 50,
        guard: WalkGuard | None = None,
    ) -> Page[Room]:
        params: dict[str, str | int] = {"page_size": _page_size(page_size)}
        if query.include_active_session:
            params["include_active_session"] = "true"
        page = await self._page(ROOMS, params, cursor, Room.model_validate, guard)
        # SignalWire filters rooms only by join window; name and creation date are matched
        # here, page by page, so the cursor stays the provider's own.
        page.items = [room for room in page.items if room_matches(room, query)]
        return page

    def rooms(
        self, query: RoomQuery, *, page_size: int = MAX_PAGE_SIZE, limits: WalkLimits = REPLY_WALK
    ) -> AsyncIterator[Room]:
        guard = WalkGuard(LABEL, "room listing", limits)
        return iterate_pages(
            lambda cursor: self.rooms_page(query, cursor=cursor, page_size=page_size, guard=guard),
            guard,
        )

    async def get_room(
        self, id_or_name: str, *, include_active_session: bool = True, fresh: bool = False
    ) -> Room:
        if not id_or_name:
            raise Invalid("a room id or name is required", provider=self._http.provider)
        # The API serves both /rooms/{id} and /rooms/{name} on one path; a uuid means an id.
        path = f"{ROOMS}/{quote(id_or_name, safe='')}"
        params = {"include_active_session": "true"} if include_active_session else None
        body = await self._http.request("GET", path, params=params, fresh=fresh)
        return Room.model_validate(body)

    async def update_room(self, room_id: str, fields: Mapping[str, Any]) -> Room:
        self._require_uuid(room_id, "room id")
        if not fields:
            raise Invalid("no room fields to update", provider=self._http.provider)
        body = await self._http.request("PUT", f"{ROOMS}/{room_id}", json=dict(fields))
        return Room.model_validate(body)

    # -- conferences ---------------------------------------------------------------------

    async def conferences_page(
        self, *, cursor: str | None = None, page_size: int = 50, guard: WalkGuard | None = None
    ) -> Page[Conference]:
        params: dict[str, str | int] = {"page_size": _page_size(page_size)}
        return await self._page(CONFERENCES, params, cursor, Conference.model_validate, guard)

    def conferences(
        self, *, page_size: int = MAX_PAGE_SIZE, limits: WalkLimits = REPLY_WALK
    ) -> AsyncIterator[Conference]:
        guard = WalkGuard(LABEL, "conference listing", limits)
        return iterate_pages(
            lambda cursor: self.conferences_page(cursor=cursor, page_size=page_size, guard=guard),
            guard,
        )

    async def get_conference(
        self, conference_id: str, *, include_active_session: bool = True
    ) -> Conference:
        self._require_uuid(conference_id, "conference id")
        params = {"include_active_session": "true"} if include_active_session else None
        return Conference.model_validate(await self._get(f"{CONFERENCES}/{conference_id}", params))

    async def find_conference(self, name: str) -> Conference:
        """The API has no lookup by name: walk the list, then fetch the match with its session."""
        async for conference in self.conferences():
            if conference.name == name and conference.id:
                return await self.get_conference(conference.id)
        raise NotFound(f"no conference named {name!r}", provider=self._http.provider)

    # -- drill-down: members, events, recordings ------------------------------------------

    async def session_members_page(
        self,
        session_id: str,
        *,
        cursor: str | None = None,
        page_size: int = 50,
        guard: WalkGuard | None = None,
    ) -> Page[Member]:
        self._require_uuid(session_id, "session id")
        params: dict[str, str | int] = {"page_size": _page_size(page_size)}
        with dd.unknown(LABEL, "session", session_id):
            page = await self._page(
                f"{SESSIONS}/{session_id}/members", params, cursor, signalwire_member, guard
            )
        page.items = dd.by_joining(page.items)
        return page

    def session_members(
        self, session_id: str, *, page_size: int = MAX_PAGE_SIZE, limits: WalkLimits = REPLY_WALK
    ) -> AsyncIterator[Member]:
        self._require_uuid(session_id, "session id")
        guard = WalkGuard(LABEL, "member listing", limits)
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
        self._require_uuid(session_id, "session id")
        params: dict[str, str | int] = {"page_size": _page_size(page_size)}
        with dd.unknown(LABEL, "session", session_id):
            page = await self._page(
                f"{SESSIONS}/{session_id}/events", params, cursor, signalwire_event, guard
            )
        page.items = dd.oldest_first(page.items)
        return page

    def session_events(
        self, session_id: str, *, page_size: int = MAX_PAGE_SIZE, limits: WalkLimits = REPLY_WALK
    ) -> AsyncIterator[SessionEvent]:
        self._require_uuid(session_id, "session id")
        guard = WalkGuard(LABEL, "event listing", limits)
        return iterate_pages(
            lambda cursor: self.session_events_page(
                session_id, cursor=cursor, page_size=page_size, guard=guard
            ),
            guard,
        )

    async def recordings_page(
        self,
        session_id: str | None = None,
        *,
        cursor: str | None = None,
        page_size: int = 50,
        guard: WalkGuard | None = None,
    ) -> Page[Recording]:
        # Each item of these lists carries a freshly minted link (`uri`): the page is read
        # past the cache and the links are dropped on the way (signalwire_recording).
        params: dict[str, str | int] = {"page_size": _page_size(page_size)}
        if session_id is None:
            page = await self._page(
                RECORDINGS, params, cursor, signalwire_recording, guard, fresh=True
            )
        else:
            self._require_uuid(session_id, "session id")
            endpoint = f"{SESSIONS}/{session_id}/recordings"
            with dd.unknown(LABEL, "session", session_id):
                page = await self._page(
                    endpoint, params, cursor, signalwire_recording, guard, fresh=True
                )
        page.items = dd.newest_first(page.items)
        return page

    async def recording_link(self, recording_id: str, *, ttl_seconds: int) -> RecordingLink:
        self._require_uuid(recording_id, "recording id")
        if ttl_seconds < 1:
            raise Invalid("a link must live at least a second", provider=LABEL)
        # The lifetime runs from about when SignalWire mints the link: counted from before
        # asking, so the expiry shown is never later than the real one.
        asked_at = datetime.now(UTC)
        with dd.unknown(LABEL, "recording", recording_id):
            body = await self._http.request(
                "GET",
                f"{RECORDINGS}/{recording_id}",
                params={"media_ttl": ttl_seconds},
                fresh=True,
            )
        raw = body if isinstance(body, dict) else {}
        status = dd.text(raw.get("status"))
        url = raw.get("uri")
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
        return RecordingLink(url=url, expires_at=asked_at + timedelta(seconds=ttl_seconds))

    # -- plumbing ------------------------------------------------------------------------

    async def _page(
        self,
        endpoint: str,
        params: dict[str, str | int],
        cursor: str | None,
        parse: Callable[[dict[str, Any]], M],
        guard: WalkGuard | None = None,
        *,
        fresh: bool = False,
    ) -> Page[M]:
        """One page; `fresh`: past the read cache (recording pages carry links, which are
        never kept)."""
        if cursor is not None:
            # Cursors come back from Slack buttons: only their token, checked, goes on.
            token = PageToken.from_cursor(cursor)
            if token is None:
                raise Invalid("that page link is not valid any more", provider=self._http.provider)
            if token.number is not None:
                params["page_number"] = token.number
            params["page_token"] = token.token
        if guard is None:
            body = await self._http.request("GET", endpoint, params=params, fresh=fresh)
        else:
            async with guard.fetching():
                body = await self._http.request("GET", endpoint, params=params, fresh=fresh)
        if not isinstance(body, dict):
            body = {}
        data = body.get("data") or []
        links = body.get("links") or {}
        found = (
            next_page_token(
                links.get("next"), base_url=str(self._http.client.base_url), endpoint=endpoint
            )
            if isinstance(links, dict)
            else None
        )
        items = dd.parsed(data if isinstance(data, list) else [], parse)
        next_cursor = found.cursor() if found is not None else None
        if guard is not None:
            # A next link that leads back to a page token seen before ends the walk, and so
            # does a page of ids seen before (the link may be new each time).
            items, cut = guard.take(items, lambda item: item.id, found.token if found else None)
            if cut is not None:
                return Page[M](items=items, cut=cut)
        return Page[M](items=items, next_cursor=next_cursor)


def signalwire_member(raw: Mapping[str, Any]) -> Member:
    """`Video.RoomSessionMember` as a Member."""
    return dd.member(
        id=raw.get("id"),
        session_id=raw.get("room_session_id"),
        name=raw.get("name"),
        joined=raw.get("join_time"),
        left=raw.get("leave_time"),
        duration=raw.get("duration"),
        cost=raw.get("cost_in_dollars"),
    )


def signalwire_event(raw: Mapping[str, Any]) -> SessionEvent:
    """`Video.RoomSessionEvent` as a SessionEvent. Its payload is free-form: only the few
    values a timeline line names are looked for, where SignalWire's events put them."""
    payload = raw.get("payload")
    return SessionEvent(
        id=dd.text(raw.get("id")),
        name=dd.text(raw.get("name")),
        at=dd.instant(raw.get("created_at")),
        level=dd.text(raw.get("level")),
        member_id=dd.text(raw.get("room_participant_id"))
        or dd.nested_text(payload, ("member", "id")),
        member_name=dd.nested_text(payload, ("member", "name"), ("member_name",)),
        layout=dd.nested_text(payload, ("layout", "name"), ("layout",), ("layout_name",)),
        recording_id=dd.text(raw.get("room_recording_id"))
        or dd.nested_text(payload, ("recording", "id")),
    )


def signalwire_recording(raw: Mapping[str, Any]) -> Recording:
    """`Video.RoomRecording` as a Recording; its `uri` (a link) is not kept."""
    return Recording(
        id=dd.text(raw.get("id")),
        session_id=dd.text(raw.get("room_session_id")),
        room_id=None,
        room_name=None,
        status=dd.text(raw.get("status")),
        started_at=dd.instant(raw.get("started_at")),
        finished_at=dd.instant(raw.get("finished_at")),
        duration=dd.count(raw.get("duration")),
        size_bytes=dd.count(raw.get("size_in_bytes")),
        cost_in_dollars=dd.amount(raw.get("cost_in_dollars")),
        format=dd.text(raw.get("format")),
        created_at=dd.instant(raw.get("created_at")),
    )


def _page_size(requested: int) -> int:
    return max(1, min(MAX_PAGE_SIZE, requested))
