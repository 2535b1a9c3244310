"""The room fields `/rooms update` may change on SignalWire, and how a typed value becomes
the value sent (pure).

The catalogue follows `Video.UpdateRoomRequest` in tests/specs/signalwire-video.openapi.yaml.
Values come out in the form the API takes and the store keeps (JSON): times as RFC 3339 in
UTC, to the second. Every refusal names the field, the rule and an example, so the person
can type it again right; the same rules serve typed text, the modal and button round trips.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Literal, NoReturn, TypeAlias

from bot.approvals.model import JsonValue
from bot.commands.model import UsageError
from bot.commands.usage import USAGE
from bot.commands.words import tidy
from bot.suggest import closest
from bot.text import clip, escape

FieldKind = Literal["text", "integer", "choice", "time", "flag", "json"]
# What a field holds once parsed: a string (text, choice, time), an int, a bool, or an object.
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


def _integer(name: str, low: int, high: int, example: str) -> FieldSpec:
    return FieldSpec(name, "integer", f"a whole number from {low} to {high}", example, low, high)


def _choice(name: str, choices: tuple[str, ...], example: str) -> FieldSpec:
    return FieldSpec(name, "choice", "one of " + ", ".join(choices), example, choices=choices)


def _time(name: str, example: str) -> FieldSpec:
    rule = "an RFC 3339 time with a zone, like 2026-12-01T09:00:00Z, or a date (00:00 UTC)"
    return FieldSpec(name, "time", rule, example)


def _flag(name: str) -> FieldSpec:
    return FieldSpec(name, "flag", "true or false (yes/no and on/off work too)", f"{name}=true")


SIGNALWIRE_FIELDS: Mapping[str, FieldSpec] = {
    spec.name: spec
    for spec in (
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
    )
}
# Other names people use for a field: the published "Update a Room" page calls the sync flag
# `audio_video_sync`, as room sessions do.
ALIASES: Mapping[str, str] = {"audio_video_sync": "sync_audio_video"}
# Room fields SignalWire shows but UpdateRoomRequest cannot set.
READ_ONLY: frozenset[str] = frozenset(
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
)
TIME_FIELDS: frozenset[str] = frozenset(
    name for name, spec in SIGNALWIRE_FIELDS.items() if spec.kind == "time"
)

_RFC3339 = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})[Tt ](?P<hour>\d{2}):(?P<minute>\d{2})"
    r"(?::(?P<second>\d{2})(?P<fraction>\.\d+)?)?(?P<zone>[Zz]|[+-]\d{2}:\d{2})"
)
_WHOLE_NUMBER = re.compile(r"[+-]?\d{1,12}")


class FieldRefused(UsageError):
    """A value `/rooms update` will not send, naming the field; `reason` is the message
    without the example, for a modal that shows it under the field."""

    def __init__(self, field: str, reason: str, example: str) -> None:
        super().__init__(f"{reason} Example: `{example}`.", usage())
        self.field = field
        self.reason = reason


USAGE_LINE = "/rooms update UUID|NAME [field=value ...]"


def usage() -> str:
    return USAGE.get("update", USAGE_LINE)


def field_spec(name: str) -> FieldSpec:
    """The catalogue entry for a field or its alias; FieldRefused for anything else."""
    key = tidy(name).lower()
    spec = SIGNALWIRE_FIELDS.get(ALIASES.get(key, key))
    if spec is not None:
        return spec
    shown = _echo(name)
    if key in READ_ONLY:
        raise FieldRefused(
            key,
            f"`{shown}` cannot be changed: SignalWire's UpdateRoomRequest has no such field.",
            SIGNALWIRE_FIELDS["display_name"].example,
        )
    guesses = closest(key, [*SIGNALWIRE_FIELDS, *ALIASES])
    hint = f" Did you mean `{guesses[0]}`?" if guesses else ""
    raise FieldRefused(
        key,
        f"`{shown}` is not a room field /rooms update can change.{hint} "
        f"Fields: {', '.join(SIGNALWIRE_FIELDS)}.",
        (SIGNALWIRE_FIELDS[ALIASES.get(guesses[0], guesses[0])] if guesses else _DEFAULT).example,
    )


def parse_value(spec: FieldSpec, raw: str) -> FieldValue:
    """`raw` as typed (quotes already removed) → the value to send, or FieldRefused."""
    if spec.kind == "text":
        return _parse_text(spec, raw)
    if spec.kind == "json":
        return _parse_meta(spec, raw)
    value = tidy(raw)
    if not value:
        if spec.kind == "time":
            _refuse(
                spec,
                f"SignalWire cannot clear `{spec.name}`: its UpdateRoomRequest takes no empty "
                "value, so a time can only be moved, not removed.",
            )
        _refuse(spec, f"`{spec.name}=` needs a value: {spec.rule}.")
    if spec.kind == "integer":
        return _parse_integer(spec, value)
    if spec.kind == "choice":
        return _parse_choice(spec, value)
    if spec.kind == "flag":
        return _parse_flag(spec, value)
    return _parse_time(spec, value)


def parse_assignments(words: Iterable[str]) -> dict[str, FieldValue]:
    """`field=value` words → the fields asked for, in the order given."""
    values: dict[str, FieldValue] = {}
    typed_as: dict[str, str] = {}
    for word in words:
        key, sep, raw = word.partition("=")
        if not sep:
            raise UsageError(
                f"`{_echo(word)}` is not a field change: write `field=value`, e.g. "
                f"`{SIGNALWIRE_FIELDS['max_members'].example}`.",
                usage(),
            )
        spec = field_spec(key)
        typed = tidy(key).lower()
        if spec.name in values:
            first = typed_as[spec.name]
            same = "" if first == typed else f" (`{typed}` is another name for `{spec.name}`)"
            raise FieldRefused(
                spec.name, f"`{spec.name}` is given twice{same}; give it once.", spec.example
            )
        values[spec.name] = parse_value(spec, raw)
        typed_as[spec.name] = typed
    _check_window(values)
    return values


def parse_form(changed: Iterable[tuple[str, str]]) -> tuple[dict[str, FieldValue], dict[str, str]]:
    """Fields changed in the form → (values, refusals by field): every field is checked, so
    the form can show each problem under its own field at once."""
    values: dict[str, FieldValue] = {}
    refusals: dict[str, str] = {}
    for name, raw in changed:
        try:
            spec = field_spec(name)
            values[spec.name] = parse_value(spec, raw)
        except FieldRefused as refused:
            refusals[name] = refused.reason
    if not refusals:
        try:
            _check_window(values)
        except FieldRefused as refused:
            refusals[refused.field] = refused.reason
    return values, refusals


def format_instant(moment: datetime) -> str:
    """A time as the store keeps it and SignalWire takes it: UTC, `Z`, seconds (and the
    fraction only when the provider reported one)."""
    utc = moment.astimezone(UTC) if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    text = utc.replace(tzinfo=None).isoformat(timespec="seconds" if not utc.microsecond else "auto")
    return text + "Z"


def parse_instant(text: str) -> datetime | None:
    """A date (00:00 UTC) or an RFC 3339 time with a zone, to the second (pure)."""
    try:
        return datetime.combine(date.fromisoformat(text), time(0), tzinfo=UTC)
    except ValueError:
        pass
    match = _RFC3339.fullmatch(text)
    if match is None or match["fraction"]:
        return None
    zone = match["zone"].upper()
    second = match["second"] or "00"
    try:
        return datetime.fromisoformat(
            f"{match['date']}T{match['hour']}:{match['minute']}:{second}"
            + ("+00:00" if zone == "Z" else zone)
        ).astimezone(UTC)
    except (ValueError, OverflowError):
        return None


# -- one kind each ------------------------------------------------------------------------


def _parse_text(spec: FieldSpec, raw: str) -> str:
    value = raw.strip()
    if len(value) < spec.min_length:
        _refuse(spec, f"`{spec.name}` cannot be empty: it must be {spec.rule}.")
    if len(value) > spec.max_length:
        _refuse(
            spec,
            f"`{spec.name}` is {len(value)} characters long; it must be {spec.rule}.",
        )
    return value


def _parse_integer(spec: FieldSpec, value: str) -> int:
    if not _WHOLE_NUMBER.fullmatch(value):
        _refuse(spec, f"`{spec.name}` must be {spec.rule}, not `{_echo(value)}`.")
    number = int(value)
    if not spec.low <= number <= spec.high:
        _refuse(spec, f"`{spec.name}` must be {spec.rule}, not {number}.")
    return number


def _parse_choice(spec: FieldSpec, value: str) -> str:
    folded = value.lower()
    if folded in spec.choices:
        return folded
    guesses = closest(folded, spec.choices)
    hint = f" Did you mean `{guesses[0]}`?" if guesses else ""
    _refuse(spec, f"`{spec.name}` must be {spec.rule}; `{_echo(value)}` is not one.{hint}")


def _parse_flag(spec: FieldSpec, value: str) -> bool:
    folded = value.lower()
    if folded in TRUE_WORDS:
        return True
    if folded in FALSE_WORDS:
        return False
    _refuse(spec, f"`{spec.name}` must be {spec.rule}, not `{_echo(value)}`.")


def _parse_time(spec: FieldSpec, value: str) -> str:
    moment = parse_instant(value)
    if moment is None:
        _refuse(spec, f"`{spec.name}` must be {spec.rule}; `{_echo(value)}` is not.")
    return format_instant(moment)


def _parse_meta(spec: FieldSpec, raw: str) -> dict[str, JsonValue]:
    text = raw.strip()
    if not text:
        _refuse(spec, f"`{spec.name}=` needs a JSON object; `meta='{{}}'` empties it.")
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        _refuse(spec, f"`{spec.name}` is not valid JSON: it must be {spec.rule}.")
    if not isinstance(value, dict):
        _refuse(spec, f"`{spec.name}` must be a JSON object ({{...}}), not another JSON value.")
    size = len(json.dumps(value, separators=(",", ":"), ensure_ascii=False))
    if size > META_MAX_CHARS:
        _refuse(
            spec,
            f"`{spec.name}` is {size} characters as JSON; SignalWire takes at most "
            f"{META_MAX_CHARS}.",
        )
    return value


def _no_constant(name: str) -> object:
    # NaN and Infinity are Python's extension, not JSON: SignalWire would refuse them.
    raise ValueError(name)


def _check_window(values: Mapping[str, FieldValue]) -> None:
    start, end = values.get("join_from"), values.get("join_until")
    if isinstance(start, str) and isinstance(end, str) and start >= end:
        spec = SIGNALWIRE_FIELDS["join_until"]
        _refuse(spec, "`join_until` must be later than `join_from`.")


def _refuse(spec: FieldSpec, reason: str) -> NoReturn:
    raise FieldRefused(spec.name, reason, spec.example)


def _echo(value: str) -> str:
    # Echoed input stays short, cannot leave its code span, and pings nobody.
    return escape(clip(value.replace("`", "'"), 60))


_DEFAULT = SIGNALWIRE_FIELDS["max_members"]
