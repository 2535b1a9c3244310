"""The room fields `/rooms update` may change, one catalogue per video provider, and how a
typed value becomes the value sent (pure).

SignalWire's catalogue follows `Video.UpdateRoomRequest` in
tests/specs/signalwire-video.openapi.yaml, Telnyx's follows `PatchRoomRequest` in
tests/specs/telnyx-video-rooms.openapi.yaml. Values come out in the form the API takes and
the store keeps (JSON): times as RFC 3339 in UTC, to the second; a cleared field as its
provider takes it ("" or null). Every refusal names the field, the rule and an example, so
the person can type it again right; the same rules serve typed text, the modal and button
round trips.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from types import MappingProxyType
from typing import Literal, NoReturn, TypeAlias
from urllib.parse import urlsplit

from bot.approvals.model import JsonValue
from bot.commands.model import UsageError
from bot.commands.usage import USAGE
from bot.commands.words import tidy
from bot.ids import ROOM_NAME, ROOM_NAME_RULE
from bot.suggest import closest
from bot.text import echo as _echo  # the one echo of typed input

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

# Numbers are ASCII digits only: `\d` would take fullwidth and other scripts' digits, which
# read as something else to an approver and to the provider.
_RFC3339 = re.compile(
    r"(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})[Tt ](?P<hour>[0-9]{2}):(?P<minute>[0-9]{2})"
    r"(?::(?P<second>[0-9]{2})(?P<fraction>\.[0-9]+)?)?(?P<zone>[Zz]|[+-][0-9]{2}:[0-9]{2})"
)
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,12}")
_URL_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://")
# Not `<!channel>`, `<@U…>` or `<#C…>`: Slack's mentions are no links to unwrap.
_SLACK_LINK = re.compile(r"<(?![!@#])([^<>|]*)(?:\|[^<>]*)?>")
# Characters RFC 3986 never allows in a URL that people do paste around one.
_NOT_IN_URLS = frozenset('<>"`')


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


def catalogue_for(provider_name: str) -> Catalogue:
    """The catalogue of a VIDEO_PROVIDER value; ValueError for a provider without one."""
    catalogue = CATALOGUES.get(provider_name.strip().lower())
    if catalogue is None:
        raise ValueError(
            f"no /rooms update fields for video provider {provider_name!r}; "
            f"known: {', '.join(CATALOGUES)}"
        )
    return catalogue


def field_spec(name: str, *, catalogue: Catalogue) -> FieldSpec:
    """The catalogue entry for a field or its alias; FieldRefused for anything else."""
    key = tidy(name).lower()
    spec = catalogue.fields.get(catalogue.aliases.get(key, key))
    if spec is not None:
        return spec
    shown = _echo(name)
    if key in catalogue.read_only:
        raise FieldRefused(
            key,
            f"`{shown}` cannot be changed: {catalogue.provider}'s {catalogue.request} has no "
            "such field.",
            # The first field is the one people most often mean (the room's name or label).
            next(iter(catalogue.fields.values())).example,
        )
    owner = _owner_elsewhere(key, catalogue)
    if owner is not None:
        raise _foreign(key, shown, owner, catalogue)
    guesses = closest(key, [*catalogue.fields, *catalogue.aliases])
    hint = f" Did you mean `{guesses[0]}`?" if guesses else ""
    example_field = catalogue.aliases.get(guesses[0], guesses[0]) if guesses else None
    raise FieldRefused(
        key,
        f"`{shown}` is not a room field /rooms update can change.{hint} "
        f"Fields: {', '.join(catalogue.fields)}.",
        _example(catalogue, example_field),
    )


def parse_value(spec: FieldSpec, raw: str) -> FieldValue:
    """`raw` as typed (quotes already removed) → the value to send, or FieldRefused."""
    if spec.kind == "text":
        return _parse_text(spec, raw)
    if spec.kind == "json":
        return _parse_meta(spec, raw)
    if spec.kind == "url":
        return _parse_url(spec, raw)
    value = tidy(raw)
    if not value:
        if spec.clearable:
            return spec.cleared
        if spec.kind == "time":
            _refuse(
                spec,
                f"{spec.provider} cannot clear `{spec.name}`: its {spec.request} takes no empty "
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


def parse_assignments(words: Iterable[str], *, catalogue: Catalogue) -> dict[str, FieldValue]:
    """`field=value` words → the fields asked for, in the order given."""
    values: dict[str, FieldValue] = {}
    typed_as: dict[str, str] = {}
    for word in words:
        key, sep, raw = word.partition("=")
        if not sep:
            raise UsageError(
                f"`{_echo(word)}` is not a field change: write `field=value`, e.g. "
                f"`{catalogue.example}`.",
                usage(),
            )
        spec = field_spec(key, catalogue=catalogue)
        typed = tidy(key).lower()
        if spec.name in values:
            first = typed_as[spec.name]
            same = "" if first == typed else f" (`{typed}` is another name for `{spec.name}`)"
            raise FieldRefused(
                spec.name, f"`{spec.name}` is given twice{same}; give it once.", spec.example
            )
        values[spec.name] = parse_value(spec, raw)
        typed_as[spec.name] = typed
    _check_window(values, catalogue)
    return values


def parse_form(
    changed: Iterable[tuple[str, str]], *, catalogue: Catalogue
) -> tuple[dict[str, FieldValue], dict[str, str]]:
    """Fields changed in the form → (values, refusals by field): every field is checked, so
    the form can show each problem under its own field at once."""
    values: dict[str, FieldValue] = {}
    refusals: dict[str, str] = {}
    for name, raw in changed:
        try:
            spec = field_spec(name, catalogue=catalogue)
            values[spec.name] = parse_value(spec, raw)
        except FieldRefused as refused:
            refusals[name] = refused.reason
    if not refusals:
        try:
            _check_window(values, catalogue)
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
    if spec.pattern is not None and not spec.pattern.fullmatch(value):
        _refuse(spec, f"`{spec.name}` must be {spec.rule}; `{_echo(value)}` is not.")
    return value


def _parse_url(spec: FieldSpec, raw: str) -> FieldValue:
    value = _unwrap_link(raw.strip().strip("`").strip())
    if not value:
        if spec.clearable:
            return spec.cleared
        _refuse(spec, f"`{spec.name}=` needs a value: {spec.rule}.")
    if len(value) > spec.max_length:
        _refuse(spec, f"`{spec.name}` is {len(value)} characters long; it must be {spec.rule}.")
    if any(char.isspace() or not char.isprintable() or char in _NOT_IN_URLS for char in value):
        _refuse(
            spec,
            f"`{spec.name}` must be {spec.rule}, without spaces, quotes or angle brackets; "
            f"`{_echo(value)}` has some.",
        )
    scheme = _URL_SCHEME.match(value)
    if scheme is None:
        # Telnyx needs the scheme, and a bare host is the usual slip: offer it with one.
        guess = _echo("https://" + value.lstrip("/"))
        _refuse(
            spec,
            f"`{spec.name}` needs a scheme: it must be {spec.rule}. Did you mean `{guess}`?",
        )
    if scheme[1].lower() not in URL_SCHEMES:
        _refuse(spec, f"`{spec.name}` must be {spec.rule}, not a `{_echo(scheme[1])}` URL.")
    try:
        parts = urlsplit(value)
        host, _port = parts.hostname, parts.port  # `port` checks the port is a number
    except ValueError:
        host = None
    if not host:
        _refuse(spec, f"`{spec.name}` must be {spec.rule}; `{_echo(value)}` has no valid host.")
    return value


def _unwrap_link(text: str) -> str:
    # Slack sends a URL typed in a command as `<url>`, or `<url|what was shown>`.
    link = _SLACK_LINK.fullmatch(text)
    return link[1] if link else text


def _parse_integer(spec: FieldSpec, value: str) -> int:
    if not _WHOLE_NUMBER.fullmatch(value):
        if value.lstrip("+-").isdecimal():  # digits, but not 0-9: fullwidth, Arabic-Indic...
            _refuse(
                spec,
                f"`{spec.name}` must be {spec.rule}, typed with the digits 0-9; "
                f"`{_echo(value)}` uses other digits.",
            )
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
            f"`{spec.name}` is {size} characters as JSON; {spec.provider} takes at most "
            f"{META_MAX_CHARS}.",
        )
    return value


def _no_constant(name: str) -> object:
    # NaN and Infinity are Python's extension, not JSON: SignalWire would refuse them.
    raise ValueError(name)


def _check_window(values: Mapping[str, FieldValue], catalogue: Catalogue) -> None:
    # Both values present means both fields are in the catalogue (SignalWire's only).
    start, end = values.get("join_from"), values.get("join_until")
    if isinstance(start, str) and isinstance(end, str) and start >= end:
        spec = catalogue.fields["join_until"]
        _refuse(spec, "`join_until` must be later than `join_from`.")


def _owner_elsewhere(key: str, catalogue: Catalogue) -> Catalogue | None:
    """Another provider's catalogue that knows `key` as a room field, if one does."""
    for other in CATALOGUES.values():
        if other is not catalogue and (
            key in other.fields or key in other.aliases or key in other.read_only
        ):
            return other
    return None


def _foreign(key: str, shown: str, owner: Catalogue, catalogue: Catalogue) -> FieldRefused:
    here = catalogue.equivalents.get(key)
    hint = f" Did you mean `{here}`?" if here else ""
    return FieldRefused(
        key,
        f"`{shown}` is a {owner.provider} room setting; {catalogue.provider} rooms have no "
        f"such field.{hint} Fields on {catalogue.provider}: {', '.join(catalogue.fields)}.",
        _example(catalogue, here),
    )


def _example(catalogue: Catalogue, field: str | None) -> str:
    """That field's example, or the catalogue's usual one."""
    spec = catalogue.fields.get(field or "")
    return spec.example if spec is not None else catalogue.example


def _refuse(spec: FieldSpec, reason: str) -> NoReturn:
    raise FieldRefused(spec.name, reason, spec.example)
