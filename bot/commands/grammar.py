"""Parse the text of a `/rooms` command into a typed command, or refuse it precisely.

Nothing here does I/O: a refused command costs no provider call.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import TypeVar

from bot.commands.fields import parse_assignments
from bot.commands.model import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    ApprovalsCommand,
    AuditCommand,
    Command,
    ConferenceCommand,
    ConferencesCommand,
    DigestCommand,
    DigestSubscribeCommand,
    DigestUnsubscribeCommand,
    HelpCommand,
    ListRoomsCommand,
    Moment,
    RoomCommand,
    SessionCommand,
    SessionsCommand,
    UpdateCommand,
    UsageError,
)
from bot.commands.usage import USAGE
from bot.commands.words import split_words, tidy
from bot.ids import ROOM_NAME_RULE, is_room_name
from bot.providers.base import RoomQuery, SessionQuery, SessionStatus
from bot.providers.catalogue import SIGNALWIRE, Catalogue
from bot.providers.ids import is_uuid
from bot.render.text import echo
from bot.suggest import closest
from bot.times import HHMM_RULE, find_zone, looks_like_hhmm, parse_hhmm, zone_guesses

W = TypeVar("W", datetime, Moment)

STATUSES: tuple[SessionStatus, ...] = ("in-progress", "completed")
MAX_MATCH_LENGTH = 100
# Options whose values are free text: everything else is an id, a name, a number or a
# date, pasted as often as typed, so code-span backticks and punctuation are dropped.
_FREE_TEXT = frozenset({"match"})


def parse(text: str, *, catalogue: Catalogue = SIGNALWIRE) -> Command:
    """`catalogue`: the fields `/rooms update` takes, the configured provider's."""
    return parse_words(split_words(text), catalogue=catalogue)


def parse_words(words: list[str], *, catalogue: Catalogue = SIGNALWIRE) -> Command:
    if not words or words[0].lower() in ("help", "-h", "--help", "?"):
        topic = words[1].lower() if len(words) > 1 else None
        return HelpCommand(topic if topic in USAGE else None)
    name, args = words[0].lower(), words[1:]
    parser = _PARSERS.get(tidy(name))
    if parser is None:
        raise _unknown_command(words[0])
    return parser(args, catalogue)


def _unknown_command(word: str) -> UsageError:
    guesses = closest(tidy(word), list(_PARSERS))
    if guesses:
        return UsageError(
            f"`{echo(word)}` is not a /rooms command. Did you mean `{guesses[0]}`?",
            USAGE[guesses[0]],
        )
    return UsageError(
        f"`{echo(word)}` is not a /rooms command. Commands: "
        + ", ".join(f"`{name}`" for name in _PARSERS)
        + ".",
        "/rooms help",
    )


def _sessions(args: list[str]) -> SessionsCommand:
    options = _options(
        "sessions",
        args,
        allowed=("room", "room_id", "status", "match", "since", "until", "limit"),
    )
    room_id = options.get("room_id")
    if room_id is not None and not is_uuid(room_id):
        raise _bad("sessions", f"room_id must be a room UUID, not `{echo(room_id)}`.")
    room = options.get("room")
    if room is not None:
        _require_name("sessions", "room", room)
    status = options.get("status")
    if status is not None:
        status = status.lower()
        if status not in STATUSES:
            raise _bad(
                "sessions",
                f"status must be `in-progress` or `completed`, not `{echo(options['status'])}`.",
            )
    match = options.get("match")
    if match is not None:
        _require_match("sessions", match)
    since = _moment_option("sessions", "since", options.get("since"))
    until = _moment_option("sessions", "until", options.get("until"))
    if since is not None and until is not None and _aware(since) == _aware(until):
        # Checked again in the caller's zone; here, what every zone would refuse.
        session_window(since, until, UTC)
    query = SessionQuery(
        room_id=room_id.lower() if room_id else None,
        room_name=room,
        matches=match,
        status=status,
    )
    return SessionsCommand(
        query=query, limit=_limit("sessions", options.get("limit")), since=since, until=until
    )


def _session(args: list[str]) -> SessionCommand:
    (value,) = _positional("session", args, "a session UUID")
    if not is_uuid(value):
        raise _bad(
            "session",
            f"`{echo(value)}` is not a session id: expected a UUID such as "
            "`3f1c2b7e-8d4a-4c1e-9b7a-2f5e6d7c8b9a` (copy it from `/rooms sessions`).",
        )
    return SessionCommand(session_id=value.lower())


def _list(args: list[str]) -> ListRoomsCommand:
    options = _options("list", args, allowed=("match", "created_after", "created_before", "limit"))
    match = options.get("match")
    if match is not None:
        _require_match("list", match)
    after = _date_option("list", "created_after", options.get("created_after"))
    before = _date_option("list", "created_before", options.get("created_before"))
    if after and before and after >= before:
        raise _bad("list", "created_after must be earlier than created_before.")
    query = RoomQuery(name_matches=match, created_after=after, created_before=before)
    return ListRoomsCommand(query=query, limit=_limit("list", options.get("limit")))


def _room(args: list[str]) -> RoomCommand:
    (ref,) = _positional("room", args, "a room UUID or name")
    return RoomCommand(ref=_ref("room", ref))


def _conference(args: list[str]) -> ConferenceCommand:
    (ref,) = _positional("conference", args, "a conference UUID or name")
    return ConferenceCommand(ref=_ref("conference", ref))


def _conferences(args: list[str]) -> ConferencesCommand:
    options = _options("conferences", args, allowed=("match", "limit"))
    match = options.get("match")
    if match is not None:
        _require_match("conferences", match)
    return ConferencesCommand(match=match, limit=_limit("conferences", options.get("limit")))


def _update(args: list[str], catalogue: Catalogue) -> UpdateCommand:
    first = tidy(args[0]) if args else ""
    if not first or "=" in first:
        raise _bad(
            "update",
            "`/rooms update` needs a room first, then the fields to change, e.g. "
            f"`/rooms update standup {catalogue.example}` (or only the room, for a form).",
        )
    ref = _ref("update", first, noun="room")
    fields = parse_assignments(args[1:], catalogue=catalogue)
    return UpdateCommand(ref=ref, fields=tuple(fields.items()))


def _approvals(args: list[str]) -> ApprovalsCommand:
    extra = [tidy(arg) for arg in args if tidy(arg)]
    if extra:
        raise _bad(
            "approvals", f"`/rooms approvals` takes nothing more; remove `{echo(extra[0], 30)}`."
        )
    return ApprovalsCommand()


def _audit(args: list[str]) -> AuditCommand:
    rooms = [tidy(arg) for arg in args if "=" not in arg and tidy(arg)]
    if len(rooms) > 1:
        extra = echo(rooms[1], 30)
        raise _bad("audit", f"`/rooms audit` takes one room at most; remove `{extra}`.")
    options = _options("audit", [arg for arg in args if "=" in arg], allowed=("limit",))
    room = _ref("audit", rooms[0], noun="room") if rooms else None
    return AuditCommand(room=room, limit=_limit("audit", options.get("limit")))


def _digest(args: list[str]) -> Command:
    words = [tidy(arg) for arg in args if tidy(arg)]
    action = words[0].lower() if words else None
    if action == "subscribe":
        return _digest_subscribe(words[1:])
    if action == "unsubscribe":
        if len(words) > 1:
            raise _bad(
                "digest",
                f"`/rooms digest unsubscribe` takes nothing more; remove `{echo(words[1], 30)}`.",
            )
        return DigestUnsubscribeCommand()
    if len(words) > 1:
        raise _bad(
            "digest",
            f"`/rooms digest` takes one date at most; remove `{echo(words[1], 30)}`.",
        )
    if action is None or action == "yesterday":
        return DigestCommand()
    try:
        return DigestCommand(day=date.fromisoformat(words[0]))
    except ValueError:
        pass
    guesses = closest(action, ["subscribe", "unsubscribe", "yesterday"])
    hint = f" Did you mean `{guesses[0]}`?" if guesses else ""
    raise _bad(
        "digest",
        f"`{echo(words[0])}` is not a date: type one like 2026-11-20, or `subscribe` / "
        f"`unsubscribe`.{hint}",
    )


def _digest_subscribe(words: list[str]) -> DigestSubscribeCommand:
    post_time: time | None = None
    zone: str | None = None
    for word in words:
        if looks_like_hhmm(word) or word[:1].isdigit():
            if post_time is not None:
                raise _bad("digest", "Give the time once, e.g. `/rooms digest subscribe 09:00`.")
            post_time = parse_hhmm(word)
            if post_time is None:
                raise _bad("digest", f"`{echo(word)}` is not a time: use {HHMM_RULE}.")
            continue
        if zone is not None:
            raise _bad(
                "digest",
                f"Give one time zone; remove `{echo(word, 30)}`. "
                "E.g. `/rooms digest subscribe 09:00 Europe/Berlin`.",
            )
        zone = find_zone(word)
        if zone is None:
            guesses = zone_guesses(word)
            hint = (
                " Did you mean " + " or ".join(f"`{g}`" for g in guesses) + "?"
                if guesses
                else " Time zones are IANA names such as `UTC`, `Europe/Berlin` or "
                "`America/New_York`."
            )
            raise _bad("digest", f"`{echo(word)}` is not a time zone.{hint}")
    return DigestSubscribeCommand(post_time=post_time, timezone=zone)


Parser = Callable[[list[str], Catalogue], Command]


def _any_provider(parser: Callable[[list[str]], Command]) -> Parser:
    """A subcommand whose words mean the same on every provider."""
    return lambda args, _catalogue: parser(args)


# Only `update` reads the catalogue: the room fields are the provider's.
_PARSERS: dict[str, Parser] = {
    "sessions": _any_provider(_sessions),
    "session": _any_provider(_session),
    "list": _any_provider(_list),
    "room": _any_provider(_room),
    "conference": _any_provider(_conference),
    "conferences": _any_provider(_conferences),
    "update": _update,
    "approvals": _any_provider(_approvals),
    "audit": _any_provider(_audit),
    "digest": _any_provider(_digest),
}

Listing = SessionsCommand | ListRoomsCommand | ConferencesCommand


def unparse(command: Listing) -> list[str]:
    """The words that parse back to `command`: how a button carries a listing safely."""
    if isinstance(command, SessionsCommand):
        query = command.query
        pairs: list[tuple[str, str | None]] = [
            ("room", query.room_name),
            ("room_id", query.room_id),
            ("status", query.status),
            ("match", query.matches),
            ("since", _moment_text(command.since)),
            ("until", _moment_text(command.until)),
        ]
        name = "sessions"
    elif isinstance(command, ConferencesCommand):
        pairs = [("match", command.match)]
        name = "conferences"
    else:
        rooms = command.query
        pairs = [
            ("match", rooms.name_matches),
            ("created_after", rooms.created_after.isoformat() if rooms.created_after else None),
            ("created_before", rooms.created_before.isoformat() if rooms.created_before else None),
        ]
        name = "list"
    words = [name] + [f"{key}={value}" for key, value in pairs if value]
    if command.limit != DEFAULT_LIMIT:
        words.append(f"limit={command.limit}")
    return words


# -- pieces --------------------------------------------------------------------------------


def _options(command: str, args: list[str], *, allowed: tuple[str, ...]) -> dict[str, str]:
    options: dict[str, str] = {}
    for arg in args:
        key, sep, value = arg.partition("=")
        key = tidy(key).lower()
        if not sep:
            raise _bad(
                command,
                f"`{echo(arg)}` is not an option here: options look like {_option_list(allowed)}.",
            )
        if key not in allowed:
            raise _bad(
                command,
                f"Unknown option `{echo(key)}` for `/rooms {command}`. "
                f"Options: {_option_list(allowed)}.",
            )
        if key in options:
            raise _bad(command, f"`{key}` is given twice; give it once.")
        value = value.strip() if key in _FREE_TEXT else tidy(value)
        if not value:
            raise _bad(command, f"`{key}=` needs a value, e.g. {_example(key)}.")
        options[key] = value
    return options


def _positional(command: str, args: list[str], what: str) -> list[str]:
    args = [tidy(arg) for arg in args]
    args = [arg for arg in args if arg]
    if not args:
        raise _bad(command, f"`/rooms {command}` needs {what}.")
    if len(args) > 1:
        extra = " ".join(echo(a, 30) for a in args[1:])
        raise _bad(command, f"`/rooms {command}` takes only {what}; remove `{extra}`.")
    return args


def _ref(command: str, value: str, *, noun: str | None = None) -> str:
    if is_uuid(value):
        return value.lower()
    if is_room_name(value):
        return value
    noun = noun or command
    raise _bad(
        command,
        f"`{echo(value)}` is neither a {noun} UUID nor a {noun} name (names use {ROOM_NAME_RULE}).",
    )


def _require_name(command: str, key: str, value: str) -> None:
    if not is_room_name(value):
        raise _bad(
            command,
            f"{key} must be a room name ({ROOM_NAME_RULE}), not `{echo(value)}`. "
            "To search part of a name, use match=TEXT.",
        )


def _require_match(command: str, value: str) -> None:
    if len(value) > MAX_MATCH_LENGTH:
        raise _bad(command, f"match is at most {MAX_MATCH_LENGTH} characters long.")


def _limit(command: str, value: str | None) -> int:
    if value is None:
        return DEFAULT_LIMIT
    # The digits 0-9 only: int() also takes "１０", "1_0" and " 10 ".
    if not (value.isascii() and value.isdigit()):
        raise _bad(
            command, f"limit must be a whole number from 1 to {MAX_LIMIT}, in the digits 0-9."
        )
    if len(value) > 6 or not 1 <= int(value) <= MAX_LIMIT:
        raise _bad(
            command,
            f"limit must be from 1 to {MAX_LIMIT} (got {echo(value)}); use More to see further.",
        )
    return int(value)


def _date_option(command: str, key: str, value: str | None) -> datetime | None:
    return _when_option(command, key, value, parse_when, "2026-01-31T09:00:00Z")


def _moment_option(command: str, key: str, value: str | None) -> Moment | None:
    return _when_option(
        command,
        key,
        value,
        parse_moment,
        "2026-01-31T09:00 (your time zone unless it ends in Z or an offset)",
    )


def _when_option(
    command: str, key: str, value: str | None, parse: Callable[[str], W | None], time_hint: str
) -> W | None:
    if value is None:
        return None
    parsed = parse(value)
    if parsed is None:
        raise _bad(
            command,
            f"{key} must be a date like 2026-01-31 or a time like {time_hint}, "
            f"not `{echo(value)}`.",
        )
    return parsed


def parse_when(value: str) -> datetime | None:
    """A date (meaning 00:00 UTC) or an RFC 3339 timestamp with an offset."""
    moment = parse_moment(value)
    if isinstance(moment, datetime):
        return moment if moment.tzinfo is not None else None
    if moment is None:
        return None
    return datetime.combine(moment, time(0), tzinfo=UTC)


def parse_moment(value: str) -> Moment | None:
    """A date, or a date and time with or without an offset (pure)."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        return None


def session_window(
    since: Moment | None, until: Moment | None, zone: tzinfo
) -> tuple[datetime | None, datetime | None]:
    """`since=`/`until=` as UTC instants [after, before) in the caller's zone (pure).

    A date means the whole day: `since=2026-11-01 until=2026-11-01` is that one day.
    """
    after = _instant("since", since, zone, end_of_day=False) if since is not None else None
    before = _instant("until", until, zone, end_of_day=True) if until is not None else None
    if after is not None and before is not None and after >= before:
        raise _bad("sessions", "since must be earlier than until.")
    return after, before


def _instant(key: str, moment: Moment, zone: tzinfo, *, end_of_day: bool) -> datetime:
    try:
        if isinstance(moment, datetime):
            local = moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)
            return local.astimezone(UTC)
        day = moment + timedelta(days=1) if end_of_day else moment
        return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
    except OverflowError:
        # Years 1 and 9999 end the calendar: the next day or another zone falls off it.
        raise _bad("sessions", f"{key} must be between 0002-01-01 and 9998-12-31.") from None


def _aware(moment: Moment) -> bool:
    return isinstance(moment, datetime) and moment.tzinfo is not None


def _moment_text(moment: Moment | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _bad(command: str, message: str) -> UsageError:
    return UsageError(message, USAGE[command])


def _option_list(allowed: tuple[str, ...]) -> str:
    return ", ".join(f"`{key}=`" for key in allowed)


def _example(key: str) -> str:
    examples = {
        "room": "room=standup",
        "room_id": "room_id=3f1c2b7e-8d4a-4c1e-9b7a-2f5e6d7c8b9a",
        "status": "status=in-progress",
        "match": 'match="all hands"',
        "since": "since=2026-11-01",
        "until": "until=2026-11-07T18:00",
        "limit": "limit=20",
        "created_after": "created_after=2026-01-01",
        "created_before": "created_before=2026-02-01",
    }
    return f"`{examples.get(key, key + '=VALUE')}`"
