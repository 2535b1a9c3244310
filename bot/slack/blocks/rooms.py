"""Rooms: the list, one room with its active session, and one conference with its theme."""

from __future__ import annotations

import json
from typing import Any

from bot.providers.ids import is_uuid
from bot.providers.models import Conference, Room, RoomSession
from bot.providers.walks import WalkCut
from bot.render.kit import (
    Block,
    Reply,
    bold,
    button,
    code,
    context,
    divider,
    header,
    plain,
    section,
)
from bot.render.timefmt import plain_time, slack_time
from bot.slack.blocks.context import RenderContext
from bot.slack.blocks.details import (
    Detail,
    detail_blocks,
    detail_lines,
    dollars,
    label,
    member_cap,
    model_detail,
)
from bot.slack.blocks.listing import LocalFilters, Row, render_listing
from bot.slack.blocks.sessions import details_button, session_duration, status_label

ROOM_BUTTON = "rooms_room_details"
ROOM_SESSIONS_BUTTON = "rooms_room_sessions"

CONFERENCE_FIELDS: tuple[str, ...] = (
    "name",
    "id",
    "display_name",
    "size",
    "quality",
    "layout",
    "enable_chat",
    "record_on_start",
    "enable_room_previews",
    "tone_on_entry_and_exit",
    "room_join_video_off",
    "user_join_video_off",
    "join_from",
    "join_until",
    "created_at",
    "updated_at",
)
# Room and conference descriptions may be 3000 characters; a section holds 3000 escaped.
DESCRIPTION_LIMIT = 2500
META_LIMIT = 2000
THEME_ROLES = ("primary", "background", "foreground", "success", "negative")


def render_room_list(
    rooms: list[Room],
    ctx: RenderContext,
    *,
    filters: str,
    first_number: int,
    more_value: str | None,
    local: LocalFilters | None = None,
    cut: WalkCut | None = None,
) -> Reply:
    rows = []
    for room in rooms:
        title = room.display_name or room.name or "(unnamed)"
        facts = [member_cap(room.max_members), plain(room.quality), plain(room.layout)]
        if room.created_at:
            facts.append(f"created {slack_time(room.created_at, ctx.tz)}")
        block = section(
            f"{bold(title)} ({code(room.name or '—')})\n"
            f"{' · '.join(fact for fact in facts if fact)}\n"
            f"{code(room.id)}",
            room_button(room, ctx),
        )
        created = plain_time(room.created_at, ctx.tz)
        line = f"• {plain(room.name)} | {plain(title)} | created {created} | id {plain(room.id)}"
        rows.append(Row(block, line))
    return render_listing(
        "Rooms",
        "rooms",
        rows,
        filters=filters,
        first_number=first_number,
        more_value=more_value,
        local=local,
        cut=cut,
    )


def room_button(room: Room, ctx: RenderContext) -> Block | None:
    """Details: the same reply as `/rooms room ID`, for ids the grammar would accept."""
    if not room.id or not is_uuid(room.id):
        return None
    return button("Details", ROOM_BUTTON, ctx.buttons.sign(ROOM_BUTTON, room.id))


def recent_sessions_button(room: Room, ctx: RenderContext) -> Block | None:
    """Recent sessions: the same reply as `/rooms sessions room_id=ID`."""
    if not room.id or not is_uuid(room.id):
        return None
    value = ctx.buttons.sign(ROOM_SESSIONS_BUTTON, room.id)
    return button("Recent sessions", ROOM_SESSIONS_BUTTON, value)


def render_room(room: Room, ctx: RenderContext) -> Reply:
    title = room.display_name or room.name or "(unnamed room)"
    details = [model_detail(room, name, ctx) for name in ctx.view.room_fields]
    details += _unset(room, ctx.view.room_texts)
    blocks: list[Block] = [header(f"Room {title}")]
    if room.description:
        blocks.append(section(plain(room.description, DESCRIPTION_LIMIT)))
    blocks += detail_blocks(details, notes=_meta(room.meta))
    blocks.append(divider())
    blocks += active_session_blocks(
        room.active_session, ctx, recent=recent_sessions_button(room, ctx)
    )
    lines = [f"Room {plain(room.name)} ({plain(title)}), id {plain(room.id)}"]
    lines += detail_lines(details)
    lines.append(active_session_line(room.active_session, ctx))
    if room.active_session is None and room.id and is_uuid(room.id):
        lines.append(f"Recent sessions: /rooms sessions room_id={plain(room.id)}")
    return Reply("\n".join(lines), blocks)


def render_conference(conference: Conference, ctx: RenderContext) -> Reply:
    title = conference.display_name or conference.name or "(unnamed conference)"
    details = [model_detail(conference, name, ctx) for name in CONFERENCE_FIELDS]
    details += _unset(conference, ("description", "meta"))
    blocks: list[Block] = [header(f"Conference {title}")]
    if conference.description:
        blocks.append(section(plain(conference.description, DESCRIPTION_LIMIT)))
    blocks += detail_blocks(details, notes=_meta(conference.meta))
    dark, light = theme(conference, "dark"), theme(conference, "light")
    blocks.append(section(f"*Theme*\nDark: {_swatches(dark)}\nLight: {_swatches(light)}"))
    blocks.append(divider())
    blocks += active_session_blocks(conference.active_session, ctx)
    lines = [
        f"Conference {plain(conference.name)} ({plain(title)}), id {plain(conference.id)}, "
        f"size {plain(conference.size or 'not set')}",
        *detail_lines(details),
        f"Theme dark: {_plain_swatches(dark)}",
        f"Theme light: {_plain_swatches(light)}",
        active_session_line(conference.active_session, ctx),
    ]
    return Reply("\n".join(lines), blocks)


def _unset(model: Room | Conference, names: tuple[str, ...]) -> list[Detail]:
    """Fields shown outside the field list when set, and named with the empty ones when not."""
    return [Detail(label(name), None, None) for name in names if not getattr(model, name)]


def _meta(meta: dict[str, Any] | None) -> list[Block]:
    if not meta:
        return []
    return [context(f"{label('meta')}: {code(json.dumps(meta, sort_keys=True), META_LIMIT)}")]


def theme(conference: Conference, variant: str) -> list[tuple[str, str | None]]:
    return [(role, getattr(conference, f"{variant}_{role}")) for role in THEME_ROLES]


def _swatches(colours: list[tuple[str, str | None]]) -> str:
    shown = [f"{role} {code(value, 40)}" for role, value in colours if value]
    return " · ".join(shown) or "not set"


def _plain_swatches(colours: list[tuple[str, str | None]]) -> str:
    shown = [f"{role} {plain(value, 40)}" for role, value in colours if value]
    return ", ".join(shown) or "not set"


def active_session_blocks(
    session: RoomSession | None, ctx: RenderContext, *, recent: Block | None = None
) -> list[Block]:
    """The active session with its Details button; without one, `recent` if given."""
    if session is None:
        return [section("*Active session*\nNone right now.", recent)]
    cost = dollars(session.cost_in_dollars)
    text = (
        f"*Active session* · {status_label(session.status)}\n"
        f"Started {slack_time(session.start_time, ctx.tz)} · {session_duration(session, ctx)}"
        f"{f' · {cost}' if cost else ''}\n{code(session.id)}"
    )
    return [section(text, details_button(session, ctx))]


def active_session_line(session: RoomSession | None, ctx: RenderContext) -> str:
    if session is None:
        return "Active session: none"
    cost = dollars(session.cost_in_dollars)
    return (
        f"Active session {plain(session.id)}: {plain(session.status or 'unknown')}, started "
        f"{plain_time(session.start_time, ctx.tz)}, {session_duration(session, ctx)}"
        f"{f', {cost}' if cost else ''}"
    )
