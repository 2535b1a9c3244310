"""Deterministic, lazily generated SignalWire Video data for the simulator.

Everything here is pure: the same (seed, now, session_count, days) always yields the same
rooms, conferences and sessions, and no function does I/O. Sessions are never materialised:
session ``i`` (0 = newest) is computed on demand from a per-day prefix-sum table and a hash of
``(seed, i)``, so memory stays constant whether there are six thousand or a million of them.
"""

from __future__ import annotations

import bisect
import math
import re
import uuid
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final, Literal

SessionStatus = Literal["in-progress", "completed"]

ROOM_LAYOUTS: Final[tuple[str, ...]] = (
    "grid-responsive",
    "grid-responsive-mobile",
    "highlight-1-responsive",
    "1x1",
    "2x1",
    "2x2",
    "5up",
    "3x3",
    "4x4",
    "5x5",
    "6x6",
    "8x8",
    "10x10",
)
QUALITIES: Final[tuple[str, ...]] = ("720p", "1080p")

# Sessions never last longer than this; it bounds the scan for in-progress sessions.
MAX_DURATION_SECONDS: Final = 4 * 3600
# How many of the newest sessions are pinned in progress (each in a different room), so the
# demo always has live rooms whatever the time of day `now` falls on.
PINNED_IN_PROGRESS: Final = 5
# The pinned live sessions start within this many seconds before `now`.
PINNED_WINDOW_SECONDS: Final = 45 * 60
# Fraction of sessions from auto-created rooms (room_id null, as for delete-on-end rooms).
EPHEMERAL_SHARE: Final = 0.03
EPHEMERAL_PREFIXES: Final[tuple[str, ...]] = ("interview", "pairing", "incident", "dry-run")
LOCKED_COVER_URL: Final = "https://sim.signalwire.invalid/video/locked-cover.png"
PREVIEW_URL_TEMPLATE: Final = "https://sim.signalwire.invalid/api/video/room_sessions/{id}/preview"

# Relative activity per UTC hour: teams spread over Europe and the Americas, so the day
# peaks mid-afternoon UTC and the small hours are quiet but never empty.
_HOURLY_ACTIVITY: Final[tuple[float, ...]] = (
    0.15, 0.10, 0.08, 0.08, 0.10, 0.20, 0.50, 1.00, 1.80, 2.40, 2.60, 2.40,
    2.00, 2.60, 3.00, 3.00, 2.60, 2.00, 1.40, 1.00, 0.80, 0.70, 0.60, 0.40,
)  # fmt: skip
_WEEKDAY_ACTIVITY: Final[tuple[float, ...]] = (1.0, 1.15, 1.2, 1.1, 0.85, 0.12, 0.1)

_MASK64: Final = (1 << 64) - 1
_MASK32: Final = (1 << 32) - 1
# Odd multiplier: multiplication by it is a bijection modulo 2**32, so the session index can
# be hidden in (and recovered from) the low 32 bits of its uuid.
_ID_MULTIPLIER: Final = 0x9E3779B1
_ID_MULTIPLIER_INVERSE: Final = pow(_ID_MULTIPLIER, -1, 1 << 32)

# Salts keep the per-session random streams independent of each other.
_SALT_ID_HI, _SALT_ID_LO, _SALT_ID_MASK = 1, 2, 3
_SALT_ROOM, _SALT_DURATION, _SALT_DURATION_2, _SALT_JITTER = 10, 11, 12, 13
_SALT_PARTICIPANTS, _SALT_LOCKED, _SALT_EPHEMERAL = 14, 15, 16
_SALT_DAY, _SALT_BUSY_DAY, _SALT_PINNED = 20, 21, 22
_SALT_ROOM_ID, _SALT_CONFERENCE_ID, _SALT_ROOM_AGE, _SALT_CONFERENCE_AGE = 30, 31, 32, 33
_SALT_RECORDING_HI, _SALT_RECORDING_LO, _SALT_RECORDING_MASK = 40, 41, 42


def _mix64(value: int) -> int:
    """splitmix64 finaliser: a cheap, well-distributed 64-bit hash."""
    z = value & _MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
    return z ^ (z >> 31)


def _rand64(seed: int, index: int, salt: int) -> int:
    return _mix64(seed * 0x9E3779B97F4A7C15 + _mix64(index * 0x632BE59BD9B4E019 + salt))


def _unit(seed: int, index: int, salt: int) -> float:
    """Uniform float in [0, 1) from (seed, index, salt)."""
    return (_rand64(seed, index, salt) >> 11) / float(1 << 53)


def _uuid_from(hi: int, lo: int) -> str:
    return str(uuid.UUID(int=(hi << 64) | lo, version=4))


def _name_key(name: str) -> int:
    # zlib.crc32, not hash(): str hashes are salted per process.
    return zlib.crc32(name.encode())


# --------------------------------------------------------------------------- time of day


def _build_activity_cdf() -> tuple[float, ...]:
    total = sum(_HOURLY_ACTIVITY)
    cdf = [0.0]
    for weight in _HOURLY_ACTIVITY:
        cdf.append(cdf[-1] + weight / total)
    cdf[-1] = 1.0
    return tuple(cdf)


_ACTIVITY_CDF: Final = _build_activity_cdf()


def activity_cdf(second_of_day: float) -> float:
    """Share of a day's activity that happens before `second_of_day` (0..86400)."""
    if second_of_day <= 0:
        return 0.0
    if second_of_day >= 86400:
        return 1.0
    hour = int(second_of_day // 3600)
    within = (second_of_day - hour * 3600) / 3600
    return _ACTIVITY_CDF[hour] + within * (_ACTIVITY_CDF[hour + 1] - _ACTIVITY_CDF[hour])


def activity_inverse(share: float) -> float:
    """Inverse of `activity_cdf`: strictly increasing, since every hour has some activity."""
    share = min(max(share, 0.0), 1.0)
    hour = min(bisect.bisect_right(_ACTIVITY_CDF, share) - 1, 23)
    span = _ACTIVITY_CDF[hour + 1] - _ACTIVITY_CDF[hour]
    return hour * 3600 + (share - _ACTIVITY_CDF[hour]) / span * 3600


def format_time(moment: datetime) -> str:
    """RFC 3339 in UTC with a `Z`, whole seconds, as the SignalWire API prints timestamps."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _at(epoch_seconds: int) -> datetime:
    return datetime.fromtimestamp(epoch_seconds, UTC)


# --------------------------------------------------------------------------- models


@dataclass(frozen=True)
class Room:
    id: str
    name: str
    display_name: str | None
    description: str | None
    max_members: int
    quality: str
    fps: int
    join_from: datetime | None
    join_until: datetime | None
    remove_at: datetime | None
    remove_after_seconds_elapsed: int | None
    layout: str
    record_on_start: bool
    tone_on_entry_and_exit: bool
    room_join_video_off: bool
    user_join_video_off: bool
    enable_room_previews: bool
    sync_audio_video: bool | None
    meta: dict[str, Any] | None
    prioritize_handraise: bool
    created_at: datetime
    updated_at: datetime
    # Not part of the wire format: how often the room hosts sessions, relative to the others.
    popularity: float = field(default=1.0, compare=False)


@dataclass(frozen=True)
class Conference:
    id: str
    name: str
    display_name: str | None
    description: str | None
    join_from: datetime | None
    join_until: datetime | None
    quality: str
    layout: str
    size: str | None
    record_on_start: bool
    tone_on_entry_and_exit: bool
    user_join_video_off: bool
    room_join_video_off: bool
    enable_chat: bool
    enable_room_previews: bool | None
    theme: Mapping[str, str | None]  # dark_* / light_* colour keys, exactly as on the wire
    meta: dict[str, Any] | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class RoomSession:
    index: int  # position in the newest-first history; not on the wire
    id: str
    room_id: str | None
    name: str
    display_name: str | None
    max_members: int
    quality: str
    fps: int
    join_from: datetime | None
    join_until: datetime | None
    remove_at: datetime | None
    remove_after_seconds_elapsed: int | None
    layout: str
    record_on_start: bool
    tone_on_entry_and_exit: bool
    room_join_video_off: bool
    user_join_video_off: bool
    locked: bool
    start_time: datetime
    end_time: datetime | None
    duration: int | None
    status: SessionStatus
    created_at: datetime
    updated_at: datetime
    preview_url: str | None
    prioritize_handraise: bool | None
    sync_audio_video: bool | None
    cost_in_dollars: float
    enable_room_previews: bool
    locked_cover: str


@dataclass(frozen=True)
class SessionFilter:
    """The room_sessions list filters, already validated."""

    room_id: str | None = None
    room_name: str | None = None
    room_name_matches: str | None = None
    status: SessionStatus | None = None


# --------------------------------------------------------------------------- catalogue


@dataclass(frozen=True)
class _RoomSpec:
    name: str
    display_name: str | None
    description: str | None
    popularity: float
    max_members: int
    quality: str
    fps: int
    layout: str
    record_on_start: bool = False
    tone: bool = True
    room_video_off: bool = False
    user_video_off: bool = False
    previews: bool = False
    sync: bool | None = True
    handraise: bool = False
    remove_after: int | None = None
    meta: dict[str, Any] | None = None
    # join_from/join_until/remove_at as day offsets from `now` (midnight UTC); None = unset.
    join_from_days: int | None = None
    join_until_days: int | None = None
    remove_at_days: int | None = None
    created_weeks_ago: int = 10


_ROOM_SPECS: Final[tuple[_RoomSpec, ...]] = (
    _RoomSpec(
        "standup",
        "Daily Standup",
        "Fifteen minutes, cameras on, blockers first.",
        10,
        20,
        "720p",
        20,
        "grid-responsive",
        meta={"team": "platform", "recurring": "daily"},
        created_weeks_ago=30,
    ),
    _RoomSpec(
        "all-hands",
        "Company All-Hands",
        "Monthly all-hands: leadership update, demos and Q&A.",
        1.5,
        300,
        "1080p",
        30,
        "highlight-1-responsive",
        record_on_start=True,
        handraise=True,
        meta={"owner": "people-ops", "recurring": "monthly"},
        join_from_days=-60,
        join_until_days=90,
        created_weeks_ago=40,
    ),
    _RoomSpec(
        "sales-demo",
        "Sales Demo Room",
        "Product demos for prospects. Please keep the background tidy.",
        6,
        10,
        "1080p",
        30,
        "2x2",
        previews=True,
        meta={"crm": "pipeline-7", "region": "emea"},
        join_from_days=-21,
        created_weeks_ago=18,
    ),
    _RoomSpec(
        "support-triage",
        "Support Triage",
        "Escalations from the support queue.",
        8,
        8,
        "720p",
        20,
        "2x2",
        tone=False,
        sync=None,
        meta={},
        created_weeks_ago=26,
    ),
    _RoomSpec(
        "design-review",
        "Design Review",
        "Weekly critique of work in progress.",
        4,
        12,
        "1080p",
        30,
        "3x3",
        previews=True,
        created_weeks_ago=14,
    ),
    _RoomSpec(
        "eng-sync",
        "Engineering Sync",
        None,
        7,
        25,
        "720p",
        20,
        "grid-responsive-mobile",
        meta={"team": "engineering"},
        created_weeks_ago=22,
    ),
    _RoomSpec(
        "customer-onboarding",
        "Customer Onboarding",
        "Kick-off calls with new customers; ends automatically after 90 minutes.",
        5,
        6,
        "720p",
        20,
        "2x1",
        remove_after=5400,
        user_video_off=True,
        created_weeks_ago=12,
    ),
    _RoomSpec(
        "incident-bridge",
        "Incident Bridge",
        "Open bridge for SEV1/SEV2 incidents. Recorded for the postmortem.",
        2.5,
        50,
        "720p",
        20,
        "5up",
        record_on_start=True,
        handraise=True,
        meta={"pager": "ops-primary"},
        created_weeks_ago=35,
    ),
    _RoomSpec(
        "interviews",
        "Candidate Interviews",
        "Hiring loop interviews.",
        5,
        5,
        "720p",
        20,
        "1x1",
        room_video_off=True,
        created_weeks_ago=8,
    ),
    _RoomSpec(
        "office-hours",
        "Office Hours",
        "Drop in and ask the platform team anything.",
        3,
        40,
        "720p",
        20,
        "4x4",
        previews=True,
        sync=False,
        created_weeks_ago=6,
    ),
    _RoomSpec(
        "board-meeting",
        "Board Meeting",
        "Quarterly board meeting. Invitation only.",
        0.6,
        15,
        "1080p",
        30,
        "highlight-1-responsive",
        record_on_start=True,
        meta={"confidential": True},
        join_from_days=-10,
        join_until_days=20,
        remove_at_days=21,
        created_weeks_ago=5,
    ),
    _RoomSpec(
        "pairing_01",
        None,
        None,
        4,
        2,
        "720p",
        20,
        "2x1",
        sync=None,
        meta=None,
        created_weeks_ago=3,
    ),
)


@dataclass(frozen=True)
class _ConferenceSpec:
    name: str  # also the name of the room whose active session the conference reports
    display_name: str | None
    description: str | None
    size: str | None
    quality: str
    layout: str
    enable_chat: bool
    previews: bool | None
    theme: Mapping[str, str | None]
    record_on_start: bool = False
    meta: dict[str, Any] | None = None
    join_from_days: int | None = None
    join_until_days: int | None = None
    created_weeks_ago: int = 12


def _theme(dark: Sequence[str | None], light: Sequence[str | None]) -> dict[str, str | None]:
    roles = ("primary", "background", "foreground", "success", "negative")
    theme = {f"dark_{role}": colour for role, colour in zip(roles, dark, strict=True)}
    theme.update({f"light_{role}": colour for role, colour in zip(roles, light, strict=True)})
    return theme


_CONFERENCE_SPECS: Final[tuple[_ConferenceSpec, ...]] = (
    _ConferenceSpec(
        "all-hands",
        "All-Hands Live",
        "Company all-hands with stage layout and chat.",
        "large",
        "1080p",
        "highlight-1-responsive",
        True,
        True,
        _theme(
            ("#044EF4", "#0B0F19", "#F5F7FA", "#17BB58", "#F42C50"),
            ("#044EF4", "#FFFFFF", "#1D2127", "#17BB58", "#F42C50"),
        ),
        record_on_start=True,
        meta={"stream": "internal"},
        join_from_days=-60,
        join_until_days=90,
        created_weeks_ago=40,
    ),
    _ConferenceSpec(
        "sales-demo",
        "Sales Demo",
        "Branded demo conference for prospects.",
        "medium",
        "1080p",
        "2x2",
        True,
        False,
        _theme(
            ("#FF6B00", "#121212", "#FAFAFA", "#2ECC71", "#E74C3C"),
            ("#FF6B00", "#FFFDF8", "#222222", "#27AE60", "#C0392B"),
        ),
        meta={},
        join_from_days=-21,
        created_weeks_ago=18,
    ),
    _ConferenceSpec(
        "design-review",
        "Design Review",
        None,
        "small",
        "720p",
        "3x3",
        False,
        None,
        _theme(
            ("#7C3AED", "#111827", "#E5E7EB", None, None),
            ("#7C3AED", "#F9FAFB", "#111827", None, None),
        ),
        created_weeks_ago=14,
    ),
    _ConferenceSpec(
        "office-hours",
        None,
        "Open Q&A with the platform team.",
        None,
        "720p",
        "grid-responsive",
        True,
        True,
        _theme((None,) * 5, ("#0EA5E9", "#FFFFFF", "#0F172A", "#22C55E", "#EF4444")),
        meta=None,
        created_weeks_ago=6,
    ),
)


def _day_offset(now: datetime, days: int | None) -> datetime | None:
    if days is None:
        return None
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight + timedelta(days=days)


def build_rooms(seed: int, now: datetime) -> tuple[Room, ...]:
    """The room catalogue, in catalogue order (which is also the session slot order)."""
    rooms: list[Room] = []
    for position, spec in enumerate(_ROOM_SPECS):
        key = _name_key(spec.name)
        created = now - timedelta(
            weeks=spec.created_weeks_ago,
            seconds=int(_unit(seed, key, _SALT_ROOM_AGE) * 86400),
        )
        updated = created + timedelta(days=1 + position * 3, hours=position)
        rooms.append(
            Room(
                id=_uuid_from(_rand64(seed, key, _SALT_ROOM_ID), _rand64(seed, key, _SALT_ID_LO)),
                name=spec.name,
                display_name=spec.display_name,
                description=spec.description,
                max_members=spec.max_members,
                quality=spec.quality,
                fps=spec.fps,
                join_from=_day_offset(now, spec.join_from_days),
                join_until=_day_offset(now, spec.join_until_days),
                remove_at=_day_offset(now, spec.remove_at_days),
                remove_after_seconds_elapsed=spec.remove_after,
                layout=spec.layout,
                record_on_start=spec.record_on_start,
                tone_on_entry_and_exit=spec.tone,
                room_join_video_off=spec.room_video_off,
                user_join_video_off=spec.user_video_off,
                enable_room_previews=spec.previews,
                sync_audio_video=spec.sync,
                meta=None if spec.meta is None else dict(spec.meta),
                prioritize_handraise=spec.handraise,
                created_at=created,
                updated_at=min(updated, now - timedelta(days=1)),
                popularity=spec.popularity,
            )
        )
    return tuple(rooms)


def build_conferences(seed: int, now: datetime) -> tuple[Conference, ...]:
    conferences: list[Conference] = []
    for position, spec in enumerate(_CONFERENCE_SPECS):
        key = _name_key(spec.name)
        created = now - timedelta(
            weeks=spec.created_weeks_ago,
            seconds=int(_unit(seed, key, _SALT_CONFERENCE_AGE) * 86400),
        )
        conferences.append(
            Conference(
                id=_uuid_from(
                    _rand64(seed, key, _SALT_CONFERENCE_ID), _rand64(seed, key, _SALT_ID_HI)
                ),
                name=spec.name,
                display_name=spec.display_name,
                description=spec.description,
                join_from=_day_offset(now, spec.join_from_days),
                join_until=_day_offset(now, spec.join_until_days),
                quality=spec.quality,
                layout=spec.layout,
                size=spec.size,
                record_on_start=spec.record_on_start,
                tone_on_entry_and_exit=position % 2 == 0,
                user_join_video_off=False,
                room_join_video_off=position == 3,
                enable_chat=spec.enable_chat,
                enable_room_previews=spec.previews,
                theme=dict(spec.theme),
                meta=None if spec.meta is None else dict(spec.meta),
                created_at=created,
                updated_at=min(created + timedelta(days=2 + position), now - timedelta(hours=6)),
            )
        )
    return tuple(conferences)


# --------------------------------------------------------------------------- day layout


@dataclass(frozen=True)
class DayLayout:
    """How many sessions start on each UTC date, newest date first.

    The whole history is described by a few numbers per date; session `i` lives on the date
    `bisect(prefix, i)` at rank `i - prefix[date]` within it.
    """

    midnights: tuple[int, ...]  # epoch seconds of each date's 00:00Z
    cdf_low: tuple[float, ...]  # activity share at the window start (0 except the oldest day)
    cdf_high: tuple[float, ...]  # activity share at the window end (1 except today)
    prefix: tuple[int, ...]  # prefix[k] = sessions on dates newer than k; len = dates + 1

    def count(self, day: int) -> int:
        return self.prefix[day + 1] - self.prefix[day]

    def day_of(self, index: int) -> int:
        return bisect.bisect_right(self.prefix, index) - 1


def _day_weight(seed: int, day: date) -> float:
    ordinal = day.toordinal()
    weight = _WEEKDAY_ACTIVITY[day.weekday()] * (0.75 + 0.5 * _unit(seed, ordinal, _SALT_DAY))
    if day.weekday() < 5 and _unit(seed, ordinal, _SALT_BUSY_DAY) < 0.12:
        weight *= 1.7  # launch days, quarter ends: a few days are much busier than the rest
    return weight


def _apportion(total: int, weights: Sequence[float]) -> list[int]:
    """Largest-remainder split of `total` proportional to `weights` (exact sum)."""
    weight_sum = sum(weights)
    if total == 0 or weight_sum <= 0:
        return [0] * len(weights)
    shares = [total * w / weight_sum for w in weights]
    counts = [math.floor(s) for s in shares]
    by_remainder = sorted(range(len(weights)), key=lambda k: (counts[k] - shares[k], k))
    for k in by_remainder[: total - sum(counts)]:
        counts[k] += 1
    return counts


def build_day_layout(seed: int, now_ts: int, session_count: int, days: int) -> DayLayout:
    # Newest session starts at least a minute before `now`, oldest no earlier than `days` ago.
    newest = now_ts - 60
    oldest = now_ts - days * 86400
    first_midnight = newest - newest % 86400
    midnights: list[int] = []
    lows: list[float] = []
    highs: list[float] = []
    weights: list[float] = []
    midnight = first_midnight
    while midnight + 86400 > oldest:
        low = activity_cdf(max(oldest - midnight, 0))
        high = activity_cdf(min(newest - midnight, 86400))
        midnights.append(midnight)
        lows.append(low)
        highs.append(high)
        weights.append(_day_weight(seed, _at(midnight).date()) * max(high - low, 0.0))
        midnight -= 86400
    prefix = [0]
    for count in _apportion(session_count, weights):
        prefix.append(prefix[-1] + count)
    return DayLayout(tuple(midnights), tuple(lows), tuple(highs), tuple(prefix))


# --------------------------------------------------------------------------- paging scans


def scan_forward(
    matches: Callable[[int], bool] | None, start: int, end: int, limit: int
) -> tuple[list[int], int | None]:
    """Up to `limit` positions in [start, end) that match, and the next match after them.

    Work is proportional to the positions scanned, never to `end`, unless nothing matches.
    """
    if matches is None:
        stop = min(start + limit, end)
        return list(range(start, stop)), (stop if stop < end else None)
    found: list[int] = []
    position = start
    while position < end:
        if matches(position):
            if len(found) == limit:
                return found, position
            found.append(position)
        position += 1
    return found, None


def scan_backward(matches: Callable[[int], bool] | None, before: int, limit: int) -> int:
    """Start position of the page of `limit` matches that ends just before `before`."""
    if matches is None:
        return max(before - limit, 0)
    found = 0
    position = before - 1
    start = before
    while position >= 0 and found < limit:
        if matches(position):
            found += 1
            start = position
        position -= 1
    return start if found == limit else 0


# --------------------------------------------------------------------------- the dataset


class SimulatorDataset:
    """Rooms (mutable, in memory), conferences and a lazily generated session history."""

    def __init__(
        self, *, seed: int = 42, now: datetime, session_count: int = 6000, days: int = 28
    ) -> None:
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        if session_count < 0:
            raise ValueError("session_count must be >= 0")
        if session_count >= 1 << 32:
            raise ValueError("session_count must be < 2**32 (it is encoded in session ids)")
        if days < 1:
            raise ValueError("days must be >= 1")
        self.seed = seed
        self.now = now.astimezone(UTC).replace(microsecond=0)
        self.session_count = session_count
        self.days = days
        self._now_ts = int(self.now.timestamp())
        self._id_mask = _rand64(seed, 0, _SALT_ID_MASK) & _MASK32
        self._recording_mask = _rand64(seed, 0, _SALT_RECORDING_MASK) & _MASK32

        self._templates = build_rooms(seed, self.now)
        self._rooms: dict[str, Room] = {room.id: room for room in self._templates}
        self._slot_by_room_id = {room.id: slot for slot, room in enumerate(self._templates)}
        self._ephemeral_slot = len(self._templates)
        self._slot_cdf = self._build_slot_cdf()
        self._pinned_slots = self._choose_pinned_slots()
        self._conferences = build_conferences(seed, self.now)
        pinned = len(self._pinned_slots)
        self.layout = build_day_layout(seed, self._now_ts, session_count - pinned, days)
        self._pinned_window = self._build_pinned_window()
        self.in_progress_bound = self._find_in_progress_bound()
        self._active = self._find_active_sessions()

    # ----------------------------------------------------------------- rooms

    @property
    def rooms(self) -> list[Room]:
        """Current rooms, newest first (by created_at)."""
        return sorted(self._rooms.values(), key=lambda room: room.created_at, reverse=True)

    def room(self, room_id: str) -> Room | None:
        return self._rooms.get(room_id.lower())

    def room_by_name(self, name: str) -> Room | None:
        return next((room for room in self._rooms.values() if room.name == name), None)

    def update_room(self, room_id: str, changes: Mapping[str, Any], at: datetime) -> Room:
        """Apply already-validated field changes; updated_at always moves forward."""
        current = self._rooms[room_id]
        bumped = max(at.astimezone(UTC), current.updated_at + timedelta(seconds=1))
        updated = replace(current, **dict(changes), updated_at=bumped)
        self._rooms[room_id] = updated
        return updated

    def active_session(self, room_id: str) -> RoomSession | None:
        index = self._active.get(room_id)
        return None if index is None else self.session(index)

    # ----------------------------------------------------------------- conferences

    @property
    def conferences(self) -> list[Conference]:
        return sorted(self._conferences, key=lambda c: c.created_at, reverse=True)

    def conference(self, conference_id: str) -> Conference | None:
        wanted = conference_id.lower()
        return next((c for c in self._conferences if c.id == wanted), None)

    def conference_active_session(self, conference: Conference) -> RoomSession | None:
        room = self.room_by_name(conference.name)
        return None if room is None else self.active_session(room.id)

    # ----------------------------------------------------------------- sessions

    def session_id(self, index: int) -> str:
        encoded = (index * _ID_MULTIPLIER + self._id_mask) & _MASK32
        hi = _rand64(self.seed, index, _SALT_ID_HI)
        lo = (_rand64(self.seed, index, _SALT_ID_LO) & ~_MASK32 & _MASK64) | encoded
        return _uuid_from(hi, lo)

    def session_index(self, session_id: str) -> int | None:
        """Index of a session id, or None; O(1): the index is hidden in the id's low bits."""
        try:
            parsed = uuid.UUID(session_id)
        except ValueError:
            return None
        encoded = parsed.int & _MASK32
        index = ((encoded - self._id_mask) * _ID_MULTIPLIER_INVERSE) & _MASK32
        if index >= self.session_count or self.session_id(index) != str(parsed):
            return None
        return index

    def session_by_id(self, session_id: str) -> RoomSession | None:
        index = self.session_index(session_id)
        return None if index is None else self.session(index)

    def start_ts(self, index: int) -> int:
        """Start time (epoch seconds) of session `index`; non-increasing in `index`."""
        pinned = len(self._pinned_slots)
        if index < pinned:
            # Spread evenly over the pinned window, which ends a minute before `now` and
            # never reaches back past the newest ordinary session.
            low, high = self._pinned_window
            return high - math.floor((index + 0.5) * (high - low) / pinned)
        return self._layout_start_ts(index - pinned, index)

    def _layout_start_ts(self, position: int, index: int) -> int:
        layout = self.layout
        day = layout.day_of(position)
        rank = position - layout.prefix[day]
        count = layout.count(day)
        low, high = layout.cdf_low[day], layout.cdf_high[day]
        # The jitter stays in [0.02, 0.98), so (rank + jitter) / count is strictly increasing
        # in rank and start times strictly decrease before rounding down to whole seconds.
        jitter = 0.02 + 0.96 * _unit(self.seed, index, _SALT_JITTER)
        share = high - (rank + jitter) / count * (high - low)
        return layout.midnights[day] + math.floor(activity_inverse(share))

    def slot(self, index: int) -> int:
        """Room catalogue position of session `index`; len(rooms) means an ad-hoc room."""
        if index < len(self._pinned_slots):
            return self._pinned_slots[index]
        if _unit(self.seed, index, _SALT_EPHEMERAL) < EPHEMERAL_SHARE:
            return self._ephemeral_slot
        return bisect.bisect_right(self._slot_cdf, _unit(self.seed, index, _SALT_ROOM))

    def planned_duration(self, index: int, start_ts: int) -> int:
        u = _unit(self.seed, index, _SALT_DURATION)
        v = _unit(self.seed, index, _SALT_DURATION_2)
        if (start_ts % 86400) >= 21 * 3600:
            # Late-evening sessions (APAC overlap, long workshops) run long and often
            # cross midnight UTC.
            return 2700 + int(u * (MAX_DURATION_SECONDS - 2700))
        if u < 0.70:
            return 300 + int(v * 3300)  # 5 to 60 minutes
        if u < 0.95:
            return 3600 + int(v * 3600)  # 1 to 2 hours
        return 7200 + int(v * (MAX_DURATION_SECONDS - 7200))

    def is_in_progress(self, index: int) -> bool:
        if index < len(self._pinned_slots):
            return True
        if index >= self.in_progress_bound:
            return False
        start = self.start_ts(index)
        return start + self.planned_duration(index, start) > self._now_ts

    def ephemeral_name(self, index: int) -> str:
        bits = _rand64(self.seed, index, _SALT_EPHEMERAL)
        prefix = EPHEMERAL_PREFIXES[bits % len(EPHEMERAL_PREFIXES)]
        return f"{prefix}-{(bits >> 8) & 0xFFFF:04x}"

    def session(self, index: int) -> RoomSession:
        if not 0 <= index < self.session_count:
            raise IndexError(index)
        slot = self.slot(index)
        start = self.start_ts(index)
        in_progress = self.is_in_progress(index)
        duration = self.planned_duration(index, start)
        session_id = self.session_id(index)
        elapsed = (self._now_ts - start) if in_progress else duration
        if slot == self._ephemeral_slot:
            room: Room | None = None
            name = self.ephemeral_name(index)
        else:
            room = self._templates[slot]
            name = room.name
        max_members = room.max_members if room else 10
        participants = self.participant_count(index)
        previews = room.enable_room_previews if room else False
        start_time = _at(start)
        end_time = None if in_progress else _at(start + duration)
        return RoomSession(
            index=index,
            id=session_id,
            room_id=room.id if room else None,
            name=name,
            # "Defaults to the value of name", says the spec, for sessions as for rooms.
            display_name=(room.display_name or room.name) if room else name,
            max_members=max_members,
            quality=room.quality if room else "720p",
            fps=room.fps if room else 20,
            join_from=room.join_from if room else None,
            join_until=room.join_until if room else None,
            remove_at=room.remove_at if room else None,
            remove_after_seconds_elapsed=room.remove_after_seconds_elapsed if room else None,
            layout=room.layout if room else "grid-responsive",
            record_on_start=room.record_on_start if room else False,
            tone_on_entry_and_exit=room.tone_on_entry_and_exit if room else True,
            room_join_video_off=room.room_join_video_off if room else False,
            user_join_video_off=room.user_join_video_off if room else False,
            locked=_unit(self.seed, index, _SALT_LOCKED) < 0.04,
            start_time=start_time,
            end_time=end_time,
            duration=None if in_progress else duration,
            status="in-progress" if in_progress else "completed",
            created_at=start_time,
            updated_at=end_time or start_time,
            preview_url=(
                PREVIEW_URL_TEMPLATE.format(id=session_id) if in_progress and previews else None
            ),
            prioritize_handraise=room.prioritize_handraise if room else None,
            sync_audio_video=room.sync_audio_video if room else None,
            # Per participant-minute, as the real API bills; in-progress sessions so far.
            cost_in_dollars=round(elapsed / 60 * participants * 0.0035, 4),
            enable_room_previews=previews,
            locked_cover=LOCKED_COVER_URL,
        )

    def participant_count(self, index: int) -> int:
        """How many took part in session `index` (what its cost is priced on)."""
        slot = self.slot(index)
        max_members = 10 if slot == self._ephemeral_slot else self._templates[slot].max_members
        return 1 + int(_unit(self.seed, index, _SALT_PARTICIPANTS) ** 2 * max_members)

    def records(self, index: int) -> bool:
        """Whether session `index` is recorded: its room records from the start (cheap: no
        session is built, so a scan for recordings costs a hash per session)."""
        slot = self.slot(index)
        return slot != self._ephemeral_slot and self._templates[slot].record_on_start

    def recording_id(self, index: int) -> str:
        """The id of session `index`'s recording, the index hidden as in session ids."""
        encoded = (index * _ID_MULTIPLIER + self._recording_mask) & _MASK32
        hi = _rand64(self.seed, index, _SALT_RECORDING_HI)
        lo = (_rand64(self.seed, index, _SALT_RECORDING_LO) & ~_MASK32 & _MASK64) | encoded
        return _uuid_from(hi, lo)

    def recording_index(self, recording_id: str) -> int | None:
        """The session index of a recording id, or None (unknown, or not a recorded one)."""
        try:
            parsed = uuid.UUID(recording_id)
        except ValueError:
            return None
        encoded = parsed.int & _MASK32
        index = ((encoded - self._recording_mask) * _ID_MULTIPLIER_INVERSE) & _MASK32
        if index >= self.session_count or self.recording_id(index) != str(parsed):
            return None
        return index if self.records(index) else None

    def sessions(self, indexes: Iterable[int]) -> list[RoomSession]:
        return [self.session(index) for index in indexes]

    def session_predicate(self, wanted: SessionFilter) -> Callable[[int], bool] | None:
        """A cheap per-index test for `wanted` (None = everything matches).

        It computes only the fields the filter needs, so a filtered scan over a long
        history costs a few hashes per session, not a full session build.
        """
        slots = set(range(self._ephemeral_slot))
        ephemeral_ok = True
        if wanted.room_id is not None:
            slot = self._slot_by_room_id.get(wanted.room_id.lower())
            slots &= set() if slot is None else {slot}
            ephemeral_ok = False  # ad-hoc sessions have room_id null
        if wanted.room_name is not None:
            slots &= {s for s in slots if self._templates[s].name == wanted.room_name}
            ephemeral_ok = ephemeral_ok and _EPHEMERAL_NAME.fullmatch(wanted.room_name) is not None
        if wanted.room_name_matches is not None:
            needle = wanted.room_name_matches.lower()
            slots &= {s for s in slots if needle in self._templates[s].name.lower()}
            ephemeral_ok = ephemeral_ok and _could_be_in_ephemeral_name(needle)
        if not slots and not ephemeral_ok:
            return _never
        name_filters = wanted.room_name is not None or wanted.room_name_matches is not None
        if slots == set(range(self._ephemeral_slot)) and ephemeral_ok and not name_filters:
            if wanted.status is None:
                return None
            want_live = wanted.status == "in-progress"
            return lambda index: self.is_in_progress(index) == want_live

        def matches(index: int) -> bool:
            slot = self.slot(index)
            if slot == self._ephemeral_slot:
                if not ephemeral_ok or not _name_matches(self.ephemeral_name(index), wanted):
                    return False
            elif slot not in slots:
                return False
            if wanted.status is None:
                return True
            return self.is_in_progress(index) == (wanted.status == "in-progress")

        return matches

    def scan_end(self, wanted: SessionFilter) -> int:
        """Exclusive end of the index range worth scanning for `wanted`."""
        if self.session_predicate(wanted) is _never:
            return 0  # e.g. an unknown room: nothing to scan at all
        if wanted.status == "in-progress":
            return self.in_progress_bound
        return self.session_count

    def day_counts(self) -> list[tuple[date, int]]:
        """Sessions per UTC start date, newest first (for tests and benchmarks)."""
        layout = self.layout
        counts = {
            _at(midnight).date(): layout.count(day) for day, midnight in enumerate(layout.midnights)
        }
        for index in range(len(self._pinned_slots)):
            day = _at(self.start_ts(index)).date()
            counts[day] = counts.get(day, 0) + 1
        return sorted(counts.items(), reverse=True)

    def _build_pinned_window(self) -> tuple[int, int]:
        high = self._now_ts - 60
        low = high - PINNED_WINDOW_SECONDS
        if self.layout.prefix[-1] > 0:
            low = max(low, self._layout_start_ts(0, len(self._pinned_slots)))
        return low, high

    # ----------------------------------------------------------------- construction helpers

    def _build_slot_cdf(self) -> list[float]:
        total = sum(room.popularity for room in self._templates)
        cdf: list[float] = []
        running = 0.0
        for room in self._templates[:-1]:
            running += room.popularity / total
            cdf.append(running)
        return cdf

    def _choose_pinned_slots(self) -> tuple[int, ...]:
        """Distinct rooms for the pinned live sessions: two conference rooms, then others."""
        conference_names = {spec.name for spec in _CONFERENCE_SPECS}

        def shuffled(slots: list[int]) -> list[int]:
            return sorted(slots, key=lambda s: _rand64(self.seed, s, _SALT_PINNED))

        all_slots = range(len(self._templates))
        with_conference = shuffled(
            [s for s in all_slots if self._templates[s].name in conference_names]
        )
        others = shuffled([s for s in all_slots if self._templates[s].name not in conference_names])
        chosen = with_conference[:2] + others
        return tuple(chosen[: min(PINNED_IN_PROGRESS, self.session_count)])

    def _find_in_progress_bound(self) -> int:
        """First index that starts more than MAX_DURATION before now (binary search)."""
        threshold = self._now_ts - MAX_DURATION_SECONDS
        low, high = 0, self.session_count
        while low < high:
            middle = (low + high) // 2
            if self.start_ts(middle) > threshold:
                low = middle + 1
            else:
                high = middle
        return max(low, len(self._pinned_slots))

    def _find_active_sessions(self) -> dict[str, int]:
        """room_id -> index of its newest in-progress session (scan bounded by duration)."""
        active: dict[str, int] = {}
        for index in range(min(self.in_progress_bound, self.session_count)):
            slot = self.slot(index)
            if slot == self._ephemeral_slot or not self.is_in_progress(index):
                continue
            active.setdefault(self._templates[slot].id, index)
            if len(active) == len(self._templates):
                break
        return active


def _never(_index: int) -> bool:
    return False


_EPHEMERAL_NAME: Final = re.compile(
    f"({'|'.join(map(re.escape, EPHEMERAL_PREFIXES))})-[0-9a-f]{{4}}"
)
_HEX_DIGITS: Final = frozenset("0123456789abcdef")


def _could_be_in_ephemeral_name(needle: str) -> bool:
    """Whether `needle` (lowercase) is a substring of some `prefix-hhhh` ad-hoc room name.

    Lets a filter that only real rooms can satisfy skip the ad-hoc ones without a scan.
    """
    for prefix in EPHEMERAL_PREFIXES:
        template = [*prefix, "-", None, None, None, None]  # None: any hex digit
        for offset in range(len(template) - len(needle) + 1):
            window = template[offset : offset + len(needle)]
            pairs = zip(window, needle, strict=True)
            if all(t == c or (t is None and c in _HEX_DIGITS) for t, c in pairs):
                return True
    return False


def _name_matches(name: str, wanted: SessionFilter) -> bool:
    if wanted.room_name is not None and name != wanted.room_name:
        return False
    return wanted.room_name_matches is None or wanted.room_name_matches.lower() in name.lower()
