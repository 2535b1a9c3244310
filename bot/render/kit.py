"""Small Block Kit builders that respect Slack's size limits."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.render.text import bold, clip, clip_mrkdwn, code, escape, plain

__all__ = ["bold", "clip", "code", "escape", "plain"]

Block = dict[str, Any]

SECTION_TEXT_LIMIT = 3000
FIELD_LIMIT = 2000
HEADER_LIMIT = 150
BUTTON_TEXT_LIMIT = 75
BUTTON_VALUE_LIMIT = 2000
FIELDS_PER_SECTION = 10
FALLBACK_LIMIT = 3900


@dataclass(frozen=True)
class Reply:
    """A message: Block Kit plus the plain fallback that carries the same key facts."""

    text: str
    blocks: list[Block] = field(default_factory=list)

    def payload(self) -> dict[str, Any]:
        return {"text": clip_mrkdwn(self.text, FALLBACK_LIMIT), "blocks": self.blocks}


def header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": clip(text, HEADER_LIMIT)}}


def section(text: str, accessory: Block | None = None) -> Block:
    block: Block = {"type": "section", "text": mrkdwn(clip_mrkdwn(text, SECTION_TEXT_LIMIT))}
    if accessory is not None:
        block["accessory"] = accessory
    return block


def fields(pairs: list[tuple[str, str]]) -> list[Block]:
    """Label/value pairs as field sections, ten to a section as Slack allows."""
    items = [mrkdwn(clip_mrkdwn(f"*{label}*\n{value}", FIELD_LIMIT)) for label, value in pairs]
    return [
        {"type": "section", "fields": items[i : i + FIELDS_PER_SECTION]}
        for i in range(0, len(items), FIELDS_PER_SECTION)
    ]


def context(*texts: str) -> Block:
    return {
        "type": "context",
        "elements": [mrkdwn(clip_mrkdwn(t, SECTION_TEXT_LIMIT)) for t in texts],
    }


def divider() -> Block:
    return {"type": "divider"}


def button(text: str, action_id: str, value: str, *, style: str | None = None) -> Block:
    element: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": clip(text, BUTTON_TEXT_LIMIT), "emoji": True},
        "action_id": action_id,
        "value": value,
    }
    if style:
        element["style"] = style
    return element


def actions(*elements: Block, block_id: str | None = None) -> Block:
    block: Block = {"type": "actions", "elements": list(elements)}
    if block_id:
        block["block_id"] = block_id
    return block


def mrkdwn(text: str) -> Block:
    return {"type": "mrkdwn", "text": text}


def plural(count: int, one: str, many: str | None = None, *, number: bool = True) -> str:
    """`1 room session`, `2 room sessions`; with `number=False`, the noun alone."""
    noun = one if count == 1 else (many or f"{one}s")
    return f"{count} {noun}" if number else noun


def yes_no(value: bool | None) -> str:
    return "—" if value is None else ("yes" if value else "no")


def or_dash(value: object) -> str:
    if value is None or value == "":
        return "—"
    return plain(value)
