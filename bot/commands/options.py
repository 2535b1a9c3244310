"""The pieces every `/rooms` subcommand's parser is made of: `key=value` options, one
positional id or name, limits and dates; each refuses with the subcommand's own usage.

Nothing here does I/O: a refused command costs no provider call.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from bot.commands.errors import Usage
from bot.commands.moments import Moment, parse_moment, parse_when
from bot.commands.words import tidy
from bot.ids import ROOM_NAME_RULE, is_room_name
from bot.providers.ids import is_uuid
from bot.render.text import echo

W = TypeVar("W", datetime, Moment)

DEFAULT_LIMIT = 10
# Slack allows 50 blocks a message; a list spends a few on its header, count and buttons.
MAX_LIMIT = 40
MAX_MATCH_LENGTH = 100
# Options whose values are free text: everything else is an id, a name, a number or a
# date, pasted as often as typed, so code-span backticks and punctuation are dropped.
_FREE_TEXT = frozenset({"match"})


def options(usage: Usage, args: list[str], *, allowed: tuple[str, ...]) -> dict[str, str]:
    found: dict[str, str] = {}
    for arg in args:
        key, sep, value = arg.partition("=")
        key = tidy(key).lower()
        if not sep:
            raise usage.refuse(
                f"`{echo(arg)}` is not an option here: options look like {_option_list(allowed)}."
            )
        if key not in allowed:
            raise usage.refuse(
                f"Unknown option `{echo(key)}` for `/rooms {usage.name}`. "
                f"Options: {_option_list(allowed)}."
            )
        if key in found:
            raise usage.refuse(f"`{key}` is given twice; give it once.")
        value = value.strip() if key in _FREE_TEXT else tidy(value)
        if not value:
            raise usage.refuse(f"`{key}=` needs a value, e.g. {_example(key)}.")
        found[key] = value
    return found


def positional(usage: Usage, args: list[str], what: str) -> list[str]:
    args = [tidy(arg) for arg in args]
    args = [arg for arg in args if arg]
    if not args:
        raise usage.refuse(f"`/rooms {usage.name}` needs {what}.")
    if len(args) > 1:
        extra = " ".join(echo(a, 30) for a in args[1:])
        raise usage.refuse(f"`/rooms {usage.name}` takes only {what}; remove `{extra}`.")
    return args


def nothing_more(usage: Usage, args: list[str], command: str | None = None) -> None:
    """Refuses any word after a subcommand that takes none (`command`: as it is typed)."""
    extra = [tidy(arg) for arg in args if tidy(arg)]
    if extra:
        typed = command or f"/rooms {usage.name}"
        raise usage.refuse(f"`{typed}` takes nothing more; remove `{echo(extra[0], 30)}`.")


def ref(usage: Usage, value: str, *, noun: str | None = None) -> str:
    """A UUID (lower-cased) or a room name, as typed."""
    if is_uuid(value):
        return value.lower()
    if is_room_name(value):
        return value
    noun = noun or usage.name
    raise usage.refuse(
        f"`{echo(value)}` is neither a {noun} UUID nor a {noun} name (names use {ROOM_NAME_RULE}).",
    )


def require_name(usage: Usage, key: str, value: str) -> None:
    if not is_room_name(value):
        raise usage.refuse(
            f"{key} must be a room name ({ROOM_NAME_RULE}), not `{echo(value)}`. "
            "To search part of a name, use match=TEXT."
        )


def require_match(usage: Usage, value: str) -> None:
    if len(value) > MAX_MATCH_LENGTH:
        raise usage.refuse(f"match is at most {MAX_MATCH_LENGTH} characters long.")


def limit(usage: Usage, value: str | None) -> int:
    if value is None:
        return DEFAULT_LIMIT
    # The digits 0-9 only: int() also takes "１０", "1_0" and " 10 ".
    if not (value.isascii() and value.isdigit()):
        raise usage.refuse(
            f"limit must be a whole number from 1 to {MAX_LIMIT}, in the digits 0-9."
        )
    if len(value) > 6 or not 1 <= int(value) <= MAX_LIMIT:
        raise usage.refuse(
            f"limit must be from 1 to {MAX_LIMIT} (got {echo(value)}); use More to see further."
        )
    return int(value)


def limit_words(value: int) -> list[str]:
    """The words that give `value` back through `limit` (none for the default)."""
    return [] if value == DEFAULT_LIMIT else [f"limit={value}"]


def date_option(usage: Usage, key: str, value: str | None) -> datetime | None:
    return _when_option(usage, key, value, parse_when, "2026-01-31T09:00:00Z")


def moment_option(usage: Usage, key: str, value: str | None) -> Moment | None:
    return _when_option(
        usage,
        key,
        value,
        parse_moment,
        "2026-01-31T09:00 (your time zone unless it ends in Z or an offset)",
    )


def _when_option(
    usage: Usage, key: str, value: str | None, parse: Callable[[str], W | None], time_hint: str
) -> W | None:
    if value is None:
        return None
    parsed = parse(value)
    if parsed is None:
        raise usage.refuse(
            f"{key} must be a date like 2026-01-31 or a time like {time_hint}, not `{echo(value)}`."
        )
    return parsed


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


def session_and_limit(usage: Usage, args: list[str]) -> tuple[str, int]:
    """`SESSION [limit=N]`: a session's UUID (lower case) and the page size."""
    given = options(usage, [arg for arg in args if "=" in arg], allowed=("limit",))
    (session_id,) = positional(usage, [arg for arg in args if "=" not in arg], "a session UUID")
    if not is_uuid(session_id):
        raise usage.refuse(
            f"`{echo(session_id)}` is not a session id: expected a UUID such as "
            "`3f1c2b7e-8d4a-4c1e-9b7a-2f5e6d7c8b9a` (copy it from `/rooms sessions`)."
        )
    return session_id.lower(), limit(usage, given.get("limit"))
