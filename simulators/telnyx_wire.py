"""Telnyx Video Rooms wire formats, built from the simulator's SignalWire-shaped dataset.

Field names and shapes follow the `Room`, `RoomSession`, `RoomParticipant`, `video_Error`,
`video_Errors` and `PatchRoomRequest` schemas of Telnyx's OpenAPI spec. Everything here is
pure: dataset values in, JSON-ready dicts out.

How the SignalWire data maps onto Telnyx's:

* a room: `unique_name` = name, `max_participants` = max_members clamped to Telnyx's 2..50,
  `enable_recording` = record_on_start; the webhook settings, which SignalWire has no
  equivalent for, start from `default_webhooks` and live beside the dataset;
* a session: `created_at` = start, `ended_at` = end (null while active), `active` = in
  progress, `updated_at` = end, or start while active;
* sessions of SignalWire's ad-hoc rooms (room_id null there) belong on Telnyx to rooms that
  have since been deleted: their `room_id` encodes the ad-hoc name (`deleted_room_id`), so
  filtering by it stays cheap, and no room answers to it.
"""

from __future__ import annotations

import hashlib
import re
import uuid
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final
from urllib.parse import urlsplit

from simulators.dataset import EPHEMERAL_PREFIXES, Room, RoomSession
from simulators.drilldown import SimRecording

MIN_PARTICIPANTS: Final = 2
MAX_PARTICIPANTS: Final = 50
MAX_WEBHOOK_TIMEOUT: Final = 30
WEBHOOK_HOST: Final = "https://hooks.roomops.invalid"
PARTICIPANT_CONTEXTS: Final = (
    "Alice",
    "Bob",
    "Carol",
    "Dave",
    "Erin",
    "Frank",
    "Grace",
    "Heidi",
    "Ivan",
    "Judy",
    # Contexts are whatever a client SDK sent: spaces, markdown, a Slack broadcast.
    "Ana María López",
    "*bold* Bea",
    "<!channel>",
)
# At most this many participants per session, so an included page stays small.
MAX_PARTICIPANTS_SHOWN: Final = 6

# Telnyx's published API error codes (developers.telnyx.com, "API Error Messages").
INVALID_URL: Final = ("10003", "Invalid URL")
NOT_FOUND: Final = ("10005", "Resource not found")
INVALID_ID: Final = ("10006", "Invalid ID")
UNEXPECTED: Final = ("10007", "Unexpected error")
AUTHENTICATION_FAILED: Final = ("10009", "Authentication failed")
TOO_MANY_REQUESTS: Final = ("10011", "Too many requests")
DUPLICATE: Final = ("10012", "Duplicate resource")
BAD_REQUEST: Final = ("10015", "Bad Request")
INVALID_JSON: Final = ("10023", "Invalid JSON")


def telnyx_time(moment: datetime) -> str:
    """ISO 8601 in UTC with microseconds, as Telnyx prints timestamps."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _time(moment: datetime | None) -> str | None:
    return None if moment is None else telnyx_time(moment)


# --------------------------------------------------------------------------- rooms


@dataclass(frozen=True)
class RoomWebhooks:
    """The Telnyx-only room settings, kept beside the dataset's rooms."""

    webhook_event_url: str
    webhook_event_failover_url: str  # "" = none, the spec's default
    webhook_timeout_secs: int | None


@dataclass(frozen=True)
class TelnyxRoom:
    id: str
    unique_name: str
    max_participants: int
    enable_recording: bool
    webhook_event_url: str
    webhook_event_failover_url: str
    webhook_timeout_secs: int | None
    created_at: datetime
    updated_at: datetime


def default_webhooks(room: Room) -> RoomWebhooks:
    """Deterministic starting values: every room posts events, some have a failover."""
    variant = zlib.crc32(room.name.encode()) % 3
    failover = f"{WEBHOOK_HOST}/failover/{room.name}" if room.record_on_start else ""
    return RoomWebhooks(
        webhook_event_url=f"{WEBHOOK_HOST}/telnyx/{room.name}",
        webhook_event_failover_url=failover,
        webhook_timeout_secs=(None, 10, 25)[variant],
    )


def clamp_participants(max_members: int) -> int:
    return min(max(max_members, MIN_PARTICIPANTS), MAX_PARTICIPANTS)


def telnyx_room(room: Room, webhooks: RoomWebhooks) -> TelnyxRoom:
    return TelnyxRoom(
        id=room.id,
        unique_name=room.name,
        max_participants=clamp_participants(room.max_members),
        enable_recording=room.record_on_start,
        webhook_event_url=webhooks.webhook_event_url,
        webhook_event_failover_url=webhooks.webhook_event_failover_url,
        webhook_timeout_secs=webhooks.webhook_timeout_secs,
        created_at=room.created_at,
        updated_at=room.updated_at,
    )


def room_json(
    room: TelnyxRoom,
    *,
    active_session_id: str | None,
    sessions: Sequence[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """`Room`; `sessions` only when asked for (include_sessions=true)."""
    body: dict[str, Any] = {
        "id": room.id,
        "unique_name": room.unique_name,
        "max_participants": room.max_participants,
        "enable_recording": room.enable_recording,
        "webhook_event_url": room.webhook_event_url,
        "webhook_event_failover_url": room.webhook_event_failover_url,
        "webhook_timeout_secs": room.webhook_timeout_secs,
        "created_at": telnyx_time(room.created_at),
        "updated_at": telnyx_time(room.updated_at),
        "active_session_id": active_session_id,
        "record_type": "room",
    }
    if sessions is not None:
        body["sessions"] = list(sessions)
    return body


# --------------------------------------------------------------------------- deleted rooms

_DELETED_PAYLOAD_BITS: Final = 24
_EPHEMERAL_NAME: Final = re.compile(r"([a-z-]+)-([0-9a-f]{4})")


def _deleted_room_base(seed: int) -> int:
    tag = hashlib.blake2b(f"telnyx-deleted-room|{seed}".encode(), digest_size=16).digest()
    return int.from_bytes(tag) & ~((1 << _DELETED_PAYLOAD_BITS) - 1)


def deleted_room_id(seed: int, ad_hoc_name: str) -> str:
    """The room_id Telnyx reports for a session of a SignalWire ad-hoc room.

    The name is kept in the id's low bits (prefix number, then the four hex digits), so
    `deleted_room_name` recovers it without any table.
    """
    match = _EPHEMERAL_NAME.fullmatch(ad_hoc_name)
    if match is None or match.group(1) not in EPHEMERAL_PREFIXES:
        raise ValueError(f"not an ad-hoc room name: {ad_hoc_name!r}")
    payload = EPHEMERAL_PREFIXES.index(match.group(1)) << 16 | int(match.group(2), 16)
    return str(uuid.UUID(int=_deleted_room_base(seed) | payload, version=4))


def deleted_room_name(seed: int, room_id: str) -> str | None:
    """The ad-hoc name behind a `deleted_room_id`, or None for any other id."""
    try:
        parsed = uuid.UUID(room_id)
    except ValueError:
        return None
    payload = parsed.int & ((1 << _DELETED_PAYLOAD_BITS) - 1)
    prefix = payload >> 16
    if prefix >= len(EPHEMERAL_PREFIXES):
        return None
    name = f"{EPHEMERAL_PREFIXES[prefix]}-{payload & 0xFFFF:04x}"
    return name if deleted_room_id(seed, name) == str(parsed) else None


def session_room_id(seed: int, session: RoomSession) -> str:
    return session.room_id or deleted_room_id(seed, session.name)


# --------------------------------------------------------------------------- sessions


def _digest(*parts: object) -> bytes:
    return hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=32).digest()


def participants_json(session: RoomSession, seed: int, now: datetime) -> list[dict[str, Any]]:
    """`RoomParticipant`s of a session in joining order, derived from its id: the same
    every time.

    Everyone joins within the first minutes (never after `now`); in an ended session each
    leaves shortly before the end; in an active one nobody has left yet (`left_at` null).
    """
    bits = _digest(seed, session.id, "participants")
    count = 1 + bits[0] % min(clamp_participants(session.max_members), MAX_PARTICIPANTS_SHOWN)
    end = session.end_time
    horizon = (end or now) - session.start_time
    join_window = min(timedelta(minutes=5), max(horizon, timedelta(0)) / 4)
    participants: list[tuple[datetime, dict[str, Any]]] = []
    for position in range(count):
        joined = session.start_time + join_window * (bits[1 + position] / 255)
        left = None if end is None else max(joined, end - timedelta(seconds=bits[9 + position]))
        id_bits = int.from_bytes(_digest(session.id, "participant", position)[:16])
        participants.append(
            (
                joined,
                {
                    "id": str(uuid.UUID(int=id_bits, version=4)),
                    "session_id": session.id,
                    "context": PARTICIPANT_CONTEXTS[
                        bits[17 + position] % len(PARTICIPANT_CONTEXTS)
                    ],
                    "joined_at": telnyx_time(joined),
                    "left_at": _time(left),
                    "updated_at": telnyx_time(left or joined),
                    "record_type": "room_participant",
                },
            )
        )
    return [body for _, body in sorted(participants, key=lambda pair: pair[0])]


def session_json(
    session: RoomSession,
    *,
    room_id: str,
    participants: Sequence[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """`RoomSession`; `participants` only when asked for (include_participants=true)."""
    body: dict[str, Any] = {
        "id": session.id,
        "room_id": room_id,
        "active": session.status == "in-progress",
        "created_at": telnyx_time(session.created_at),
        "updated_at": telnyx_time(session.updated_at),
        "ended_at": _time(session.end_time),
        "record_type": "room_session",
    }
    if participants is not None:
        body["participants"] = list(participants)
    return body


def recording_json(
    recording: SimRecording, *, room_id: str, participant_id: str, download_url: str | None
) -> dict[str, Any]:
    """`RoomRecording`: Telnyx's only once its session has ended (processing, then
    completed); `download_url`, `completed_at` and `size_mb` only once completed."""
    done = recording.status == "completed"
    size = recording.size_in_bytes
    return {
        "id": recording.id,
        "codec": "h264",
        "completed_at": _time(recording.updated_at) if done else None,
        "created_at": telnyx_time(recording.created_at),
        "download_url": download_url if done else None,
        "duration_secs": recording.duration,
        "ended_at": _time(recording.finished_at),
        "participant_id": participant_id,
        "record_type": "room_recording",
        "room_id": room_id,
        "session_id": recording.session.id,
        "size_mb": round(size / 1_000_000, 3) if done and size is not None else None,
        "started_at": telnyx_time(recording.started_at),
        "status": recording.status,
        "type": "video",
        "updated_at": telnyx_time(recording.updated_at),
    }


# --------------------------------------------------------------------------- errors


def error_object(
    code: tuple[str, str],
    detail: str,
    *,
    pointer: str | None = None,
    parameter: str | None = None,
) -> dict[str, Any]:
    """One `video_Error`: `code` is a (code, title) pair from the constants above."""
    body: dict[str, Any] = {"code": code[0], "title": code[1], "detail": detail}
    source = {
        key: value
        for key, value in (("pointer", pointer), ("parameter", parameter))
        if value is not None
    }
    if source:
        body["source"] = source
    return body


def message_body(message: str) -> dict[str, Any]:
    """`video_GenericErrorResponse`, what the list operations answer any 4xx with."""
    return {"message": message, "success": False}


# --------------------------------------------------------------------------- room updates

# A room change that passed validation: PatchRoomRequest field names, checked values.
RoomPatch = dict[str, Any]
_URI_SCHEME: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")


def _check_name(name: str, value: object) -> tuple[object, str | None]:
    if not isinstance(value, str) or not value.strip():
        return None, f"{name} must be a non-empty string"
    return value, None


def _check_int(name: str, value: object, low: int, high: int) -> tuple[object, str | None]:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        return None, f"{name} must be an integer between {low} and {high}"
    return value, None


def _check_bool(name: str, value: object) -> tuple[object, str | None]:
    if not isinstance(value, bool):
        return None, f"{name} must be a boolean"
    return value, None


def _check_url(name: str, value: object, *, may_be_empty: bool) -> tuple[object, str | None]:
    if may_be_empty and value == "":
        return "", None
    try:
        parts = urlsplit(value) if isinstance(value, str) else None
    except ValueError:  # e.g. an unbalanced IPv6 bracket
        parts = None
    if (
        parts is None
        or _URI_SCHEME.fullmatch(parts.scheme) is None
        or not (parts.netloc or parts.path)
        or any(c.isspace() for c in str(value))
    ):
        return None, f"{name} must be a URL with a scheme, such as 'https'"
    return value, None


def _check_timeout(name: str, value: object) -> tuple[object, str | None]:
    if value is None:
        return None, None
    return _check_int(name, value, 0, MAX_WEBHOOK_TIMEOUT)


_Check = Callable[[str, object], tuple[object, str | None]]
_PATCH_CHECKS: Final[Mapping[str, tuple[_Check, tuple[str, str]]]] = {
    "unique_name": (_check_name, BAD_REQUEST),
    "max_participants": (
        lambda n, v: _check_int(n, v, MIN_PARTICIPANTS, MAX_PARTICIPANTS),
        BAD_REQUEST,
    ),
    "enable_recording": (_check_bool, BAD_REQUEST),
    "webhook_event_url": (lambda n, v: _check_url(n, v, may_be_empty=False), INVALID_URL),
    "webhook_event_failover_url": (lambda n, v: _check_url(n, v, may_be_empty=True), INVALID_URL),
    "webhook_timeout_secs": (_check_timeout, BAD_REQUEST),
}
PATCH_FIELDS: Final = tuple(_PATCH_CHECKS)


def validate_room_patch(
    body: object, *, name_taken: Callable[[str], bool]
) -> tuple[RoomPatch, list[dict[str, Any]]]:
    """Check a PATCH /rooms/{id} body against PatchRoomRequest: (changes, video_Errors).

    Fields the spec does not name are refused rather than ignored, so a misspelt field fails
    loudly. `name_taken` says whether another room already has a unique_name.
    """
    if not isinstance(body, dict):
        return {}, [error_object(BAD_REQUEST, "The request body must be a JSON object", pointer="")]
    changes: RoomPatch = {}
    errors: list[dict[str, Any]] = []
    for name, value in body.items():
        pointer = "/" + str(name).replace("~", "~0").replace("/", "~1")
        entry = _PATCH_CHECKS.get(name)
        if entry is None:
            errors.append(
                error_object(BAD_REQUEST, f"{name} is not a room attribute", pointer=pointer)
            )
            continue
        check, code = entry
        parsed, problem = check(name, value)
        if problem is not None:
            errors.append(error_object(code, problem, pointer=pointer))
        elif name == "unique_name" and isinstance(parsed, str) and name_taken(parsed):
            detail = f"unique_name {parsed!r} is already taken by another room"
            errors.append(error_object(DUPLICATE, detail, pointer=pointer))
        else:
            changes[name] = parsed
    return (changes, []) if not errors else ({}, errors)
