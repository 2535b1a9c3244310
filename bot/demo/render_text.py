"""Block Kit as a person reads it in a terminal, with buttons numbered to press (pure)."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from bot.render.fallback import Token, replace_tokens, walk
from bot.render.kit import plural

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


@dataclass(frozen=True)
class Button:
    label: str
    action: dict[str, Any]


@dataclass(frozen=True)
class Rendered:
    lines: list[str]
    buttons: list[Button]


def mrkdwn_to_text(text: str) -> str:
    text = replace_tokens(text, _token_in_terminal)
    for code, symbol in _EMOJI.items():
        text = text.replace(code, symbol)
    return html.unescape(text)


def _token_in_terminal(token: Token) -> str:
    target, label = token.target, token.label
    if target.startswith("!date^"):
        return label if label else token.raw
    if target.startswith(("http:", "https:", "mailto:")):
        return f"{label} ({target})" if label else target
    if target.startswith(("#", "@")) and len(target) > 1:
        return f"{target[0]}{label or target[1:]}"
    return token.raw


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

    # The walk the `text` fallback takes too; the console adds the buttons and its layout.
    for part in walk(blocks):
        texts = [span.text for span in part.spans]
        if part.kind == "header":
            lines.append(f"== {texts[0]} ==")
        elif part.kind == "text":
            lines += mrkdwn_to_text(texts[0]).splitlines()
        elif part.kind == "field":
            label, _, value = mrkdwn_to_text(texts[0]).partition("\n")
            lines.append(f"  {label.strip('*')}: {value}")
        elif part.kind == "accessory":
            lines.append("    " + add_button(part.buttons[0], part.block))
        elif part.kind == "context":
            shown = [mrkdwn_to_text(text) for text in texts]
            lines.append("  " + " | ".join(text for text in shown if text))
        elif part.kind == "divider":
            lines.append("-" * 40)
        elif part.kind == "actions":
            lines.append("  " + "   ".join(add_button(b, part.block) for b in part.buttons))
    return Rendered(lines, buttons)
