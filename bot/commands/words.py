"""Split `/rooms` text into words the way people type it in Slack (pure).

Like a shell, quotes keep spaces together, but an apostrophe inside a word is a letter
(`match=it's`, `O’Brien`), Slack's curly quotes count as straight ones, and the code-span
backticks and trailing punctuation that come with text pasted from a reply are dropped.
"""

from __future__ import annotations

from bot.commands.errors import UsageError

# Slack apps on phones and Macs turn straight quotes into curly ones.
_SMART_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'"})
UNCLOSED = 'A quote is not closed. Put quotes around the whole value, e.g. match="all hands".'
# What a sentence or a mrkdwn span leaves around a pasted id or name.
_TRAILING = ".,;:!?)]}>"
_LEADING = "([{<"


def from_slack(text: str) -> str:
    """Text as typed: Slack sends `&`, `<` and `>` in a command's text as HTML entities
    (only those three; `&amp;` last, so `&amp;lt;` stays the `&lt;` someone typed)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def split_words(text: str) -> list[str]:
    """Words, with quotes removed; raises UsageError for a double quote left open.

    A single quote opens a quoted value only at the start of a word or right after `=`,
    and closes only before a space or the end; anywhere else it is an apostrophe.
    """
    text = text.translate(_SMART_QUOTES)
    words: list[str] = []
    word: list[str] = []
    in_word = False
    i = 0
    while i < len(text):
        char = text[i]
        if char.isspace():
            if in_word:
                words.append("".join(word))
                word, in_word = [], False
            i += 1
            continue
        starts_value = not word or word[-1] == "="
        if char == '"':
            end = text.find('"', i + 1)
            if end < 0:
                raise UsageError(UNCLOSED)
            word.append(text[i + 1 : end])
            in_word, i = True, end + 1
            continue
        if char == "'" and starts_value:
            closing = _closing_apostrophe(text, i + 1)
            if closing is not None:
                word.append(text[i + 1 : closing])
                in_word, i = True, closing + 1
                continue
        word.append(char)
        in_word, i = True, i + 1
    if in_word:
        words.append("".join(word))
    return words


def _closing_apostrophe(text: str, start: int) -> int | None:
    """The quote that closes a value opened just before `start`, if there is one."""
    at = text.find("'", start)
    while at >= 0:
        if at + 1 == len(text) or text[at + 1].isspace():
            return at
        at = text.find("'", at + 1)
    return None


def tidy(value: str) -> str:
    """An id or name as pasted from a reply: `` `62bb…` ``, `(standup)`, `standup,` → bare."""
    previous = None
    while previous != value:
        previous = value
        value = value.strip().strip("`*").rstrip(_TRAILING).lstrip(_LEADING)
    return value
