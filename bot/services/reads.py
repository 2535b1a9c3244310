"""The read half of `/rooms`: what each command asks of the provider.

Listeners call this, never the provider's HTTP; it names what was looked up when
something is missing, so the reply can say exactly which id or name was wrong, and which
names are close.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Generic, TypeVar

from bot.providers.base import RoomQuery, SessionQuery, VideoProvider
from bot.providers.errors import Invalid, NotFound, NotSupported
from bot.providers.filters import names_match, needs_local_filter
from bot.providers.ids import is_uuid
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
from bot.providers.walks import REPLY_WALK, WalkCut, WalkCutShort, WalkGuard, WalkLimits
from bot.render.text import escape
from bot.services.scan_cursor import ScanCursor
from bot.suggest import closest

# Rooms are sorted newest first here, which needs the whole (filtered) list; a workspace
# with more rooms than this sees the newest of the first pages the provider returns.
MAX_ROOMS_SCANNED = 5000
# A search the provider cannot do reads pages of this size, and at most this many of them
# per reply; "More" goes on from there.
SCAN_PAGE_SIZE = 500
MAX_SCAN_PAGES = 10
# How far back among a room's sessions the cost of one session is looked for.
COST_LOOKUP_PAGE = 100
_OLDEST = datetime.min.replace(tzinfo=UTC)

Named = TypeVar("Named", Room, Conference)
Item = TypeVar("Item")


@dataclass(frozen=True)
class Listing(Generic[Item]):
    items: list[Item]
    next_offset: int | None
    # Set when the provider's listing was cut short (bot/providers/walks.py): the items
    # are what it returned before that, and the reply says so.
    cut: WalkCut | None = None


RoomListing = Listing[Room]


class ReadService:
    """`limits` bound each walk a reply makes through the provider's pages."""

    def __init__(self, provider: VideoProvider, *, limits: WalkLimits = REPLY_WALK) -> None:
        self.provider = provider
        self.limits = limits

    @property
    def provider_label(self) -> str:
        return self.provider.label

    # -- sessions ------------------------------------------------------------------------

    async def sessions(
        self, query: SessionQuery, *, limit: int, cursor: str | None = None
    ) -> Page[RoomSession]:
        if query.room_name:
            room = await self._room_by_name(query.room_name)
            if query.room_id and query.room_id != room.id:
                return Page[RoomSession]()  # room= and room_id= name different rooms
            query = replace(query, room_name=None, room_id=room.id)
        if not needs_local_filter(query):
            return await self.provider.room_sessions_page(query, cursor=cursor, page_size=limit)
        return await self._scan_sessions(query, limit, cursor)

    async def _scan_sessions(
        self, query: SessionQuery, limit: int, cursor: str | None
    ) -> Page[RoomSession]:
        position = ScanCursor.parse(cursor)
        if position is None:
            raise Invalid("that page link is not valid any more", provider=self.provider_label)
        found: list[RoomSession] = []
        guard = WalkGuard(self.provider_label, "session listing", self.limits)
        for _ in range(MAX_SCAN_PAGES):
            try:
                page = await self.provider.room_sessions_page(
                    query, cursor=position.provider_cursor, page_size=SCAN_PAGE_SIZE, guard=guard
                )
            except WalkCutShort as cut_short:
                return Page[RoomSession](items=found, cut=cut_short.cut)
            fresh = page.items[position.skip :]
            wanted = limit - len(found)
            if len(fresh) > wanted:
                found += fresh[:wanted]
                stop = ScanCursor(position.skip + wanted, position.provider_cursor)
                return Page[RoomSession](items=found, next_cursor=stop.text())
            found += fresh
            if page.cut is not None or page.next_cursor is None:
                return Page[RoomSession](items=found, cut=page.cut)
            position = ScanCursor(0, page.next_cursor)
            if len(found) == limit:
                break
        return Page[RoomSession](items=found, next_cursor=position.text())

    async def session(self, session_id: str) -> RoomSession:
        try:
            session = await self.provider.get_room_session(session_id)
        except NotFound:
            raise self._missing(f"No room session with id `{session_id}`") from None
        if self.provider.reports_cost and session.cost_in_dollars is None and session.room_id:
            session.cost_in_dollars = await self._listed_cost(session.room_id, session_id)
        return session

    async def _listed_cost(self, room_id: str, session_id: str) -> float | None:
        """SignalWire reports a session's cost only in lists: look for it among its room's
        newest sessions (one page), where a session someone asks about usually is."""
        page = await self.provider.room_sessions_page(
            SessionQuery(room_id=room_id), page_size=COST_LOOKUP_PAGE
        )
        for listed in page.items:
            if listed.id == session_id:
                return listed.cost_in_dollars
        return None

    async def members(
        self, session_id: str, *, limit: int, cursor: str | None = None
    ) -> Page[Member]:
        """One page of who was (or is) in a session, in the order they joined."""
        try:
            return await self.provider.session_members_page(
                session_id, cursor=cursor, page_size=limit
            )
        except NotFound:
            raise self._missing(f"No room session with id `{session_id}`") from None

    async def events(
        self, session_id: str, *, limit: int, cursor: str | None = None
    ) -> Page[SessionEvent]:
        """One page of a session's timeline, oldest first. A provider without one (Telnyx):
        its participants' joins and leaves, built from a page of them."""
        try:
            if self.provider.supports_session_events:
                return await self.provider.session_events_page(
                    session_id, cursor=cursor, page_size=limit
                )
            people = await self.provider.session_members_page(
                session_id, cursor=cursor, page_size=limit
            )
        except NotFound:
            raise self._missing(f"No room session with id `{session_id}`") from None
        return Page[SessionEvent](
            items=joins_and_leaves(people.items), next_cursor=people.next_cursor, cut=people.cut
        )

    # -- recordings ----------------------------------------------------------------------

    async def recordings(
        self, session_id: str | None, *, limit: int, cursor: str | None = None
    ) -> Page[Recording]:
        """Recordings of one session (or of all), newest first, one provider page."""
        try:
            return await self.provider.recordings_page(session_id, cursor=cursor, page_size=limit)
        except NotFound:
            raise self._missing(f"No room session with id `{session_id}`") from None

    async def recording_link(self, recording_id: str, *, ttl_seconds: int) -> RecordingLink:
        """A download link fetched now: a credential, which the caller shows to one person
        and keeps nowhere. RecordingNotReady while the recording has none yet."""
        try:
            return await self.provider.recording_link(recording_id, ttl_seconds=ttl_seconds)
        except NotFound:
            raise self._missing(f"No recording with id `{recording_id}`") from None

    # -- rooms ---------------------------------------------------------------------------

    async def rooms(self, query: RoomQuery, *, limit: int, offset: int = 0) -> RoomListing:
        rooms, cut = await self._all_rooms(query)
        return _window(rooms, limit, offset, cut)

    async def room(self, ref: str) -> Room:
        try:
            return await self.provider.get_room(ref, include_active_session=True)
        except NotFound:
            if is_uuid(ref):
                raise self._missing(f"No room with id `{ref}`") from None
        # Not by its exact name: in another case, or a near miss worth naming.
        room = await self._room_by_name(ref)
        if room.id is None:
            raise self._missing(f"No room named `{ref}`")
        return await self.provider.get_room(room.id, include_active_session=True)

    async def _room_by_name(self, name: str) -> Room:
        """The room called `name` in any case, or NotFound naming the closest names."""
        rooms, cut = await self._all_rooms(RoomQuery())
        return self._named(rooms, name, "room", "`/rooms list` shows every room", cut)

    async def _all_rooms(self, query: RoomQuery) -> tuple[list[Room], WalkCut | None]:
        return await _newest_first(self.provider.rooms(query, limits=self.limits))

    # -- conferences ---------------------------------------------------------------------

    async def conferences(
        self, match: str | None, *, limit: int, offset: int = 0
    ) -> Listing[Conference]:
        self._require_conferences()
        every, cut = await self._all_conferences()
        conferences = [
            conference
            for conference in every
            if not match or names_match(match, conference.name, conference.display_name)
        ]
        return _window(conferences, limit, offset, cut)

    async def conference(self, ref: str) -> Conference:
        self._require_conferences(ref)
        if is_uuid(ref):
            try:
                return await self.provider.get_conference(ref, include_active_session=True)
            except NotFound:
                raise self._missing(f"No conference with id `{ref}`") from None
        conferences, cut = await self._all_conferences()
        found = self._named(conferences, ref, "conference", "`/rooms conferences` lists them", cut)
        if found.id is None:
            raise self._missing(f"No conference named `{ref}`")
        return await self.provider.get_conference(found.id, include_active_session=True)

    async def _all_conferences(self) -> tuple[list[Conference], WalkCut | None]:
        return await _newest_first(self.provider.conferences(limits=self.limits))

    def _require_conferences(self, ref: str | None = None) -> None:
        if self.provider.supports_conferences:
            return
        hint = f"; try `/rooms room {ref}`" if ref else ""
        raise NotSupported(
            f"{self.provider_label} has no conferences{hint}.", provider=self.provider_label
        )

    # -- shared --------------------------------------------------------------------------

    def _named(
        self, items: list[Named], name: str, what: str, pointer: str, cut: WalkCut | None = None
    ) -> Named:
        wanted = name.casefold()
        for item in items:
            if item.name is not None and item.name.casefold() == wanted:
                return item
        guesses = closest(name, _names(items))
        hint = " or ".join(f"`{escape(guess)}`" for guess in guesses)
        if cut is not None:
            # Not found among part of the list is not "there is none".
            raise NotFound(
                f"RoomOps could not look through every {what} for `{name}`: "
                f"{cut.sentence()}.{f' Did you mean {hint}?' if guesses else ''}",
                provider=self.provider_label,
            )
        message = f"No {what} named `{name}`"
        if guesses:
            raise self._missing(message, f" Did you mean {hint}? {pointer}.")
        raise self._missing(message, f" {pointer}.")

    def _missing(self, message: str, hint: str = "") -> NotFound:
        return NotFound(f"{message} on {self.provider_label}.{hint}", provider=self.provider_label)


async def _newest_first(items: AsyncIterator[Named]) -> tuple[list[Named], WalkCut | None]:
    """Up to MAX_ROOMS_SCANNED of them, newest created first, and the walk's cut if it was
    cut short (then they are what it returned before that)."""
    found: list[Named] = []
    cut = None
    try:
        async for item in items:
            found.append(item)
            if len(found) >= MAX_ROOMS_SCANNED:
                break
    except WalkCutShort as cut_short:
        cut = cut_short.cut
    found.sort(key=lambda item: item.created_at or _OLDEST, reverse=True)
    return found, cut


def _names(items: Iterable[Room | Conference]) -> list[str]:
    return [item.name for item in items if item.name]


def _window(items: list[Item], limit: int, offset: int, cut: WalkCut | None) -> Listing[Item]:
    window = items[offset : offset + limit]
    end = offset + len(window)
    return Listing(items=window, next_offset=end if end < len(items) else None, cut=cut)


def joins_and_leaves(people: Iterable[Member]) -> list[SessionEvent]:
    """Members' joins and leaves as timeline events, oldest first (pure)."""
    timed: list[tuple[datetime, SessionEvent]] = []
    for person in people:
        for name, at in (("member.joined", person.joined_at), ("member.left", person.left_at)):
            if at is not None:
                event = SessionEvent(
                    id=None, name=name, at=at, member_id=person.id, member_name=person.name
                )
                timed.append((at, event))
    return [event for _, event in sorted(timed, key=lambda pair: pair[0])]
