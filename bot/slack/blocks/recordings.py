"""Recordings: the list with a "Get link" button per completed one, and the link itself,
which only the person who pressed the button ever sees."""

from __future__ import annotations

from urllib.parse import urlsplit

from bot.providers.ids import is_uuid
from bot.providers.models import Recording, RecordingLink
from bot.providers.walks import WalkCut
from bot.render.kit import Block, Reply, button, code, context, plain, section
from bot.render.timefmt import format_duration, plain_time, slack_time
from bot.slack.blocks.context import RenderContext
from bot.slack.blocks.details import dollars
from bot.slack.blocks.listing import Row, render_listing

LINK_BUTTON = "rooms_recording_link"
NOT_READY = "That recording is still processing, so it has no link yet. Try again later."
_UNITS = (("TB", 10**12), ("GB", 10**9), ("MB", 10**6), ("kB", 10**3))
_STATUS = {
    "completed": "✅ completed",
    "processing": "⏳ processing: no link yet",
    "recording": "🔴 still recording: no link yet",
    "paused": "⏸ paused: no link yet",
}


def human_size(size_bytes: int | None) -> str:
    """Decimal units, as both providers count them (Telnyx reports megabytes)."""
    if size_bytes is None or size_bytes < 0:
        return "size unknown"
    for unit, scale in _UNITS:
        if size_bytes >= scale:
            return f"{size_bytes / scale:.1f} {unit}"
    return f"{size_bytes} B"


def recording_status(status: str | None) -> str:
    return _STATUS.get(status or "", plain(status or "status unknown", 40))


def _duration(recording: Recording) -> str:
    if recording.duration is None:
        return "duration unknown"
    return format_duration(recording.duration)


def _facts(recording: Recording) -> str:
    cost = dollars(recording.cost_in_dollars)
    return f"{_duration(recording)} · {human_size(recording.size_bytes)}" + (
        f" · {cost}" if cost else ""
    )


def render_recording_list(
    recordings: list[Recording],
    ctx: RenderContext,
    *,
    filters: str,
    first_number: int,
    more_value: str | None,
    cut: WalkCut | None = None,
) -> Reply:
    rows = [
        Row(
            _recording_row(recording, ctx),
            f"• {plain(recording.status or 'unknown')} | started "
            f"{plain_time(recording.started_at, ctx.tz)} | "
            f"{_facts(recording).replace(' · ', ' | ')} | "
            f"session {plain(recording.session_id or '—')}{_plain_room(recording)} | "
            f"id {plain(recording.id or '—')}",
        )
        for recording in recordings
    ]
    return render_listing(
        "Recordings",
        "recordings",
        rows,
        filters=filters,
        first_number=first_number,
        more_value=more_value,
        cut=cut,
    )


def _plain_room(recording: Recording) -> str:
    return f" | room {plain(recording.room_name, 100)}" if recording.room_name else ""


def _recording_row(recording: Recording, ctx: RenderContext) -> Block:
    room = f" · room {code(recording.room_name, 80)}" if recording.room_name else ""
    text = (
        f"{recording_status(recording.status)} · Started "
        f"{slack_time(recording.started_at, ctx.tz)}\n"
        f"{_facts(recording)}\n"
        f"Recording {code(recording.id or '—')} · session {code(recording.session_id or '—')}"
        f"{room}"
    )
    return section(text, link_button(recording, ctx))


def link_button(recording: Recording, ctx: RenderContext) -> Block | None:
    """A signed "Get link" button for a completed recording whose id is a UUID: the value
    carries that id only, and the link is fetched when the button is pressed."""
    if not recording.completed or not recording.id or not is_uuid(recording.id):
        return None
    return button("Get link", LINK_BUTTON, ctx.buttons.sign(LINK_BUTTON, recording.id))


def render_recording_link(
    recording_id: str, link: RecordingLink, provider: str, ctx: RenderContext
) -> Reply:
    """The link, for the presser's eyes only: where it leads and how long it lives."""
    url = link.url if urlsplit(link.url).scheme in ("https", "http") else ""
    if not url:
        problem = f"{provider} gave no usable link for recording `{plain(recording_id)}`."
        return Reply(problem, [section(f":warning: {problem}")])
    # A `|` would end the link's address early inside <url|label>.
    target = plain(url.replace("|", "%7C"), 3000)
    if link.expires_at is not None:
        when_block = f"It expires {slack_time(link.expires_at, ctx.tz)}."
        when_text = f"It expires {plain_time(link.expires_at, ctx.tz)}."
    else:
        when_block = when_text = (
            f"{provider} does not say how long it lives, so it may expire; "
            "press Get link again for a fresh one."
        )
    only_you = "Only you can see this link; do not paste it into a channel."
    return Reply(
        f"Link to recording {plain(recording_id)}: {target}\n{when_text}\n{only_you}",
        [
            section(f"<{target}|Download recording> {code(recording_id)}\n{when_block}"),
            context(only_you),
        ],
    )


def render_not_ready(recording_id: str) -> Reply:
    text = f"{NOT_READY} ({plain(recording_id)})"
    return Reply(text, [section(f":hourglass: {NOT_READY} {code(recording_id)}")])
