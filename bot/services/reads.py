"""The read half of `/rooms`: what each command asks of the provider.

Listeners call this, never the provider's HTTP; it names what was looked up when
something is missing, so the reply can say exactly which id or name was wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.providers.base import RoomQuery, SessionQuery, VideoProvider
from bot.providers.errors import NotFound, NotSupported
from bot.providers.ids import is_uuid
from bot.providers.models import Conference, Page, Room, RoomSession

# Rooms are sorted newest first here, which needs the whole (filtered) list; a workspace
# with more rooms than this sees the newest of the first pages the provider returns.
MAX_ROOMS_SCANNED = 5000
_OLDEST = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class RoomListing:
    items: list[Room]
    next_offset: int | None


class ReadService:
    def __init__(self, provider: VideoProvider) -> None:
        self.provider = provider

    @property
    def provider_label(self) -> str:
        return self.provider.label

    async def sessions(
        self, query: SessionQuery, *, limit: int, cursor: str | None = None
    ) -> Page[RoomSession]:
        return await self.provider.room_sessions_page(query, cursor=cursor, page_size=limit)

    async def session(self, session_id: str) -> RoomSession:
        try:
            return await self.provider.get_room_session(session_id)
        except NotFound:
            raise self._missing(f"No room session with id `{session_id}`") from None

    async def rooms(self, query: RoomQuery, *, limit: int, offset: int = 0) -> RoomListing:
        rooms: list[Room] = []
        async for room in self.provider.rooms(query):
            rooms.append(room)
            if len(rooms) >= MAX_ROOMS_SCANNED:
                break
        rooms.sort(key=lambda r: r.created_at or _OLDEST, reverse=True)
        window = rooms[offset : offset + limit]
        end = offset + len(window)
        return RoomListing(items=window, next_offset=end if end < len(rooms) else None)

    async def room(self, ref: str) -> Room:
        try:
            return await self.provider.get_room(ref, include_active_session=True)
        except NotFound:
            what = "id" if is_uuid(ref) else "name"
            raise self._missing(f"No room with {what} `{ref}`") from None

    async def conference(self, ref: str) -> Conference:
        if not self.provider.supports_conferences:
            raise NotSupported(
                f"{self.provider_label} has no conferences; try `/rooms room {ref}`.",
                provider=self.provider_label,
            )
        try:
            if is_uuid(ref):
                return await self.provider.get_conference(ref, include_active_session=True)
            return await self.provider.find_conference(ref)
        except NotFound:
            what = "id" if is_uuid(ref) else "name"
            raise self._missing(f"No conference with {what} `{ref}`") from None

    def _missing(self, message: str) -> NotFound:
        return NotFound(f"{message} on {self.provider_label}.", provider=self.provider_label)
