"""The room fields `/rooms update` may change, one catalogue per video provider: provider
facts (pure).

SignalWire's catalogue follows `Video.UpdateRoomRequest` in
tests/specs/signalwire-video.openapi.yaml, Telnyx's follows `PatchRoomRequest` in
tests/specs/telnyx-video-rooms.openapi.yaml. How a typed value becomes the value sent is
the grammar's (bot/commands/fields.py).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Literal, TypeAlias

from bot.ids import ROOM_NAME, ROOM_NAME_RULE

# A value as JSON holds it: what the store keeps and the providers take.
JsonValue: TypeAlias = "str | int | float | bool | list[JsonValue] | dict[str, JsonValue] | None"

FieldKind = Literal["text", "integer", "choice", "time", "flag", "json", "url"]
# What a field holds once parsed: a string (text, choice, time, url), an int, a bool, an
# object, or None (a cleared field whose provider takes null).
FieldValue: TypeAlias = JsonValue

LAYOUTS: tuple[str, ...] = (
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
QUALITIES: tuple[str, ...] = ("720p", "1080p")
META_MAX_CHARS = 2000
TRUE_WORDS = frozenset({"true", "yes", "on"})
FALSE_WORDS = frozenset({"false", "no", "off"})
URL_MAX_CHARS = 2000
URL_SCHEMES = ("http", "https")


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: FieldKind
    rule: str  # what a valid value is, in words
    example: str  # a whole `field=value` that is valid
    low: int = 0
    high: int = 0
    max_length: int = 0
    min_length: int = 0
    choices: tuple[str, ...] = ()
    pattern: re.Pattern[str] | None = None  # text only: what the whole value must match
    # Whether an empty value is sent rather than refused, and what it is sent as: providers
    # differ ("" for no failover URL, null for Telnyx's default timeout).
    clearable: bool = False
    cleared: FieldValue = None
    # Who takes the value, for messages that name them; set by `_stamped`.
    provider: str = ""
    request: str = ""  # the provider's update request schema


def _text(name: str, max_length: int, example: str, *, min_length: int = 0) -> FieldSpec:
    least = "" if min_length == 0 else f"{min_length} to "
    return FieldSpec(
        name,
        "text",
        f"text of {least}{max_length} characters",
        example,
        max_length=max_length,
        min_length=min_length,
    )


def _integer(name: str, low: int, high: int, example: str, *, empty_means: str = "") -> FieldSpec:
    """`empty_means` (what an empty value stands for, in words) makes the field clearable
    to null."""
    rule = f"a whole number from {low} to {high}"
    if not empty_means:
        return FieldSpec(name, "integer", rule, example, low, high)
    rule += f", or empty for {empty_means}"
    return FieldSpec(name, "integer", rule, example, low, high, clearable=True, cleared=None)


def _choice(name: str, choices: tuple[str, ...], example: str) -> FieldSpec:
    return FieldSpec(name, "choice", "one of " + ", ".join(choices), example, choices=choices)


def _time(name: str, example: str) -> FieldSpec:
    rule = "an RFC 3339 time with a zone, like 2026-12-01T09:00:00Z, or a date (00:00 UTC)"
    return FieldSpec(name, "time", rule, example)


def _flag(name: str) -> FieldSpec:
    return FieldSpec(name, "flag", "true or false (yes/no and on/off work too)", f"{name}=true")


def _room_name(name: str, example: str) -> FieldSpec:
    # The rule `/rooms room NAME` finds rooms by: a room renamed to anything else could no
    # longer be named.
    rule = f"a room name: {ROOM_NAME_RULE} (so `/rooms room NAME` can find it)"
    return FieldSpec(name, "text", rule, example, max_length=100, min_length=1, pattern=ROOM_NAME)


def _url(name: str, example: str, *, empty_means: str = "") -> FieldSpec:
    """`empty_means` makes the field clearable to "" (the spec's default: no URL)."""
    rule = f"an http or https URL with a host, of at most {URL_MAX_CHARS} characters"
    if not empty_means:
        return FieldSpec(name, "url", rule, example, max_length=URL_MAX_CHARS)
    return FieldSpec(
        name,
        "url",
        f"{rule}, or empty for {empty_means}",
        example,
        max_length=URL_MAX_CHARS,
        clearable=True,
        cleared="",
    )


def _stamped(provider: str, request: str, *specs: FieldSpec) -> Mapping[str, FieldSpec]:
    return MappingProxyType(
        {spec.name: replace(spec, provider=provider, request=request) for spec in specs}
    )


# Compared by identity (there is one per provider), which also keeps it hashable although
# its mappings are not.
@dataclass(frozen=True, eq=False)
class Catalogue:
    """What `/rooms update` may change on one provider, and how it talks about it."""

    name: str  # the VIDEO_PROVIDER value
    provider: str  # the label people read
    request: str  # the provider's update request schema, named when a field is not in it
    fields: Mapping[str, FieldSpec]  # in the order forms and messages list them
    aliases: Mapping[str, str]  # other names people use → the field
    read_only: frozenset[str]  # fields the provider shows but its update cannot set
    example_field: str  # whose example is shown for a word that is no `field=value`
    # Other providers' names for a field here (→ the field): a hint for people who know
    # the other provider's words.
    equivalents: Mapping[str, str]
    form_note: str | None  # a context line on the form, where the provider has a catch

    @property
    def example(self) -> str:
        """The `field=value` that hints show when no particular field is in question."""
        return self.fields[self.example_field].example


SIGNALWIRE = Catalogue(
    name="signalwire",
    provider="SignalWire",
    request="UpdateRoomRequest",
    fields=_stamped(
        "SignalWire",
        "UpdateRoomRequest",
        _text("display_name", 200, 'display_name="Daily stand-up"', min_length=1),
        _text("description", 3000, 'description="Where the team meets at 9"'),
        _integer("max_members", 1, 300, "max_members=25"),
        _choice("quality", QUALITIES, "quality=1080p"),
        _time("join_from", "join_from=2026-12-01T09:00:00Z"),
        _time("join_until", "join_until=2026-12-31"),
        _time("remove_at", "remove_at=2026-12-31T18:00:00Z"),
        _integer("remove_after_seconds_elapsed", 1, 200000, "remove_after_seconds_elapsed=3600"),
        _choice("layout", LAYOUTS, "layout=grid-responsive"),
        _flag("record_on_start"),
        _flag("enable_room_previews"),
        _flag("sync_audio_video"),
        FieldSpec(
            "meta",
            "json",
            f"a JSON object of at most {META_MAX_CHARS} characters, in single quotes",
            """meta='{"team": "ops"}'""",
        ),
    ),
    # The published "Update a Room" page calls the sync flag `audio_video_sync`, as room
    # sessions do.
    aliases=MappingProxyType({"audio_video_sync": "sync_audio_video"}),
    read_only=frozenset(
        {
            "id",
            "name",
            "fps",
            "tone_on_entry_and_exit",
            "room_join_video_off",
            "user_join_video_off",
            "prioritize_handraise",
            "created_at",
            "updated_at",
            "active_session",
        }
    ),
    example_field="max_members",
    # Telnyx's `unique_name` is the room's name, which UpdateRoomRequest cannot set: no hint.
    equivalents=MappingProxyType(
        {"max_participants": "max_members", "enable_recording": "record_on_start"}
    ),
    form_note="SignalWire cannot clear a time once set: move it instead.",
)
TELNYX = Catalogue(
    name="telnyx",
    provider="Telnyx",
    request="PatchRoomRequest",
    fields=_stamped(
        "Telnyx",
        "PatchRoomRequest",
        _room_name("unique_name", "unique_name=daily-standup"),
        _integer("max_participants", 2, 50, "max_participants=25"),
        _flag("enable_recording"),
        _url("webhook_event_url", "webhook_event_url=https://example.com/hooks"),
        _url(
            "webhook_event_failover_url",
            "webhook_event_failover_url=https://failover.example.com/hooks",
            empty_means="no failover",
        ),
        _integer(
            "webhook_timeout_secs", 0, 30, "webhook_timeout_secs=25", empty_means="Telnyx's default"
        ),
    ),
    # None: a SignalWire name meets a hint through `equivalents` instead, so nobody learns
    # to type one provider's words for the other.
    aliases=MappingProxyType({}),
    read_only=frozenset(
        {"id", "created_at", "updated_at", "active_session_id", "sessions", "record_type"}
    ),
    example_field="max_participants",
    equivalents=MappingProxyType(
        {
            "max_members": "max_participants",
            "record_on_start": "enable_recording",
            "name": "unique_name",
            "display_name": "unique_name",
        }
    ),
    form_note=None,
)
CATALOGUES: Mapping[str, Catalogue] = MappingProxyType(
    {catalogue.name: catalogue for catalogue in (SIGNALWIRE, TELNYX)}
)

# SignalWire's catalogue under the names other modules import.
SIGNALWIRE_FIELDS: Mapping[str, FieldSpec] = SIGNALWIRE.fields
ALIASES: Mapping[str, str] = SIGNALWIRE.aliases
READ_ONLY: frozenset[str] = SIGNALWIRE.read_only
TIME_FIELDS: frozenset[str] = frozenset(
    name for name, spec in SIGNALWIRE_FIELDS.items() if spec.kind == "time"
)


def format_instant(moment: datetime) -> str:
    """A time as the store keeps it and SignalWire takes it: UTC, `Z`, seconds (and the
    fraction only when the provider reported one)."""
    utc = moment.astimezone(UTC) if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    text = utc.replace(tzinfo=None).isoformat(timespec="seconds" if not utc.microsecond else "auto")
    return text + "Z"
