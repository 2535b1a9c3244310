"""A quiet room's "Recent sessions" button: the same reply as `/rooms sessions room_id=ID`."""

from __future__ import annotations

from bot.slack.blocks.rooms import ROOM_SESSIONS_BUTTON
from bot.slack.listeners.command_button import command_button

room_sessions = command_button(
    ROOM_SESSIONS_BUTTON, lambda room_id: ["sessions", f"room_id={room_id}"]
)
