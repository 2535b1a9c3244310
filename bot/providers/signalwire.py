"""SignalWire Video REST client (see tests/specs/signalwire-video.openapi.yaml).

Page cursors are SignalWire's own `page_token`, prefixed with its `page_number` when the
`links.next` URL carries one: `"3:PTxyz"`. A cursor never decides where a request goes or
what it filters: each page is rebuilt from the caller's endpoint, query and page size.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any, TypeVar, Unpack
from urllib.parse import quote

import httpx

from bot.providers.base import MAX_PAGE_SIZE, RoomQuery, SessionQuery
from bot.providers.client_base import HttpOptions, ProviderClient
from bot.providers.errors import FieldError, Invalid, NotFound
from bot.providers.listing import SessionWalk, filter_sessions, room_matches
from bot.providers.models import Conference, Page, Room, RoomSession
from bot.providers.paging import PageToken, iterate_pages, next_page_token
from bot.providers.walks import REPLY_WALK, WalkGuard, WalkLimits

LABEL = "SignalWire"
API = "/api/video"
SESSIONS = f"{API}/room_sessions"
ROOMS = f"{API}/rooms"
CONFERENCES = f"{API}/conferences"

M = TypeVar("M", RoomSession, Room, Conference)


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
        return await self._page(SESSIONS, params, cursor, RoomSession, guard)

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
        page = await self._page(ROOMS, params, cursor, Room, guard)
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
        return await self._page(CONFERENCES, params, cursor, Conference, guard)

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

    # -- plumbing ------------------------------------------------------------------------

    async def _page(
        self,
        endpoint: str,
        params: dict[str, str | int],
        cursor: str | None,
        model: type[M],
        guard: WalkGuard | None = None,
    ) -> Page[M]:
        if cursor is not None:
            # Cursors come back from Slack buttons: only their token, checked, goes on.
            token = PageToken.from_cursor(cursor)
            if token is None:
                raise Invalid("that page link is not valid any more", provider=self._http.provider)
            if token.number is not None:
                params["page_number"] = token.number
            params["page_token"] = token.token
        if guard is None:
            body = await self._get(endpoint, params)
        else:
            async with guard.fetching():
                body = await self._get(endpoint, params)
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
        items = [model.model_validate(item) for item in data if isinstance(item, dict)]
        next_cursor = found.cursor() if found is not None else None
        if guard is not None:
            # A next link that leads back to a page token seen before ends the walk, and so
            # does a page of ids seen before (the link may be new each time).
            items, cut = guard.take(items, lambda item: item.id, found.token if found else None)
            if cut is not None:
                return Page[M](items=items, cut=cut)
        return Page[M](items=items, next_cursor=next_cursor)


def _page_size(requested: int) -> int:
    return max(1, min(MAX_PAGE_SIZE, requested))
