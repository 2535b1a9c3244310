"""Parse the text of a `/rooms` command into a typed command, or refuse it precisely.

Nothing here does I/O: a refused command costs no provider call.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from datetime import UTC, date, datetime, time

from bot.commands.model import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    Command,
    ConferenceCommand,
    HelpCommand,
    ListRoomsCommand,
    RoomCommand,
    SessionCommand,
    SessionsCommand,
    UsageError,
)
from bot.commands.usage import USAGE
from bot.providers.base import RoomQuery, SessionQuery, SessionStatus
from bot.providers.ids import is_uuid
from bot.text import clip, escape

STATUSES: tuple[SessionStatus, ...] = ("in-progress", "completed")
# SignalWire room names: A-Za-z0-9_- and at most 100 characters.
NAME_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,100}$")
MAX_MATCH_LENGTH = 100
# Slack apps on phones and Macs turn straight quotes into curly ones.
_SMART_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'"})


def parse(text: str) -> Command:
    return parse_words(split_words(text))


def parse_words(words: list[str]) -> Command:
    if not words or words[0].lower() in ("help", "-h", "--help", "?"):
        topic = words[1].lower() if len(words) > 1 else None
        return HelpCommand(topic if topic in USAGE else None)
    name, args = words[0].lower(), words[1:]
    parser = _PARSERS.get(name)
    if parser is None:
        raise UsageError(f"`{_clip(words[0])}` is not a /rooms command.")
    return parser(args)


def split_words(text: str) -> list[str]:
    try:
        return shlex.split(text.translate(_SMART_QUOTES))
    except ValueError:
        raise UsageError(
            'A quote is not closed. Put quotes around the whole value, e.g. match="all hands".'
        ) from None


def _sessions(args: list[str]) -> SessionsCommand:
    options = _options("sessions", args, allowed=("room", "room_id", "status", "match", "limit"))
    room_id = options.get("room_id")
    if room_id is not None and not is_uuid(room_id):
        raise _bad("sessions", f"room_id must be a room UUID, not `{_clip(room_id)}`.")
    room = options.get("room")
    if room is not None:
        _require_name("sessions", "room", room)
    status = options.get("status")
    if status is not None:
        status = status.lower()
        if status not in STATUSES:
            raise _bad(
                "sessions",
                f"status must be `in-progress` or `completed`, not `{_clip(options['status'])}`.",
            )
    match = options.get("match")
    if match is not None:
        _require_match("sessions", match)
    query = SessionQuery(
        room_id=room_id,
        room_name=room,
        room_name_matches=match,
        status=status,
    )
    return SessionsCommand(query=query, limit=_limit("sessions", options.get("limit")))


def _session(args: list[str]) -> SessionCommand:
    (value,) = _positional("session", args, "a session UUID")
    if not is_uuid(value):
        raise _bad(
            "session",
            f"`{_clip(value)}` is not a session id: expected a UUID such as "
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


_PARSERS: dict[str, Callable[[list[str]], Command]] = {
    "sessions": _sessions,
    "session": _session,
    "list": _list,
    "room": _room,
    "conference": _conference,
}


def unparse(command: SessionsCommand | ListRoomsCommand) -> list[str]:
    """The words that parse back to `command`: how a button carries a listing safely."""
    if isinstance(command, SessionsCommand):
        query = command.query
        pairs: list[tuple[str, str | None]] = [
            ("room", query.room_name),
            ("room_id", query.room_id),
            ("status", query.status),
            ("match", query.room_name_matches),
        ]
        name = "sessions"
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
        key = key.strip().lower()
        if not sep:
            raise _bad(
                command,
                f"`{_clip(arg)}` is not an option here: options look like {_option_list(allowed)}.",
            )
        if key not in allowed:
            raise _bad(
                command,
                f"Unknown option `{_clip(key)}` for `/rooms {command}`. "
                f"Options: {_option_list(allowed)}.",
            )
        if key in options:
            raise _bad(command, f"`{key}` is given twice; give it once.")
        if not value.strip():
            raise _bad(command, f"`{key}=` needs a value, e.g. {_example(key)}.")
        options[key] = value.strip()
    return options


def _positional(command: str, args: list[str], what: str) -> list[str]:
    if not args:
        raise _bad(command, f"`/rooms {command}` needs {what}.")
    if len(args) > 1:
        extra = " ".join(_clip(a, 30) for a in args[1:])
        raise _bad(command, f"`/rooms {command}` takes only {what}; remove `{extra}`.")
    return args


def _ref(command: str, value: str) -> str:
    if is_uuid(value):
        return value.lower()
    if NAME_PATTERN.match(value):
        return value
    raise _bad(
        command,
        f"`{_clip(value)}` is neither a {command} UUID nor a {command} name "
        "(names use letters, digits, `_` and `-`, up to 100 characters).",
    )


def _require_name(command: str, key: str, value: str) -> None:
    if not NAME_PATTERN.match(value):
        raise _bad(
            command,
            f"{key} must be a room name (letters, digits, `_` and `-`), not `{_clip(value)}`. "
            "To search part of a name, use match=TEXT.",
        )


def _require_match(command: str, value: str) -> None:
    if len(value) > MAX_MATCH_LENGTH:
        raise _bad(command, f"match is at most {MAX_MATCH_LENGTH} characters long.")


def _limit(command: str, value: str | None) -> int:
    if value is None:
        return DEFAULT_LIMIT
    try:
        limit = int(value)
    except ValueError:
        raise _bad(command, f"limit must be a whole number from 1 to {MAX_LIMIT}.") from None
    if not 1 <= limit <= MAX_LIMIT:
        raise _bad(
            command,
            f"limit must be from 1 to {MAX_LIMIT} (got {limit}); use More to see further.",
        )
    return limit


def _date_option(command: str, key: str, value: str | None) -> datetime | None:
    if value is None:
        return None
    parsed = parse_when(value)
    if parsed is None:
        raise _bad(
            command,
            f"{key} must be a date like 2026-01-31 or a time like 2026-01-31T09:00:00Z, "
            f"not `{_clip(value)}`.",
        )
    return parsed


def parse_when(value: str) -> datetime | None:
    """A date (meaning 00:00 UTC) or an RFC 3339 timestamp with an offset."""
    try:
        return datetime.combine(date.fromisoformat(value), time(0), tzinfo=UTC)
    except ValueError:
        pass
    try:
        parsed = datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


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
        "limit": "limit=20",
        "created_after": "created_after=2026-01-01",
        "created_before": "created_before=2026-02-01",
    }
    return f"`{examples.get(key, key + '=VALUE')}`"


def _clip(value: str, length: int = 60) -> str:
    # Echoed input stays short, cannot break out of its inline code span, and is escaped
    # like every echo (the messages are mrkdwn).
    return escape(clip(value.replace("`", "'"), length))
