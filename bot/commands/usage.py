"""Usage lines for every subcommand (the help text and the hints on errors)."""

from __future__ import annotations

USAGE: dict[str, str] = {
    "help": "/rooms help",
    "sessions": (
        "/rooms sessions [room=NAME] [room_id=UUID] [status=in-progress|completed] "
        "[match=TEXT] [since=DATE] [until=DATE] [limit=N]"
    ),
    "session": "/rooms session UUID",
    "list": "/rooms list [match=TEXT] [created_after=DATE] [created_before=DATE] [limit=N]",
    "room": "/rooms room UUID|NAME",
    "conference": "/rooms conference UUID|NAME",
    "conferences": "/rooms conferences [match=TEXT] [limit=N]",
    "update": "/rooms update UUID|NAME [field=value ...]",
    "approvals": "/rooms approvals",
    "audit": "/rooms audit [UUID|NAME] [limit=N]",
    "digest": (
        "/rooms digest [DATE] | /rooms digest subscribe [HH:MM] [TZ] | /rooms digest unsubscribe"
    ),
}

SUMMARY: dict[str, str] = {
    "help": "this help",
    "sessions": (
        "newest room sessions, with a More button to page on; match= searches names and "
        "display names, since=/until= take dates or times in your time zone"
    ),
    "session": "one room session, every field",
    "list": "rooms, newest first",
    "room": "one room and its active session",
    "conference": "one conference, its theme and its active session",
    "conferences": "conferences, newest first",
    "update": (
        "ask for a change of room fields (display_name, description, max_members, quality, "
        "join_from, join_until, remove_at, remove_after_seconds_elapsed, layout, "
        "record_on_start, enable_room_previews, sync_audio_video, meta), applied once an "
        "approver approves it; with only the room, a form filled with its current values"
    ),
    "approvals": "approval requests waiting for a decision",
    "audit": "recent requests, decisions and outcomes, for one room or all",
    "digest": (
        "a preview of the daily digest for DATE (default yesterday), only to you, and this "
        "channel's subscription; subscribe posts it here every day at HH:MM in TZ"
    ),
}

EXAMPLES: tuple[str, ...] = (
    "/rooms sessions status=in-progress",
    "/rooms sessions room=standup limit=5",
    "/rooms sessions match=daily since=2026-11-01",
    "/rooms list match=sales created_after=2026-01-01",
    "/rooms room all-hands",
    "/rooms update standup max_members=25 record_on_start=yes",
    "/rooms digest subscribe 09:00 Europe/Berlin",
)

# What differs on Telnyx: its own update fields, and no conferences.
TELNYX_SUMMARY: dict[str, str] = {
    **SUMMARY,
    "sessions": (
        "newest room sessions, with a More button to page on; match= searches room names, "
        "since=/until= take dates or times in your time zone"
    ),
    "conference": "SignalWire only: Telnyx has no conferences",
    "conferences": "SignalWire only: Telnyx has no conferences",
    "update": (
        "ask for a change of room fields (unique_name, max_participants, enable_recording, "
        "webhook_event_url, webhook_event_failover_url, webhook_timeout_secs), applied once "
        "an approver approves it; with only the room, a form filled with its current values"
    ),
}
TELNYX_EXAMPLES: tuple[str, ...] = tuple(
    "/rooms update standup max_participants=25 enable_recording=yes"
    if example.startswith("/rooms update")
    else example
    for example in EXAMPLES
)

# By VIDEO_PROVIDER value.
SUMMARIES: dict[str, dict[str, str]] = {"signalwire": SUMMARY, "telnyx": TELNYX_SUMMARY}
EXAMPLES_BY_PROVIDER: dict[str, tuple[str, ...]] = {
    "signalwire": EXAMPLES,
    "telnyx": TELNYX_EXAMPLES,
}
