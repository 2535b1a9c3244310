"""Provider-neutral video models, named after SignalWire's fields (the product's vocabulary).

Every field is optional and accepts null, even where a spec says non-null, because live
payloads do send nulls; unknown fields are kept (`extra="allow"`) so nothing a provider
adds is lost on the way to the user. A count, cap, duration or cost that cannot be true
(negative, or not a finite number) is unknown (None) here, so no view and no digest shows
"cap -2147483648" as a fact.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.providers.walks import WalkCut


class ProviderModel(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)

    def extra_fields(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


def unknown_if_impossible(value: int | float | None) -> int | float | None:
    """A quantity that cannot be negative: None (unknown) when it is, or is not finite."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    return None if value < 0 else value


class RoomSettings(ProviderModel):
    """What a room and the sessions started from it have in common."""

    id: str | None = None
    name: str | None = None
    display_name: str | None = None
    max_members: int | None = None
    quality: str | None = None
    fps: int | float | None = None
    join_from: datetime | None = None
    join_until: datetime | None = None
    remove_at: datetime | None = None
    remove_after_seconds_elapsed: int | None = None
    layout: str | None = None
    record_on_start: bool | None = None
    tone_on_entry_and_exit: bool | None = None
    room_join_video_off: bool | None = None
    user_join_video_off: bool | None = None
    enable_room_previews: bool | None = None
    sync_audio_video: bool | None = None
    prioritize_handraise: bool | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    _impossible = field_validator("max_members", "fps", "remove_after_seconds_elapsed")(
        unknown_if_impossible
    )


class Participant(ProviderModel):
    """Someone in a session (Telnyx's RoomParticipant): `name` is the context their client
    gave; `duration` in seconds, once they have left."""

    id: str | None = None
    name: str | None = None
    joined_at: datetime | None = None
    left_at: datetime | None = None
    duration: int | None = None

    _impossible = field_validator("duration")(unknown_if_impossible)


class RoomSession(RoomSettings):
    """A room session: list items carry `cost_in_dollars`; a single GET does not."""

    room_id: str | None = None
    locked: bool | None = None
    start_time: datetime | None = None
    end_time: datetime | None = None
    duration: int | None = None
    status: str | None = None
    preview_url: str | None = None
    # `Video.ActiveSession` names the sync flag `audio_video_sync`.
    audio_video_sync: bool | None = None
    locked_cover: str | None = None
    cost_in_dollars: float | None = None
    # Only when the provider was asked for them (Telnyx's include_participants).
    participants: list[Participant] | None = None

    _impossible_session = field_validator("duration", "cost_in_dollars")(unknown_if_impossible)


class Room(RoomSettings):
    description: str | None = None
    meta: dict[str, Any] | None = None
    active_session: RoomSession | None = None


class Conference(ProviderModel):
    id: str | None = None
    name: str | None = None
    display_name: str | None = None
    description: str | None = None
    join_from: datetime | None = None
    join_until: datetime | None = None
    quality: str | None = None
    layout: str | None = None
    size: str | None = None
    record_on_start: bool | None = None
    tone_on_entry_and_exit: bool | None = None
    user_join_video_off: bool | None = None
    room_join_video_off: bool | None = None
    enable_chat: bool | None = None
    enable_room_previews: bool | None = None
    dark_primary: str | None = None
    dark_background: str | None = None
    dark_foreground: str | None = None
    dark_success: str | None = None
    dark_negative: str | None = None
    light_primary: str | None = None
    light_background: str | None = None
    light_foreground: str | None = None
    light_success: str | None = None
    light_negative: str | None = None
    meta: dict[str, Any] | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    active_session: RoomSession | None = None


# -- drill-down: who was in a session, what happened in it, its recordings ----------------
#
# Plain frozen dataclasses, built field by field by each client from what its provider sent:
# nothing of the provider's JSON travels further. A value that cannot be true (a negative
# size or duration, a leaving before the joining) is None, unknown.


@dataclass(frozen=True)
class Member:
    """Someone who was (or is) in a session: SignalWire's member, Telnyx's participant."""

    id: str | None
    session_id: str | None
    name: str | None  # SignalWire's `name`; Telnyx's `context` (a provider string: escape it)
    joined_at: datetime | None
    left_at: datetime | None
    # Still in the session: joined and no leaving time. False when a leaving time was sent
    # but could not be true (before the joining): then left_at is None and unknown.
    still_in: bool
    duration: int | None  # whole seconds in the session, once known
    cost_in_dollars: float | None  # SignalWire only


@dataclass(frozen=True)
class SessionEvent:
    """One line of a session's timeline (SignalWire); `name` as the provider gives it."""

    id: str | None
    name: str | None  # e.g. "member.joined", "recording.started"; no list of them is fixed
    at: datetime | None
    level: str | None = None
    member_id: str | None = None
    member_name: str | None = None
    layout: str | None = None
    recording_id: str | None = None


RECORDING_COMPLETED: Final = "completed"


@dataclass(frozen=True)
class Recording:
    """A recording of a session. `status`: "completed", "processing", or (SignalWire)
    "recording" / "paused", as the provider said it; a link exists once it is completed."""

    id: str | None
    session_id: str | None
    room_id: str | None  # Telnyx only (SignalWire's recordings do not name their room)
    room_name: str | None  # Telnyx only, from its room's unique_name
    status: str | None
    started_at: datetime | None
    finished_at: datetime | None
    duration: int | None  # whole seconds
    size_bytes: int | None
    cost_in_dollars: float | None  # SignalWire only
    format: str | None  # SignalWire's MIME type (video/mp4), Telnyx's type (audio, video)
    created_at: datetime | None

    @property
    def completed(self) -> bool:
        return self.status == RECORDING_COMPLETED


@dataclass(frozen=True)
class RecordingLink:
    """Where a recording can be downloaded: a credential. `url` is left out of repr, so a
    traceback or a debug print never shows it; `expires_at` is None when the provider
    states no lifetime (Telnyx), else approximate (asked-at time + the lifetime asked for)."""

    url: str = field(repr=False)
    expires_at: datetime | None


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list, with an opaque cursor to the next one (None at the end).

    The cursor is a plain string so that it can travel in a Slack button's value and be
    served by any replica: nothing about a listing is kept in memory.
    """

    items: list[T] = Field(default_factory=list)
    next_cursor: str | None = None
    # Set when reading this page ended its listing early (bot/providers/walks.py): the
    # items are what came before the cut, and there is no next cursor.
    cut: WalkCut | None = None
