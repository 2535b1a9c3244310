"""The field list of a detail view (session, room, conference): labels people read, values
formatted for them, and the fields the provider left empty folded into one line."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bot.providers.models import ProviderModel
from bot.render.kit import Block, code, context, fields, plain, plural, yes_no
from bot.render.timefmt import format_duration, plain_time, slack_time
from bot.slack.blocks.context import RenderContext

# The providers' field names, as a person would say them.
LABELS: dict[str, str] = {
    "id": "ID",
    "room_id": "Room ID",
    "name": "Name",
    "display_name": "Display name",
    "description": "Description",
    "max_members": "Members",
    "size": "Size",
    "quality": "Quality",
    "fps": "Frame rate",
    "layout": "Layout",
    "status": "Status",
    "start_time": "Started",
    "end_time": "Ended",
    "duration": "Duration",
    "cost_in_dollars": "Cost",
    "join_from": "Join from",
    "join_until": "Join until",
    "remove_at": "Remove at",
    "remove_after_seconds_elapsed": "Remove members after",
    "record_on_start": "Record on start",
    "enable_room_previews": "Room previews",
    "enable_chat": "Chat",
    "sync_audio_video": "Sync audio and video",
    "tone_on_entry_and_exit": "Tone on join and leave",
    "room_join_video_off": "Join with video off",
    "user_join_video_off": "Join with video off (user setting)",
    "prioritize_handraise": "Raised hands first",
    "locked": "Locked",
    "preview_url": "Preview",
    "meta": "Meta",
    "created_at": "Created",
    "updated_at": "Updated",
    "webhook_event_url": "Webhook URL",
    "webhook_event_failover_url": "Failover webhook URL",
    "webhook_timeout_secs": "Webhook timeout",
}
TIMES = frozenset(
    {"join_from", "join_until", "remove_at", "start_time", "end_time", "created_at", "updated_at"}
)
FLAGS = frozenset(
    {
        "record_on_start",
        "enable_room_previews",
        "enable_chat",
        "sync_audio_video",
        "tone_on_entry_and_exit",
        "room_join_video_off",
        "user_join_video_off",
        "prioritize_handraise",
        "locked",
    }
)
IDS = frozenset({"id", "room_id", "name"})


@dataclass(frozen=True)
class Detail:
    """One field: its value as mrkdwn for blocks and for the fallback, None when empty."""

    label: str
    block: str | None
    text: str | None


def label(name: str) -> str:
    return LABELS.get(name) or name.replace("_", " ").capitalize()


def member_cap(value: int | None) -> str | None:
    return None if value is None else f"cap {value}"


def dollars(value: float | None) -> str | None:
    return None if value is None else f"${value:.2f}"


def model_detail(model: ProviderModel, name: str, ctx: RenderContext) -> Detail:
    """A field of a provider model, formatted by what kind of value it holds."""
    value: Any = getattr(model, name, None)
    if value is None or value == "" or value == {}:
        return Detail(label(name), None, None)
    if name in TIMES:
        return Detail(label(name), slack_time(value, ctx.tz), plain_time(value, ctx.tz))
    if name in FLAGS:
        return same(name, yes_no(value))
    if name == "max_members":
        return same(name, member_cap(value))
    if name == "cost_in_dollars":
        return same(name, dollars(value))
    if name == "remove_after_seconds_elapsed":
        return same(name, format_duration(value))
    if name == "webhook_timeout_secs" and isinstance(value, int):
        return same(name, f"{value} s")
    if name == "fps":
        return same(name, f"{value:g} fps" if isinstance(value, int | float) else plain(value))
    if name in IDS:
        return Detail(label(name), code(value), plain(value))
    return same(name, plain(value))


def same(name: str, value: str | None) -> Detail:
    """A value that reads the same in blocks and in the fallback (already escaped)."""
    return Detail(label(name), value, value)


def detail_blocks(details: Iterable[Detail], *, notes: Iterable[Block] = ()) -> list[Block]:
    """The fields with a value, then `notes`, then the line naming the empty ones."""
    items = list(details)
    blocks = fields([(d.label, d.block) for d in items if d.block is not None])
    blocks += notes
    line = empty_line(items)
    if line:
        blocks.append(context(line))
    return blocks


def detail_lines(details: Iterable[Detail]) -> list[str]:
    items = list(details)
    lines = [f"{d.label}: {d.text}" for d in items if d.text is not None]
    line = empty_line(items)
    return [*lines, line] if line else lines


def empty_line(details: list[Detail]) -> str | None:
    """One line for every field the provider left empty, rather than a wall of dashes."""
    empty = [d.label for d in details if d.block is None]
    if not empty:
        return None
    verb = "is" if len(empty) == 1 else "are"
    return f"{plural(len(empty), 'more field')} {verb} empty: {', '.join(empty)}."
