"""Typed `/rooms` commands, as the grammar produces them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from bot.providers.base import RoomQuery, SessionQuery

# A time as typed: a date, or a date and time with or without an offset. Dates and times
# without an offset are in the caller's zone, which only the reply knows.
Moment = date | datetime

DEFAULT_LIMIT = 10
# Slack allows 50 blocks a message; a list spends a few on its header, count and buttons.
MAX_LIMIT = 40


@dataclass(frozen=True)
class HelpCommand:
    topic: str | None = None


@dataclass(frozen=True)
class SessionsCommand:
    query: SessionQuery
    limit: int = DEFAULT_LIMIT
    # Sessions that started from `since` (a date: its first moment) up to `until` (a date:
    # through its end); `query` gets them as UTC instants once the caller's zone is known.
    since: Moment | None = None
    until: Moment | None = None


@dataclass(frozen=True)
class SessionCommand:
    session_id: str


@dataclass(frozen=True)
class ListRoomsCommand:
    query: RoomQuery
    limit: int = DEFAULT_LIMIT


@dataclass(frozen=True)
class RoomCommand:
    ref: str


@dataclass(frozen=True)
class ConferenceCommand:
    ref: str


@dataclass(frozen=True)
class ConferencesCommand:
    match: str | None = None
    limit: int = DEFAULT_LIMIT


@dataclass(frozen=True)
class UpdateCommand:
    """Ask for a change of room fields; with no fields, open the form (a modal)."""

    ref: str
    # (field, value) in the order typed, validated; values as the provider takes them.
    fields: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class ApprovalsCommand:
    pass


@dataclass(frozen=True)
class AuditCommand:
    room: str | None = None
    limit: int = DEFAULT_LIMIT


@dataclass(frozen=True)
class DigestCommand:
    """Preview the digest of `day` to the caller; None: yesterday in the caller's zone."""

    day: date | None = None


@dataclass(frozen=True)
class DigestSubscribeCommand:
    """A daily digest in this channel; what is not given comes from the settings."""

    post_time: time | None = None
    timezone: str | None = None


@dataclass(frozen=True)
class DigestUnsubscribeCommand:
    pass


Command = (
    HelpCommand
    | SessionsCommand
    | SessionCommand
    | ListRoomsCommand
    | RoomCommand
    | ConferenceCommand
    | ConferencesCommand
    | UpdateCommand
    | ApprovalsCommand
    | AuditCommand
    | DigestCommand
    | DigestSubscribeCommand
    | DigestUnsubscribeCommand
)


class UsageError(Exception):
    """Input the grammar refuses: a specific message, plus the usage to show with it."""

    def __init__(self, message: str, usage: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.usage = usage
