"""A message's `text` fallback, derived from its blocks (pure), and the block walk it shares
with the demo console.

Slack shows `text` where blocks cannot be shown: notifications, some clients, search
snippets. It parses that text as mrkdwn, so it stays mrkdwn-safe: entities stay entities
(an escaped `&lt;!channel&gt;` in a room name remains text), user and channel mentions stay
the tokens Slack turns into `@name` and `#channel`, while links become their labels, date
tokens their written-out time, and bold, italic and strike markers go. Code spans are kept
whole, so a value cannot pose as the words around it. Plain-text block parts (headers,
image descriptions) are raw text, so they are escaped here before they join that mrkdwn.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from bot.render.text import clip_mrkdwn, escape

Block = dict[str, Any]

# Slack truncates `text` past 40,000 characters, and has long asked for under 4,000: a
# notification shows only the first lines anyway.
FALLBACK_LIMIT = 3900

PartKind = Literal["header", "text", "field", "context", "divider", "accessory", "actions", "image"]


@dataclass(frozen=True)
class Span:
    """One piece of text in a block: mrkdwn, or plain text that Slack shows as typed."""

    text: str
    mrkdwn: bool


@dataclass(frozen=True)
class Part:
    """One readable part of a block; for an accessory or actions, `buttons` are its
    buttons and `spans` their labels."""

    kind: PartKind
    spans: tuple[Span, ...]
    block: Block
    buttons: tuple[Block, ...] = ()


def walk(blocks: list[Block]) -> Iterator[Part]:
    """Every part a reader meets, block by block, in the order Slack lays them out."""
    for block in blocks:
        kind = block.get("type")
        if kind == "header":
            yield Part("header", (_span(block.get("text")),), block)
        elif kind == "section":
            if block.get("text"):
                yield Part("text", (_span(block["text"]),), block)
            for item in block.get("fields") or []:
                yield Part("field", (_span(item),), block)
            accessory = block.get("accessory")
            if isinstance(accessory, dict) and accessory.get("type") == "button":
                yield Part("accessory", (_span(accessory.get("text")),), block, (accessory,))
        elif kind == "context":
            spans = tuple(_span(e) for e in block.get("elements") or [] if e.get("type") != "image")
            yield Part("context", spans, block)
        elif kind == "divider":
            yield Part("divider", (), block)
        elif kind == "actions":
            buttons = tuple(e for e in block.get("elements") or [] if e.get("type") == "button")
            yield Part("actions", tuple(_span(b.get("text")) for b in buttons), block, buttons)
        elif kind == "image":
            yield Part("image", (Span(str(block.get("alt_text") or ""), False),), block)
        elif kind == "rich_text":
            yield Part("text", (Span(_rich_text(block.get("elements") or []), True),), block)


def fallback_text(blocks: list[Block], limit: int = FALLBACK_LIMIT) -> str:
    """The `text` for a message of these blocks, without its buttons: each block part on its
    own line (a section keeps its own line breaks), a field as `Label: value`.

    Past `limit` it keeps the beginning, which is what a notification shows, and the last
    part when that is short: the line that closes a message (a list's count, a request's id)
    says what the rest was.
    """
    parts: list[str] = []
    for part in walk(blocks):
        texts = [_readable(span) for span in part.spans]
        if part.kind == "field":
            label, _, value = texts[0].partition("\n")
            parts.append(f"{label}: {', '.join(value.splitlines())}" if value else label)
        elif part.kind == "text":
            parts.append(_titled(part.spans[0], texts[0]))
        elif part.kind in ("header", "image"):
            parts.append(texts[0])
        elif part.kind == "context":
            parts.append(" · ".join(text for text in texts if text))
    parts = [part for part in parts if part.strip()]
    text = "\n".join(parts)
    if len(text) <= limit:
        return text
    tail = parts[-1] if len(parts) > 1 and len(parts[-1]) <= limit // 4 else ""
    if not tail:
        return clip_fallback(text, limit)
    return clip_fallback("\n".join(parts[:-1]), limit - len(tail) - 1) + "\n" + tail


def _titled(span: Span, text: str) -> str:
    """A section that opens with a bold line (`*Participants*`) reads `Participants: …`, as a
    field does; the title's own line when more than one line follows."""
    if not (span.mrkdwn and _TITLE.match(span.text)):
        return text
    title, _, body = text.partition("\n")
    joiner = "\n" if "\n" in body else " "
    return f"{title}:{joiner}{body}"


_TITLE = re.compile(r"\*[^*\n]+\*\n")


def clip_fallback(text: str, limit: int) -> str:
    """`clip_mrkdwn`, and never a cut through a `<…>` token, which would show half of it."""
    clipped = clip_mrkdwn(text, limit)
    if clipped == text:
        return text
    body = clipped[:-1]
    opened = body.rfind("<")
    if opened > body.rfind(">"):
        body = body[:opened]
    return body + clipped[-1]


# -- mrkdwn ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    """One `<…>` of Slack mrkdwn: `@U…`, `#C…`, `!here`, `!subteam^S…`, `!date^…`, or a
    link; `label` is what follows the `|`, if anything."""

    target: str
    label: str

    @property
    def raw(self) -> str:
        return f"<{self.target}|{self.label}>" if self.label else f"<{self.target}>"


TOKEN = re.compile(r"<([^<>|\n]*)(?:\|([^<>\n]*))?>")
BROADCASTS = frozenset({"!here", "!channel", "!everyone"})


def replace_tokens(text: str, shown: Callable[[Token], str]) -> str:
    """`text` with each `<…>` token replaced by what `shown` makes of it."""
    return TOKEN.sub(lambda m: shown(Token(m.group(1), m.group(2) or "")), text)


def token_in_fallback(token: Token) -> str:
    target, label = token.target, token.label
    if target.startswith(("@", "#", "!subteam^")):
        return token.raw  # Slack writes these as @name, #channel, @group in a notification
    if target.startswith("!date^"):
        return label
    if target in BROADCASTS:
        # What Slack would show, as words: the fallback never pings more than the blocks.
        return "@" + target[1:]
    if target.startswith("!"):
        return label
    # A link: its words, then where it leads, for readers whose client shows no links.
    return f"{label} ({target})" if label and label != target else target


# Code spans first, so markers inside them stay; then tokens; then the emphasis markers, which
# Slack only honours at word edges (so `max_members` and `2*3*4` keep theirs).
_INLINE = re.compile(
    r"(?P<code>```.*?```|`[^`\n]+`)"
    r"|(?P<token><[^<>\n]*>)"
    r"|(?<![\w*])\*(?=[^\s*])(?P<bold>[^*`\n]+?)(?<=\S)\*(?![\w*])"
    r"|(?<![\w_])_(?=[^\s_])(?P<italic>[^_`\n]+?)(?<=\S)_(?![\w_])"
    r"|(?<![\w~])~(?=[^\s~])(?P<strike>[^~`\n]+?)(?<=\S)~(?![\w~])",
    re.DOTALL,
)


def mrkdwn_to_fallback(text: str) -> str:
    """Mrkdwn as the fallback shows it (see the module's docstring)."""

    def shown(match: re.Match[str]) -> str:
        if match.group("code") is not None:
            return match.group("code")
        if match.group("token") is not None:
            return replace_tokens(match.group("token"), token_in_fallback)
        inner = match.group("bold") or match.group("italic") or match.group("strike") or ""
        return mrkdwn_to_fallback(inner)

    return _INLINE.sub(shown, text)


def _readable(span: Span) -> str:
    return mrkdwn_to_fallback(span.text) if span.mrkdwn else escape(span.text)


def _span(obj: Any) -> Span:
    if not isinstance(obj, dict):
        return Span("", False)
    return Span(str(obj.get("text") or ""), obj.get("type") == "mrkdwn")


# -- rich text: written out as the mrkdwn it would be ----------------------------------------


def _rich_text(elements: list[Block]) -> str:
    lines: list[str] = []
    for element in elements:
        kind = element.get("type")
        if kind == "rich_text_list":
            for item in element.get("elements") or []:
                lines.append("• " + _rich_inline(item.get("elements") or []))
        elif kind == "rich_text_preformatted":
            lines.append("```" + _rich_inline(element.get("elements") or []) + "```")
        else:  # rich_text_section, rich_text_quote
            lines.append(_rich_inline(element.get("elements") or []))
    return "\n".join(lines)


def _rich_inline(elements: list[Block]) -> str:
    out: list[str] = []
    for element in elements:
        kind = element.get("type")
        if kind == "text":
            out.append(escape(element.get("text")))
        elif kind == "link":
            out.append(escape(element.get("text") or element.get("url")))
        elif kind == "user":
            out.append(f"<@{element.get('user_id')}>")
        elif kind == "channel":
            out.append(f"<#{element.get('channel_id')}>")
        elif kind == "usergroup":
            out.append(f"<!subteam^{element.get('usergroup_id')}>")
        elif kind == "broadcast":
            out.append(f"@{element.get('range')}")
        elif kind == "emoji":
            out.append(f":{element.get('name')}:")
        elif kind == "date":
            out.append(escape(element.get("fallback") or ""))
    return "".join(out)
