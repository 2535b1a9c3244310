"""Every listener, registered in one place; the logic lives in their own modules."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.slack.blocks.approvals import APPROVE_BUTTON, REJECT_BUTTON, RETRY_BUTTON
from bot.slack.blocks.listing import MORE_BUTTON
from bot.slack.blocks.recordings import LINK_BUTTON
from bot.slack.blocks.rooms import ROOM_BUTTON, ROOM_SESSIONS_BUTTON
from bot.slack.blocks.sessions import (
    SESSION_BUTTON,
    SESSION_EVENTS_BUTTON,
    SESSION_MEMBERS_BUTTON,
    SESSION_RECORDINGS_BUTTON,
)
from bot.slack.blocks.update_form import FORM_CALLBACK
from bot.slack.listeners.app_home import app_home_opened
from bot.slack.listeners.approve_button import approve_button
from bot.slack.listeners.more_button import more_button
from bot.slack.listeners.recording_link import recording_link
from bot.slack.listeners.reject_button import reject_button
from bot.slack.listeners.retry_button import retry_button
from bot.slack.listeners.room_details import room_details
from bot.slack.listeners.room_sessions import room_sessions
from bot.slack.listeners.rooms_command import rooms_command
from bot.slack.listeners.session_details import session_details
from bot.slack.listeners.session_events import session_events
from bot.slack.listeners.session_members import session_members
from bot.slack.listeners.session_recordings import session_recordings
from bot.slack.listeners.update_form import update_form_submitted

COMMAND = "/rooms"


def register(app: AsyncApp) -> None:
    app.command(COMMAND)(rooms_command)
    app.action(MORE_BUTTON)(more_button)
    app.action(SESSION_BUTTON)(session_details)
    app.action(SESSION_MEMBERS_BUTTON)(session_members)
    app.action(SESSION_EVENTS_BUTTON)(session_events)
    app.action(SESSION_RECORDINGS_BUTTON)(session_recordings)
    app.action(ROOM_BUTTON)(room_details)
    app.action(ROOM_SESSIONS_BUTTON)(room_sessions)
    app.action(LINK_BUTTON)(recording_link)
    app.action(APPROVE_BUTTON)(approve_button)
    app.action(REJECT_BUTTON)(reject_button)
    app.action(RETRY_BUTTON)(retry_button)
    app.view(FORM_CALLBACK)(update_form_submitted)
    app.event("app_home_opened")(app_home_opened)
