"""The rules for ids and names that come from outside, each defined once (pure).

Slack's ids (channels, users, user groups, workspaces), the room names `/rooms` can
address, and the Retry-After header that Slack and both providers send. The grammar, the
settings, the edge, the update form, the CLI, the demo and the simulators all ask here,
so a value one of them accepts is never refused by another.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Final

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
    "(in Slack: the person's profile > ⋮ > Copy member ID)"
)
GROUP_RULE: Final = (
    "a Slack user group id: S followed by capital letters and digits, e.g. S0123ABCDE"
)

# The names `/rooms` can address a room by (and the names a room update may set, so that a
# renamed room stays reachable): letters, digits, `_` and `-`, at most 100.
ROOM_NAME: Final = re.compile(r"[A-Za-z0-9_-]{1,100}")
ROOM_NAME_RULE: Final = "letters, digits, `_` and `-` only, at most 100 characters"

# A Retry-After longer than this is nonsense or hostile: no caller waits a day on one.
MAX_RETRY_AFTER: Final = 86_400.0
_DELTA_SECONDS: Final = re.compile(r"[0-9]{1,10}")


def is_channel_id(value: object) -> bool:
    return isinstance(value, str) and CHANNEL_ID.fullmatch(value) is not None


def is_user_id(value: object) -> bool:
    return isinstance(value, str) and USER_ID.fullmatch(value) is not None


def is_group_id(value: object) -> bool:
    return isinstance(value, str) and GROUP_ID.fullmatch(value) is not None


def is_team_id(value: object) -> bool:
    return isinstance(value, str) and TEAM_ID.fullmatch(value) is not None


def is_room_name(value: object) -> bool:
    return isinstance(value, str) and ROOM_NAME.fullmatch(value) is not None


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (RFC 9110: delta-seconds or an HTTP date),
    at most a day; None for anything else ("nan", "-1", "1e9", garbage)."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if _DELTA_SECONDS.fullmatch(value):
        return min(float(value), MAX_RETRY_AFTER)
    if len(value) > 64:
        return None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return min(max(0.0, seconds), MAX_RETRY_AFTER)
