"""The rules for ids and names that come from outside, each defined once (pure).

Slack's ids (channels, users, user groups, workspaces), the room names `/rooms` can
address, and the Retry-After header that Slack and both providers send. The grammar, the
settings, the edge, the update form, the CLI, the demo and the simulators all ask here,
so a value one of them accepts is never refused by another.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Final, TypeGuard

# Slack ids are a type letter and capitals and digits, about 9 to 11 characters today;
# Slack says they may grow, so the bound is generous but finite.
_TAIL = r"[A-Z0-9]{2,30}"
# C public channel, G private channel (or an old multi-person DM), D a direct message.
CHANNEL_ID: Final = re.compile(rf"[CGD]{_TAIL}")
# U a user, W an Enterprise Grid user.
USER_ID: Final = re.compile(rf"[UW]{_TAIL}")
# S a user group (@group), as APPROVERS and REQUESTERS may name one.
GROUP_ID: Final = re.compile(rf"S{_TAIL}")
# T a workspace, E an Enterprise Grid organisation.
TEAM_ID: Final = re.compile(rf"[TE]{_TAIL}")

CHANNEL_RULE: Final = (
    "a Slack channel id: C, G or D followed by capital letters and digits, e.g. C0123ABCDE "
    "(in Slack: the channel's name > About > Channel ID)"
)
USER_RULE: Final = (
    "a Slack user id: U or W followed by capital letters and digits, e.g. U0123ABCDE "
    "(in Slack: the person's profile > More > Copy member ID)"
)
GROUP_RULE: Final = (
    "a Slack user group id: S followed by capital letters and digits, e.g. S0123ABCDE"
)

# The names `/rooms` can address a room by (and the names a room update may set, so that a
# renamed room stays reachable): letters, digits, `_` and `-`, at most 100.
ROOM_NAME: Final = re.compile(r"[A-Za-z0-9_-]{1,100}")
ROOM_NAME_RULE: Final = "letters, digits, `_` and `-`, 1 to 100 characters"

# A Retry-After longer than this is nonsense or hostile: no caller waits a day on one.
MAX_RETRY_AFTER: Final = 86_400.0
# Whole seconds as RFC 9110 says, plus a fraction (the simulators send them so that tests
# retry quickly). ASCII digits only, and bounded: "1e308", "nan", "inf" and "-1" are not
# durations.
_SECONDS: Final = re.compile(r"[0-9]{1,12}(?:\.[0-9]{1,6})?")
# An HTTP date is about 29 characters; a longer value is not worth handing to the parser.
_MAX_DATE_CHARS: Final = 64


def is_channel_id(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and CHANNEL_ID.fullmatch(value) is not None


def is_user_id(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and USER_ID.fullmatch(value) is not None


def is_group_id(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and GROUP_ID.fullmatch(value) is not None


def is_team_id(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and TEAM_ID.fullmatch(value) is not None


def is_room_name(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and ROOM_NAME.fullmatch(value) is not None


# -- why a value is not an id -----------------------------------------------------------
# These words never repeat the value: settings may hold a secret pasted into the wrong
# variable, and what is said here ends up in a terminal or a log.


def channel_id_problem(value: str) -> str | None:
    """Why `value` is not a channel id, without repeating it; None when it is one."""
    if is_channel_id(value):
        return None
    if value.startswith("#"):
        return f"a channel name (#…) is not accepted; use {CHANNEL_RULE}"
    if is_user_id(value):
        return f"a user id is not a channel id; use {CHANNEL_RULE}"
    if is_channel_id(value.upper()):
        return f"Slack ids are written in capitals; use {CHANNEL_RULE}"
    return f"must be {CHANNEL_RULE}"


def user_id_problem(value: str) -> str | None:
    """Why `value` is not a user id, without repeating it; None when it is one."""
    if is_user_id(value):
        return None
    if is_group_id(value):
        return (
            "user groups (S…) are not supported yet: list the members' user ids instead, "
            f"each {USER_RULE}"
        )
    if value.startswith("@"):
        return f"a name (@…) is not accepted; use {USER_RULE}"
    if is_channel_id(value):
        return f"a channel id is not a user id; use {USER_RULE}"
    if is_user_id(value.upper()):
        return f"Slack ids are written in capitals; use {USER_RULE}"
    return f"must be {USER_RULE}"


# -- Retry-After -------------------------------------------------------------------------


def parse_seconds(value: str | None) -> float | None:
    """A plain count of seconds (`7`, `0.25`), unbounded above but finite; None for
    anything else, negative and exponent forms included."""
    if value is None:
        return None
    value = value.strip()
    if not _SECONDS.fullmatch(value):
        return None
    return float(value)


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (RFC 9110: delta-seconds or an HTTP date),
    between 0 and a day; None for anything else ("nan", "inf", "-1", "1e9", garbage)."""
    seconds = parse_seconds(value)
    if seconds is not None:
        return min(seconds, MAX_RETRY_AFTER)
    if value is None:
        return None
    value = value.strip()
    if not value or len(value) > _MAX_DATE_CHARS:
        return None
    try:
        when = parsedate_to_datetime(value)
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return min(max(0.0, seconds), MAX_RETRY_AFTER)


def retry_after_in(headers: Mapping[str, Any] | None) -> float | None:
    """`parse_retry_after` of the Retry-After among a response's headers, named in any case.

    httpx keeps one string per name; slack-sdk keeps a list of strings, whose first counts.
    """
    for name, value in (headers or {}).items():
        if str(name).lower() != "retry-after":
            continue
        if isinstance(value, list | tuple):
            value = value[0] if value else None
        return parse_retry_after(None if value is None else str(value))
    return None
