"""Which fields each provider's rooms and sessions have, in the order a detail view shows
them (pure).

A field a provider does not have is absent from its views, not shown as empty: Telnyx has
no quality, layout, join window or cost, and saying "Quality is empty" would suggest it
could be set. Telnyx's own fields arrive under the product's names where there is one
(bot/providers/telnyx.py maps them) and are kept under their own names too; `mapped`
lists those, so the "Also" line does not repeat them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ProviderView:
    name: str  # the VIDEO_PROVIDER value
    room_fields: tuple[str, ...]
    # Shown apart from the field list when set (long text, JSON), named as empty when not.
    room_texts: tuple[str, ...]
    session_fields: tuple[str, ...]
    mapped: frozenset[str] = frozenset()
    # Whether the provider keeps a session's timeline (a session's Details offer Events).
    session_events: bool = True


SIGNALWIRE_VIEW = ProviderView(
    name="signalwire",
    room_fields=(
        "name",
        "id",
        "display_name",
        "max_members",
        "quality",
        "fps",
        "layout",
        "join_from",
        "join_until",
        "remove_at",
        "remove_after_seconds_elapsed",
        "record_on_start",
        "enable_room_previews",
        "sync_audio_video",
        "tone_on_entry_and_exit",
        "room_join_video_off",
        "user_join_video_off",
        "prioritize_handraise",
        "created_at",
        "updated_at",
    ),
    room_texts=("description", "meta"),
    # Every field of the "Find a Room Session" seed, in its order.
    session_fields=(
        "id",
        "room_id",
        "name",
        "display_name",
        "max_members",
        "quality",
        "fps",
        "join_from",
        "join_until",
        "remove_at",
        "remove_after_seconds_elapsed",
        "layout",
        "record_on_start",
        "tone_on_entry_and_exit",
        "room_join_video_off",
        "user_join_video_off",
        "locked",
        "start_time",
        "end_time",
        "duration",
        "status",
        "created_at",
        "updated_at",
        "preview_url",
        "prioritize_handraise",
        "sync_audio_video",
    ),
)

# Telnyx's Room and RoomSession (tests/specs/telnyx-video-rooms.openapi.yaml).
TELNYX_VIEW = ProviderView(
    name="telnyx",
    session_events=False,
    room_fields=(
        "name",
        "id",
        "max_members",
        "record_on_start",
        "webhook_event_url",
        "webhook_event_failover_url",
        "webhook_timeout_secs",
        "created_at",
        "updated_at",
    ),
    room_texts=(),
    # A session's created_at is its start time, shown as such.
    session_fields=(
        "id",
        "room_id",
        "name",
        "start_time",
        "end_time",
        "duration",
        "status",
        "updated_at",
    ),
    mapped=frozenset(
        {
            "unique_name",
            "max_participants",
            "enable_recording",
            "active_session_id",
            "sessions",
            "active",
            "ended_at",
            "record_type",
        }
    ),
)

VIEWS = {"signalwire": SIGNALWIRE_VIEW, "telnyx": TELNYX_VIEW}


def view_for(provider_name: str) -> ProviderView:
    """The view of a provider by its VIDEO_PROVIDER name."""
    view = VIEWS.get(provider_name)
    if view is None:
        raise ValueError(f"no view for provider {provider_name!r}")
    return view
