"""Block Kit as a person reads it in a terminal, with buttons numbered to press (pure)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from bot.render.kit import plural

_DATE = re.compile(r"<!date\^[^|>]*\|([^>]*)>")
_LINK = re.compile(r"<((?:https?|mailto):[^|>]+)\|([^>]+)>")
_BARE_LINK = re.compile(r"<((?:https?|mailto):[^>]+)>")
_CHANNEL = re.compile(r"<#([A-Z0-9]+)(?:\|([^>]*))?>")
_EMOJI = {
    ":warning:": "⚠️",
    ":white_check_mark:": "✅",
    ":hourglass_flowing_sand:": "⏳",
    ":gear:": "⚙️",
    ":no_entry_sign:": "🚫",
    ":alarm_clock:": "⏰",
    ":x:": "❌",
    ":outbox_tray:": "📤",
}
_USER = re.compile(r"<@([A-Z0-9]+)(?:\|([^>]*))?>")


@dataclass(frozen=True)
class Button:
    label: str
    action: dict[str, Any]


@dataclass(frozen=True)
class Rendered:
    lines: list[str]
    buttons: list[Button]


def mrkdwn_to_text(text: str) -> str:
    text = _DATE.sub(r"\1", text)
    text = _LINK.sub(r"\2 (\1)", text)
    text = _BARE_LINK.sub(r"\1", text)
    text = _CHANNEL.sub(lambda m: f"#{m.group(2) or m.group(1)}", text)
    text = _USER.sub(lambda m: f"@{m.group(2) or m.group(1)}", text)
    for code, symbol in _EMOJI.items():
        text = text.replace(code, symbol)
    return html.unescape(text)


def no_such_button(which: str, count: int) -> str:
    """The console's answer to `press N` when the last reply has no button N."""
    if count == 0:
        return f"There is no button {which or '?'}; the last reply has no buttons."
    choices = "press 1" if count == 1 else f"press 1 to {count}"
    return (
        f"There is no button {which or '?'}; the last reply has {plural(count, 'button')} "
        f"({choices})."
    )


def render_message(message: dict[str, Any], *, first_button: int = 1) -> Rendered:
    blocks = message.get("blocks") or []
    if not blocks:
        return Rendered([mrkdwn_to_text(str(message.get("text") or ""))], [])
    lines: list[str] = []
    buttons: list[Button] = []

    def add_button(element: dict[str, Any], block: dict[str, Any]) -> str:
        number = first_button + len(buttons)
        label = str((element.get("text") or {}).get("text") or "button")
        action = {
            "type": "button",
            "action_id": element.get("action_id"),
            "block_id": block.get("block_id", ""),
            "value": element.get("value", ""),
            "text": element.get("text"),
        }
        buttons.append(Button(label, action))
        return f"[{number}] {label}"

    for block in blocks:
        kind = block.get("type")
        if kind == "header":
            lines.append(f"== {block['text']['text']} ==")
        elif kind == "section":
            if block.get("text"):
                lines += mrkdwn_to_text(block["text"]["text"]).splitlines()
            for field in block.get("fields") or []:
                label, _, value = mrkdwn_to_text(field["text"]).partition("\n")
                lines.append(f"  {label.strip('*')}: {value}")
            accessory = block.get("accessory")
            if isinstance(accessory, dict) and accessory.get("type") == "button":
                lines.append("    " + add_button(accessory, block))
        elif kind == "context":
            texts = [mrkdwn_to_text(e.get("text", "")) for e in block.get("elements", [])]
            lines.append("  " + " | ".join(t for t in texts if t))
        elif kind == "divider":
            lines.append("-" * 40)
        elif kind == "actions":
            labels = [
                add_button(e, block) for e in block.get("elements", []) if e.get("type") == "button"
            ]
            lines.append("  " + "   ".join(labels))
    return Rendered(lines, buttons)
