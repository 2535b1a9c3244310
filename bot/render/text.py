"""Text that will be read as Slack mrkdwn: the one escaping function, and safe spans.

Every provider string and every echo of user input passes through `escape` (in blocks and
in the plain `text` fallback alike, since Slack parses both): `<!channel>` in a room name
must never ping anyone. Values are clipped before they are escaped, so a cut never lands
inside an entity, and span helpers keep a value from closing its own bold or code span.
"""

from __future__ import annotations

import unicodedata

ELLIPSIS = "…"
# Stand-ins for the characters that would end a span early: they read the same.
_BOLD_SAFE = str.maketrans({"*": "∗", "\n": " ", "\r": " "})
_CODE_SAFE = str.maketrans({"`": "ˋ", "\n": " ", "\r": " "})


def escape(text: object) -> str:
    """The three characters mrkdwn treats as control characters, as entities."""
    if text is None:
        return ""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# Characters that draw nothing but change how the rest reads: line and paragraph breaks
# and other controls (a newline forges a line), bidi embeddings, overrides and isolates
# (U+202E reverses what follows), zero-width spaces and joiners, and other format marks.
_BREAKS = frozenset({"Cc", "Zl", "Zp"})
_INVISIBLE = frozenset({"Cf", "Cs"})
# Letters and marks that draw as nothing: the Hangul fillers and the grapheme joiner.
_BLANK = frozenset("\u115f\u1160\u3164\uffa0\u034f")


class _Shown(dict[int, str | None]):
    """What `str.translate` makes of each character, worked out on first sight. Only the
    first few thousand distinct characters are remembered, so hostile text cannot grow it."""

    def __missing__(self, code: int) -> str | None:
        char = chr(code)
        category = unicodedata.category(char)
        shown = (
            " "
            if category in _BREAKS
            else None
            if category in _INVISIBLE or char in _BLANK
            else char
        )
        if len(self) < 8192:
            self[code] = shown
        return shown


_SHOWN = _Shown()


def visible(text: str) -> str:
    """A value as a reader should see it, without characters that could disguise it:
    breaks and other controls become spaces (so words stay apart), bidi, zero-width and
    other format characters are dropped. The one such filter: apply it before clipping."""
    if text.isascii() and text.isprintable():
        return text
    return text.translate(_SHOWN)


def clip(text: str, limit: int) -> str:
    """At most `limit` characters of raw text, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: max(0, limit - 1)] + ELLIPSIS


def plain(text: object, limit: int = 300) -> str:
    """A value for running mrkdwn text or the fallback: clipped, then escaped."""
    return escape(clip("" if text is None else str(text), limit))


def bold(text: object, limit: int = 200) -> str:
    raw = clip("" if text is None else str(text), limit).translate(_BOLD_SAFE)
    return f"*{escape(raw)}*" if raw.strip() else ""


def code(text: object, limit: int = 200) -> str:
    raw = clip("" if text is None else str(text), limit).translate(_CODE_SAFE)
    return f"`{escape(raw)}`" if raw.strip() else ""


def echo(typed: str, limit: int = 60) -> str:
    """Typed input quoted back inside a code span: short, unable to close its span (a
    backtick reads as '), and escaped, so it pings nobody."""
    return escape(clip(typed.replace("`", "'"), limit))


def sentence(text: str) -> str:
    """`text` ending one sentence: a full stop added unless it already ends in one (an
    error's own words often do), so no message reads "resource.."."""
    text = text.rstrip()
    return text if text.endswith((".", "!", "?", "…")) else f"{text}."


def clip_mrkdwn(text: str, limit: int) -> str:
    """The last guard on composed mrkdwn: cut without splitting an entity or a code span."""
    if len(text) <= limit:
        return text
    cut = text[: max(0, limit - 1)]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    if cut.count("`") % 2:
        cut = cut[: cut.rfind("`")]
    return cut + ELLIPSIS
