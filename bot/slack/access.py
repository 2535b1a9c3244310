"""Who may use `/rooms` at all (pure): ALLOWED_USERS and ALLOWED_CHANNELS, empty = everyone."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def refusal(
    user_id: str | None,
    channel_id: str | None,
    *,
    allowed_users: Sequence[str],
    allowed_channels: Sequence[str],
    in_channel: bool = True,
) -> str | None:
    """Why this user, in this channel, may not use RoomOps; None when they may.

    `in_channel` is False only for payloads that belong to the user rather than to a
    channel (App Home, modals): everything else without a channel is refused when
    ALLOWED_CHANNELS is set, since it cannot be shown to be in an allowed one.
    """
    if allowed_users and user_id not in allowed_users:
        return (
            "You are not on RoomOps' list of allowed users, so this was not run. "
            "Ask your RoomOps admin to add you to ALLOWED_USERS."
        )
    if allowed_channels and in_channel and channel_id not in allowed_channels:
        where = " ".join(f"<#{c}>" for c in allowed_channels[:5])
        return (
            f"RoomOps is not enabled in this channel, so this was not run. Try it in {where}, "
            "or ask your RoomOps admin to add this channel to ALLOWED_CHANNELS."
        )
    return None


def actor(body: dict[str, Any]) -> tuple[str | None, str | None, bool]:
    """The user and channel of any Slack payload, and whether it happens in a channel."""
    if "command" in body:
        return _text(body.get("user_id")), _text(body.get("channel_id")), True
    event = body.get("event")
    if isinstance(event, dict):
        # App Home belongs to the user; its `channel` is their DM with the app, not a channel
        # that ALLOWED_CHANNELS could list.
        if event.get("type") == "app_home_opened":
            return _text(event.get("user")), None, False
        return _text(event.get("user")), _text(event.get("channel")), True
    user, channel = body.get("user"), body.get("channel")
    user_id = _text(user.get("id")) if isinstance(user, dict) else None
    channel_id = _text(channel.get("id")) if isinstance(channel, dict) else None
    container = body.get("container")
    # Modals and the Home tab are the user's own surfaces, not a channel's.
    on_view = body.get("type") in ("view_submission", "view_closed") or (
        isinstance(container, dict) and container.get("type") == "view"
    )
    return user_id, channel_id, not on_view


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
