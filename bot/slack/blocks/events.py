"""A session's timeline, oldest first: one readable line per event (pure)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.providers.models import SessionEvent
from bot.providers.walks import WalkCut
from bot.render.kit import Reply, bold, code, context, section
from bot.render.timefmt import plain_time, slack_time
from bot.slack.blocks.context import RenderContext
from bot.slack.blocks.listing import Row, render_listing

BUILT_FROM_PARTICIPANTS = (
    "{provider} keeps no timeline of a session: these are its participants' joins and "
    "leaves, built by RoomOps from their times, page by page."
)


def render_event_list(
    events: Sequence[SessionEvent],
    ctx: RenderContext,
    *,
    session_id: str,
    first_number: int,
    more_value: str | None,
    cut: WalkCut | None = None,
    built_from: str | None = None,
) -> Reply:
    """`built_from`: the provider whose participants the events were built from (Telnyx)."""
    rows = [
        Row(
            section(_event_text(event, ctx, slack=True)),
            f"• {_event_text(event, ctx, slack=False)}",
        )
        for event in events
    ]
    reply = render_listing(
        f"Timeline of session {session_id}",
        "events",
        rows,
        filters="",
        first_number=first_number,
        more_value=more_value,
        cut=cut,
        order="oldest first",
    )
    if built_from is None:
        return reply
    note = BUILT_FROM_PARTICIPANTS.format(provider=built_from)
    return Reply(f"{reply.text}\n{note}", [reply.blocks[0], context(note), *reply.blocks[1:]])


def describe(event: SessionEvent) -> str:
    """What happened, in words (mrkdwn, provider strings escaped); an unfamiliar event keeps
    its raw name."""
    who = bold(event.member_name) if event.member_name else "Someone"
    name = event.name or ""
    known = {
        "room.started": "The session started",
        "room.ended": "The session ended",
        "member.joined": f"{who} joined",
        "member.left": f"{who} left",
        "recording.started": "Recording started",
        "recording.ended": "Recording ended",
        "recording.paused": "Recording paused",
        "recording.completed": "Recording completed",
        "layout.changed": "The layout changed"
        + (f" to {code(event.layout)}" if event.layout else ""),
    }
    said = known.get(name)
    if said is None:
        return f"Event {code(name or 'unnamed')}" + (f" ({who})" if event.member_name else "")
    if name.startswith("recording.") and event.recording_id:
        said += f" ({code(event.recording_id)})"
    return said


def _event_text(event: SessionEvent, ctx: RenderContext, *, slack: bool) -> str:
    # The fallback is read as mrkdwn too: the description, escaped once, serves both.
    when = (slack_time if slack else plain_time)(event.at, ctx.tz)
    return f"{when} · {describe(event)}"
