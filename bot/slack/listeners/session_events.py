"""A session's "Events" button: the same reply as `/rooms events ID`."""

from __future__ import annotations

from bot.slack.blocks.sessions import SESSION_EVENTS_BUTTON
from bot.slack.listeners.command_button import command_button

session_events = command_button(SESSION_EVENTS_BUTTON, lambda session_id: ["events", session_id])
