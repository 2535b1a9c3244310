"""Rooms: the list, one room with its active session, and one conference with its theme."""

from __future__ import annotations

import json

from bot.providers.models import Conference, Room, RoomSession
from bot.slack.blocks.context import RenderContext
from bot.slack.blocks.kit import (
    Block,
    Reply,
    bold,
    code,
    context,
    divider,
    fields,
    header,
    or_dash,
    plain,
    section,
    yes_no,
)
from bot.slack.blocks.listing import Row, render_listing
from bot.slack.blocks.sessions import details_button, session_duration, status_label
from bot.slack.timefmt import format_duration, plain_time, slack_time


def render_room_list(
    rooms: list[Room],
    ctx: RenderContext,
    *,
    filters: str,
    first_number: int,
    more_value: str | None,
) -> Reply:
    rows = []
    for room in rooms:
        title = room.display_name or room.name or "(unnamed)"
        block = section(
            f"{bold(title)} ({code(room.name or '—')})\n"
            f"{or_dash(room.max_members)} members max · {or_dash(room.quality)} · "
            f"{or_dash(room.layout)} · created {slack_time(room.created_at, ctx.tz)}\n"
            f"{code(room.id)}"
        )
        created = plain_time(room.created_at, ctx.tz)
        line = f"• {plain(room.name)} | {plain(title)} | created {created} | id {plain(room.id)}"
        rows.append(Row(block, line))
    return render_listing(
        "Rooms", "rooms", rows, filters=filters, first_number=first_number, more_value=more_value
    )


def render_room(room: Room, ctx: RenderContext) -> Reply:
    title = room.display_name or room.name or "(unnamed room)"
    pairs = [
        ("name", code(room.name) or "—"),
        ("id", code(room.id) or "—"),
        ("display_name", or_dash(room.display_name)),
        ("max_members", or_dash(room.max_members)),
        ("quality", or_dash(room.quality)),
        ("fps", or_dash(room.fps)),
        ("layout", or_dash(room.layout)),
        ("join_from", slack_time(room.join_from, ctx.tz)),
        ("join_until", slack_time(room.join_until, ctx.tz)),
        ("remove_at", slack_time(room.remove_at, ctx.tz)),
        ("remove_after_seconds_elapsed", _seconds(room.remove_after_seconds_elapsed)),
        ("record_on_start", yes_no(room.record_on_start)),
        ("enable_room_previews", yes_no(room.enable_room_previews)),
        ("sync_audio_video", yes_no(room.sync_audio_video)),
        ("tone_on_entry_and_exit", yes_no(room.tone_on_entry_and_exit)),
        ("room_join_video_off", yes_no(room.room_join_video_off)),
        ("user_join_video_off", yes_no(room.user_join_video_off)),
        ("prioritize_handraise", yes_no(room.prioritize_handraise)),
        ("created_at", slack_time(room.created_at, ctx.tz)),
        ("updated_at", slack_time(room.updated_at, ctx.tz)),
    ]
    blocks: list[Block] = [header(f"Room {title}")]
    if room.description:
        blocks.append(section(plain(room.description, DESCRIPTION_LIMIT)))
    blocks += fields(pairs)
    if room.meta:
        blocks.append(context(f"meta: {code(json.dumps(room.meta, sort_keys=True), 2000)}"))
    blocks.append(divider())
    blocks += active_session_blocks(room.active_session, ctx)
    lines = [
        f"Room {plain(room.name)} ({plain(title)}), id {plain(room.id)}",
        f"max_members {plain(room.max_members)}, quality {plain(room.quality)}, "
        f"layout {plain(room.layout)}",
        active_session_line(room.active_session, ctx),
    ]
    return Reply("\n".join(lines), blocks)


def render_conference(conference: Conference, ctx: RenderContext) -> Reply:
    title = conference.display_name or conference.name or "(unnamed conference)"
    pairs = [
        ("name", code(conference.name) or "—"),
        ("id", code(conference.id) or "—"),
        ("size", or_dash(conference.size)),
        ("quality", or_dash(conference.quality)),
        ("layout", or_dash(conference.layout)),
        ("enable_chat", yes_no(conference.enable_chat)),
        ("record_on_start", yes_no(conference.record_on_start)),
        ("enable_room_previews", yes_no(conference.enable_room_previews)),
        ("join_from", slack_time(conference.join_from, ctx.tz)),
        ("join_until", slack_time(conference.join_until, ctx.tz)),
    ]
    blocks: list[Block] = [header(f"Conference {title}")]
    if conference.description:
        blocks.append(section(plain(conference.description, DESCRIPTION_LIMIT)))
    blocks += fields(pairs)
    dark, light = theme(conference, "dark"), theme(conference, "light")
    blocks.append(section(f"*Theme*\nDark: {_swatches(dark)}\nLight: {_swatches(light)}"))
    blocks.append(divider())
    blocks += active_session_blocks(conference.active_session, ctx)
    lines = [
        f"Conference {plain(conference.name)} ({plain(title)}), id {plain(conference.id)}, "
        f"size {plain(conference.size)}",
        f"Theme dark: {_plain_swatches(dark)}",
        f"Theme light: {_plain_swatches(light)}",
        active_session_line(conference.active_session, ctx),
    ]
    return Reply("\n".join(lines), blocks)


# Room and conference descriptions may be 3000 characters; a section holds 3000 escaped.
DESCRIPTION_LIMIT = 2500
THEME_ROLES = ("primary", "background", "foreground", "success", "negative")


def theme(conference: Conference, variant: str) -> list[tuple[str, str | None]]:
    return [(role, getattr(conference, f"{variant}_{role}")) for role in THEME_ROLES]


def _swatches(colours: list[tuple[str, str | None]]) -> str:
    return " · ".join(f"{role} {code(value or '—', 40)}" for role, value in colours)


def _plain_swatches(colours: list[tuple[str, str | None]]) -> str:
    return ", ".join(f"{role} {plain(value or '-', 40)}" for role, value in colours)


def active_session_blocks(session: RoomSession | None, ctx: RenderContext) -> list[Block]:
    if session is None:
        return [section("*Active session*\nNone right now.")]
    text = (
        f"*Active session* · {status_label(session.status)}\n"
        f"Started {slack_time(session.start_time, ctx.tz)} · {session_duration(session, ctx)}"
        f"\n{code(session.id)}"
    )
    return [section(text, details_button(session, ctx))]


def active_session_line(session: RoomSession | None, ctx: RenderContext) -> str:
    if session is None:
        return "Active session: none"
    return (
        f"Active session {plain(session.id)}: {plain(session.status or 'unknown')}, started "
        f"{plain_time(session.start_time, ctx.tz)}, {session_duration(session, ctx)}"
    )


def _seconds(value: int | None) -> str:
    return "—" if value is None else f"{value} s ({format_duration(value)})"
