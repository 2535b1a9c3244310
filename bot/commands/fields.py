"""How a typed value for a room field becomes the value sent (pure): `/rooms update`'s
`field=value` words, the form's inputs and button round trips share these rules.

Values come out in the form the API takes and the store keeps (JSON): times as RFC 3339 in
UTC, to the second; a cleared field as its provider takes it ("" or null). Every refusal
names the field, the rule and an example, so the person can type it again right. The
fields themselves are the providers' (bot/providers/catalogue.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time
from typing import NoReturn
from urllib.parse import urlsplit

from bot.commands.errors import UsageError
from bot.commands.words import tidy
from bot.providers.catalogue import (
    CATALOGUES,
    FALSE_WORDS,
    META_MAX_CHARS,
    TRUE_WORDS,
    URL_SCHEMES,
    Catalogue,
    FieldSpec,
    FieldValue,
    JsonValue,
    format_instant,
)
from bot.render.text import echo as _echo  # the one echo of typed input
from bot.suggest import closest

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
        super().__init__(f"{reason} Example: `{example}`.", USAGE_LINE)
        self.field = field
        self.reason = reason


# `/rooms update`'s usage line: shown with every refused field, and the update
# subcommand's own (bot/slack/subcommands/update.py).
USAGE_LINE = "/rooms update UUID|NAME [field=value ...]"


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
                USAGE_LINE,
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
