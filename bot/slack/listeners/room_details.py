"""A room row's "Details" button: the same reply as `/rooms room ID`."""

from __future__ import annotations

from bot.slack.blocks.rooms import ROOM_BUTTON
from bot.slack.listeners.command_button import command_button

room_details = command_button(ROOM_BUTTON, lambda room_id: ["room", room_id])
