"""A session's "Members" button: the same reply as `/rooms members ID`."""

from __future__ import annotations

from bot.slack.blocks.sessions import SESSION_MEMBERS_BUTTON
from bot.slack.listeners.command_button import command_button

session_members = command_button(SESSION_MEMBERS_BUTTON, lambda session_id: ["members", session_id])
