"""A session's "Recordings" button: the same reply as `/rooms recordings ID`."""

from __future__ import annotations

from bot.slack.blocks.sessions import SESSION_RECORDINGS_BUTTON
from bot.slack.listeners.command_button import command_button

session_recordings = command_button(
    SESSION_RECORDINGS_BUTTON, lambda session_id: ["recordings", session_id]
)
