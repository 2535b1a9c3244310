"""A session's "Details" button: the same reply as `/rooms session UUID`."""

from __future__ import annotations

from bot.slack.blocks.sessions import SESSION_BUTTON
from bot.slack.listeners.command_button import command_button

session_details = command_button(SESSION_BUTTON, lambda session_id: ["session", session_id])
