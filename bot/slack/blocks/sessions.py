"""Room sessions: the list with its More button, and one session with every field."""

from __future__ import annotations

from bot.providers.ids import is_uuid
from bot.providers.models import RoomSession
from bot.slack.blocks.context import RenderContext
from bot.slack.blocks.kit import (
    Block,
    Reply,
    bold,
    button,
    code,
    context,
    fields,
    header,
    or_dash,
    plain,
    section,
    yes_no,
)
from bot.slack.blocks.listing import Row, render_listing
from bot.slack.timefmt import elapsed_seconds, format_duration, plain_time, slack_time
from bot.text import plain as plain_text

SESSION_BUTTON = "rooms_session_details"


def status_label(status: str | None) -> str:
    return {"in-progress": "🟢 in progress", "completed": "✅ completed"}.get(
        status or "", plain(status or "unknown", 40)
    )


def session_duration(session: RoomSession, ctx: RenderContext) -> str:
    if session.duration is not None:
        return format_duration(session.duration)
    if session.status == "in-progress":
        return f"running {format_duration(elapsed_seconds(session.start_time, ctx.now))}"
    return "—"


def session_title(session: RoomSession) -> str:
    return session.display_name or session.name or "(unnamed room)"


def render_session_list(
    sessions: list[RoomSession],
    ctx: RenderContext,
    *,
    filters: str,
    first_number: int,
    more_value: str | None,
) -> Reply:
    rows = [
        Row(
            _session_row(session, ctx),
            f"• {plain(session.name or '(no room)')} | {plain(session.status or 'unknown')} | "
            f"started {plain_time(session.start_time, ctx.tz)} | "
            f"{session_duration(session, ctx)} | id {plain(session.id)}",
        )
        for session in sessions
    ]
    return render_listing(
        "Room sessions",
        "room sessions",
        rows,
        filters=filters,
        first_number=first_number,
        more_value=more_value,
    )


def _session_row(session: RoomSession, ctx: RenderContext) -> Block:
    cost = f" · ${session.cost_in_dollars:.2f}" if session.cost_in_dollars is not None else ""
    members = f" · up to {session.max_members}" if session.max_members else ""
    text = (
        f"{bold(session_title(session))} ({code(session.name or '—')}) · "
        f"{status_label(session.status)}\n"
        f"Started {slack_time(session.start_time, ctx.tz)} · "
        f"{session_duration(session, ctx)}{members}{cost}\n"
        f"{code(session.id)}"
    )
    return section(text, details_button(session, ctx))


def details_button(session: RoomSession, ctx: RenderContext) -> Block | None:
    """A signed Details button, for sessions whose id the grammar would accept."""
    if not session.id or not is_uuid(session.id):
        return None
    return button("Details", SESSION_BUTTON, ctx.buttons.sign(SESSION_BUTTON, session.id))


# Every field of the "Find a Room Session" seed, in its order.
SESSION_FIELDS: tuple[str, ...] = (
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
)
_TIMES = {
    "join_from",
    "join_until",
    "remove_at",
    "start_time",
    "end_time",
    "created_at",
    "updated_at",
}
_FLAGS = {
    "record_on_start",
    "tone_on_entry_and_exit",
    "room_join_video_off",
    "user_join_video_off",
    "locked",
    "prioritize_handraise",
    "sync_audio_video",
}


def session_field_value(session: RoomSession, name: str, ctx: RenderContext, *, plain: bool) -> str:
    value = getattr(session, name)
    if name in _TIMES:
        return plain_time(value, ctx.tz) if plain else slack_time(value, ctx.tz)
    if name in _FLAGS:
        return yes_no(value)
    if name == "duration":
        return session_duration(session, ctx)
    if name == "remove_after_seconds_elapsed" and value is not None:
        return f"{value} s ({format_duration(value)})"
    if name == "status":
        return status_label(value) if not plain else plain_text(value or "unknown")
    if name in ("id", "room_id") and value and not plain:
        return code(value)
    return plain_text(value) if plain and value is not None else or_dash(value)


def render_session(session: RoomSession, ctx: RenderContext) -> Reply:
    title = session_title(session)
    blocks: list[Block] = [
        header(f"Session of {title}"),
        context(f"{status_label(session.status)} · {session_duration(session, ctx)}"),
        *fields(
            [
                (name, session_field_value(session, name, ctx, plain=False))
                for name in SESSION_FIELDS
            ]
        ),
    ]
    extra = session.extra_fields()
    if extra:
        blocks.append(
            context(
                "Also: " + ", ".join(f"{plain(k, 60)}={plain(v)}" for k, v in sorted(extra.items()))
            )
        )
    lines = [f"Session {plain(session.id)} of {plain(session.name or '(no room)')}:"] + [
        f"{name}: {session_field_value(session, name, ctx, plain=True)}" for name in SESSION_FIELDS
    ]
    return Reply("\n".join(lines), blocks)
