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
) -> str | None:
    """Why this user, in this channel, may not use RoomOps; None when they may."""
    if allowed_users and user_id not in allowed_users:
        return (
            "You are not on RoomOps' list of allowed users, so this was not run. "
            "Ask your RoomOps admin to add you to ALLOWED_USERS."
        )
    if allowed_channels and channel_id and channel_id not in allowed_channels:
        where = " ".join(f"<#{c}>" for c in allowed_channels[:5])
        return (
            f"RoomOps is not enabled in this channel, so this was not run. Try it in {where}, "
            "or ask your RoomOps admin to add this channel to ALLOWED_CHANNELS."
        )
    return None


def actor(body: dict[str, Any]) -> tuple[str | None, str | None]:
    """The user and channel of any Slack payload: command, action, view or event."""
    if "command" in body:
        return body.get("user_id"), body.get("channel_id")
    event = body.get("event")
    if isinstance(event, dict):
        # App Home belongs to the user; its `channel` is their DM with the app, not a channel
        # that ALLOWED_CHANNELS could list.
        channel = None if event.get("type") == "app_home_opened" else event.get("channel")
        return event.get("user"), channel
    user, channel = body.get("user"), body.get("channel")
    return (
        user.get("id") if isinstance(user, dict) else None,
        channel.get("id") if isinstance(channel, dict) else None,
    )
