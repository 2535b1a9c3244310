"""The one interface every video provider implements.

Callers depend on this protocol only, so a second provider (Telnyx: PATCH updates,
page[number] paging, no conferences) fits without changing them. Lists come two ways:
`*_page` for one page and an opaque cursor (what a Slack "More" button carries), and an
async iterator over every item (what the digest walks). Every walk is bounded
(bot/providers/walks.py): an iterator raises WalkCutShort after the items it read when
it was cut, and a page read under a caller's WalkGuard comes back with `cut` set.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol

from bot.providers.health import ProviderHealth
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
from bot.providers.walks import REPLY_WALK, WalkGuard, WalkLimits

SessionStatus = Literal["in-progress", "completed"]
MAX_PAGE_SIZE = 1000
# Each VIDEO_PROVIDER value as people write it (the providers' own `label`).
PROVIDER_LABELS: Mapping[str, str] = {"signalwire": "SignalWire", "telnyx": "Telnyx"}


def provider_label(name: str) -> str:
    """How people write a provider named by its VIDEO_PROVIDER value (as stored requests
    keep it); an unknown name as it is."""
    return PROVIDER_LABELS.get(name, name)


@dataclass(frozen=True)
class SessionQuery:
    room_id: str | None = None
    room_name: str | None = None
    room_name_matches: str | None = None  # the provider's own filter: part of the name
    # What people search for: part of the name or the display name, any case.
    matches: str | None = None
    status: SessionStatus | None = None
    # Start-time window, UTC: [started_after, started_before).
    started_after: datetime | None = None
    started_before: datetime | None = None


@dataclass(frozen=True)
class RoomQuery:
    """Room filters. Providers apply on the wire what their API supports, the rest locally."""

    name_matches: str | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None
    include_active_session: bool = False


class VideoProvider(Protocol):
    name: str  # the VIDEO_PROVIDER value
    label: str  # how people write it
    supports_conferences: bool
    reports_cost: bool  # whether sessions can carry cost_in_dollars
    # Whether `session_events*` can answer (SignalWire); Telnyx's raise NotSupported, and
    # a timeline there is built from the participants' joins and leaves.
    supports_session_events: bool

    def local_filters(self, query: SessionQuery | RoomQuery) -> tuple[str, ...]:
        """The query's filters (as `/rooms` names them) this client applies to what the
        provider returned, because the provider cannot: replies say so."""
        ...

    async def room_sessions_page(
        self,
        query: SessionQuery,
        *,
        cursor: str | None = None,
        page_size: int = 50,
        guard: WalkGuard | None = None,
    ) -> Page[RoomSession]: ...

    def room_sessions(
        self,
        query: SessionQuery,
        *,
        page_size: int = MAX_PAGE_SIZE,
        limits: WalkLimits = REPLY_WALK,
    ) -> AsyncIterator[RoomSession]: ...

    async def get_room_session(self, session_id: str) -> RoomSession: ...

    async def rooms_page(
        self,
        query: RoomQuery,
        *,
        cursor: str | None = None,
        page_size: int = 50,
        guard: WalkGuard | None = None,
    ) -> Page[Room]: ...

    def rooms(
        self, query: RoomQuery, *, page_size: int = MAX_PAGE_SIZE, limits: WalkLimits = REPLY_WALK
    ) -> AsyncIterator[Room]: ...

    async def get_room(
        self, id_or_name: str, *, include_active_session: bool = True, fresh: bool = False
    ) -> Room:
        """`fresh=True`: as the provider has it now, never from the short read cache."""
        ...

    async def update_room(self, room_id: str, fields: Mapping[str, Any]) -> Room: ...

    async def conferences_page(
        self, *, cursor: str | None = None, page_size: int = 50, guard: WalkGuard | None = None
    ) -> Page[Conference]: ...

    def conferences(
        self, *, page_size: int = MAX_PAGE_SIZE, limits: WalkLimits = REPLY_WALK
    ) -> AsyncIterator[Conference]: ...

    async def get_conference(
        self, conference_id: str, *, include_active_session: bool = True
    ) -> Conference: ...

    async def find_conference(self, name: str) -> Conference: ...

    # -- drill-down: members, events, recordings of a session ------------------------------
    # Session and recording ids are checked (a UUID) before any request: Invalid, and no
    # call. An unknown session or recording is NotFound. Cursors are the providers' own
    # (what a More button carries with the session id); pages come in the product's order.

    async def session_members_page(
        self,
        session_id: str,
        *,
        cursor: str | None = None,
        page_size: int = 50,
        guard: WalkGuard | None = None,
    ) -> Page[Member]:
        """Who was (or is) in the session, by joining time within the page."""
        ...

    def session_members(
        self, session_id: str, *, page_size: int = MAX_PAGE_SIZE, limits: WalkLimits = REPLY_WALK
    ) -> AsyncIterator[Member]: ...

    async def session_events_page(
        self,
        session_id: str,
        *,
        cursor: str | None = None,
        page_size: int = 50,
        guard: WalkGuard | None = None,
    ) -> Page[SessionEvent]:
        """The session's timeline, oldest first within the page; NotSupported on Telnyx."""
        ...

    def session_events(
        self, session_id: str, *, page_size: int = MAX_PAGE_SIZE, limits: WalkLimits = REPLY_WALK
    ) -> AsyncIterator[SessionEvent]: ...

    async def recordings_page(
        self,
        session_id: str | None = None,
        *,
        cursor: str | None = None,
        page_size: int = 50,
        guard: WalkGuard | None = None,
    ) -> Page[Recording]:
        """Recordings of one session, or of every session when None; newest first within
        the page. No link comes with them: ask `recording_link` for one."""
        ...

    async def recording_link(self, recording_id: str, *, ttl_seconds: int) -> RecordingLink:
        """A download link fetched now, never cached, never logged. SignalWire makes it
        valid for `ttl_seconds` (media_ttl); Telnyx states no lifetime (expires_at None).
        RecordingNotReady when the recording has no link yet (still processing)."""
        ...

    async def check(self) -> None:
        """Reach the provider with the configured credentials (one cheap call)."""

    def health(self) -> ProviderHealth:
        """How the provider's recent calls went, without calling it (for /healthz)."""

    async def aclose(self) -> None: ...
