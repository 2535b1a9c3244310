"""Telnyx list queries: the deepObject parameters (`filter[...]`, `page[...]`) parsed and checked.

Telnyx spells nested query parameters as `filter[date_created_at][gte]=2026-11-17`; aiohttp
hands them over as flat keys, which is all this module needs. Every function is pure: a query
mapping in, a typed query out, or a `QueryError` listing every problem at once.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Final

DEFAULT_PAGE_SIZE: Final = 20
MAX_PAGE_SIZE: Final = 250
DATE_FILTER_OPERATORS: Final = ("eq", "gte", "lte")

_DATE: Final = re.compile(r"\d{4}-\d{2}-\d{2}")
_INTEGER: Final = re.compile(r"-?\d{1,10}")


@dataclass(frozen=True)
class Problem:
    """One refused query parameter: the name as sent and what is wrong with its value."""

    parameter: str
    message: str


class QueryError(Exception):
    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(problem.message for problem in self.problems))


@dataclass(frozen=True)
class DateBounds:
    """Inclusive UTC calendar dates from `filter[X][eq|gte|lte]`; None = unbounded."""

    first: date | None = None
    last: date | None = None

    @property
    def bounded(self) -> bool:
        return self.first is not None or self.last is not None

    def window(self) -> tuple[datetime | None, datetime | None]:
        """The same bounds as instants: [start of `first`, start of the day after `last`)."""
        start = None if self.first is None else datetime.combine(self.first, time(), UTC)
        end = None
        if self.last is not None:
            end = datetime.combine(self.last, time(), UTC) + timedelta(days=1)
        return start, end

    def contains(self, moment: datetime) -> bool:
        day = moment.astimezone(UTC).date()
        if self.first is not None and day < self.first:
            return False
        return self.last is None or day <= self.last


@dataclass(frozen=True)
class PageRequest:
    number: int = 1  # 1-based, as Telnyx counts
    size: int = DEFAULT_PAGE_SIZE

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


@dataclass(frozen=True)
class RoomQuery:
    created: DateBounds = DateBounds()
    updated: DateBounds = DateBounds()
    unique_name: str | None = None
    include_sessions: bool = False
    page: PageRequest = PageRequest()


@dataclass(frozen=True)
class SessionFilters:
    """What selects room sessions; hashable, so a listing's counts can be cached by it."""

    created: DateBounds = DateBounds()
    updated: DateBounds = DateBounds()
    ended: DateBounds = DateBounds()
    room_id: str | None = None
    active: bool | None = None


@dataclass(frozen=True)
class SessionQuery:
    filters: SessionFilters = SessionFilters()
    include_participants: bool = False
    page: PageRequest = PageRequest()


@dataclass(frozen=True)
class ParticipantQuery:
    """GET /room_sessions/{id}/participants."""

    context: str | None = None
    joined: DateBounds = DateBounds()
    left: DateBounds = DateBounds()
    updated: DateBounds = DateBounds()
    page: PageRequest = PageRequest()


@dataclass(frozen=True)
class RecordingQuery:
    """GET /room_recordings, the filters the simulator applies (the others it refuses)."""

    session_id: str | None = None
    room_id: str | None = None
    status: str | None = None
    page: PageRequest = PageRequest()


@dataclass
class _Reader:
    """Reads named parameters off a query, remembering what it used and what was wrong."""

    query: Mapping[str, str]
    used: set[str] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)

    def text(self, name: str) -> str | None:
        self.used.add(name)
        return self.query.get(name)

    def flag(self, name: str) -> bool | None:
        raw = self.text(name)
        if raw is None:
            return None
        if raw.lower() in ("true", "false"):
            return raw.lower() == "true"
        self.problems.append(Problem(name, f"{name} must be true or false"))
        return None

    def integer(self, name: str, default: int, low: int, high: int | None) -> int:
        raw = self.text(name)
        if raw is None:
            return default
        bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
        if _INTEGER.fullmatch(raw) is None or not (
            low <= int(raw) and (high is None or int(raw) <= high)
        ):
            self.problems.append(Problem(name, f"{name} must be an integer {bounds}"))
            return default
        return int(raw)

    def day(self, name: str) -> date | None:
        raw = self.text(name)
        if raw is None:
            return None
        try:
            if _DATE.fullmatch(raw) is None:
                raise ValueError(raw)
            return date.fromisoformat(raw)
        except ValueError:
            self.problems.append(Problem(name, f"{name} must be a date (YYYY-MM-DD)"))
            return None

    def dates(self, field_name: str) -> DateBounds:
        eq, gte, lte = (
            self.day(f"filter[{field_name}][{operator}]") for operator in DATE_FILTER_OPERATORS
        )
        firsts = [day for day in (eq, gte) if day is not None]
        lasts = [day for day in (eq, lte) if day is not None]
        return DateBounds(max(firsts, default=None), min(lasts, default=None))

    def uuid(self, name: str) -> str | None:
        raw = self.text(name)
        if raw is None:
            return None
        try:
            return str(uuid.UUID(raw))
        except ValueError:
            self.problems.append(Problem(name, f"{name} must be a UUID"))
            return None

    def page(self) -> PageRequest:
        size = self.integer("page[size]", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
        number = self.integer("page[number]", 1, 1, None)
        return PageRequest(number, size)

    def finish(self) -> None:
        """Refuse unknown parameters too: a misspelt filter should fail, not match everything."""
        for name in self.query:
            if name not in self.used:
                self.problems.append(Problem(name, f"{name} is not a known query parameter"))
                self.used.add(name)
        if self.problems:
            raise QueryError(self.problems)


def parse_room_query(query: Mapping[str, str]) -> RoomQuery:
    """GET /rooms: filter[date_created_at|date_updated_at][...], filter[unique_name]."""
    reader = _Reader(query)
    parsed = RoomQuery(
        created=reader.dates("date_created_at"),
        updated=reader.dates("date_updated_at"),
        unique_name=reader.text("filter[unique_name]"),
        include_sessions=bool(reader.flag("include_sessions")),
        page=reader.page(),
    )
    reader.finish()
    return parsed


def parse_session_query(query: Mapping[str, str], *, room_id: str | None = None) -> SessionQuery:
    """GET /room_sessions, or GET /rooms/{room_id}/sessions when `room_id` is given (then
    `filter[room_id]` is not a parameter of the listing)."""
    reader = _Reader(query)
    if room_id is None:
        room_id = reader.text("filter[room_id]")
    filters = SessionFilters(
        created=reader.dates("date_created_at"),
        updated=reader.dates("date_updated_at"),
        ended=reader.dates("date_ended_at"),
        room_id=room_id,
        active=reader.flag("filter[active]"),
    )
    parsed = SessionQuery(
        filters=filters,
        include_participants=bool(reader.flag("include_participants")),
        page=reader.page(),
    )
    reader.finish()
    return parsed


def parse_participant_query(query: Mapping[str, str]) -> ParticipantQuery:
    """GET /room_sessions/{id}/participants: filter[context], date filters, page."""
    reader = _Reader(query)
    parsed = ParticipantQuery(
        context=reader.text("filter[context]"),
        joined=reader.dates("date_joined_at"),
        left=reader.dates("date_left_at"),
        updated=reader.dates("date_updated_at"),
        page=reader.page(),
    )
    reader.finish()
    return parsed


def parse_recording_query(query: Mapping[str, str]) -> RecordingQuery:
    """GET /room_recordings: filter[session_id], filter[room_id], filter[status], page."""
    reader = _Reader(query)
    parsed = RecordingQuery(
        session_id=reader.uuid("filter[session_id]"),
        room_id=reader.uuid("filter[room_id]"),
        status=reader.text("filter[status]"),  # any text: one no recording has matches none
        page=reader.page(),
    )
    reader.finish()
    return parsed


def parse_include(query: Mapping[str, str], name: str) -> bool:
    """The one flag a single-resource GET takes (include_sessions / include_participants)."""
    reader = _Reader(query)
    value = bool(reader.flag(name))
    reader.finish()
    return value


def total_pages(total_results: int, page_size: int) -> int:
    return -(-total_results // page_size)
