"""The state a "More" button carries, so that any replica can serve the click and nothing
about a listing is kept in memory.

The state is the command as the user could have typed it, plus how many rows were shown
and the provider's cursor. On the click the words go through the grammar again, so a
button can never ask for what typed text may not (a page of 1000, a status of "bogus").
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

from cachetools import TTLCache

from bot.commands.grammar import Listing, parse_words, unparse
from bot.commands.model import ConferencesCommand, ListRoomsCommand, SessionsCommand, UsageError
from bot.render.kit import BUTTON_VALUE_LIMIT
from bot.slack.buttons import ButtonRefused, ButtonSigner

log = logging.getLogger("bot.slack.more")

PURPOSE = "more"
MAX_WORDS = 12
MAX_WORD_LENGTH = 300
MAX_SHOWN = 100_000
MAX_CURSOR_LENGTH = 1024
OVERFLOW_SECONDS = 6 * 3600
EXPIRED = (
    "That More button has expired (the list was too long to carry in the button, and RoomOps "
    "has restarted since). Run the command again to start a fresh list."
)


@dataclass(frozen=True)
class MoreState:
    command: Listing
    shown: int
    cursor: str | None = None  # sessions: where the provider's pages go on


class MoreStates:
    """Encodes states into button values and back, refusing anything it did not write."""

    def __init__(self, signer: ButtonSigner, *, overflow_entries: int = 10_000) -> None:
        self._signer = signer
        # A state too long for a button stays here under a short key: the button is never
        # dropped, though only this process can serve it.
        self._overflow: TTLCache[str, list[object]] = TTLCache(
            maxsize=overflow_entries, ttl=OVERFLOW_SECONDS
        )

    def encode(self, state: MoreState) -> str:
        payload: list[object] = [unparse(state.command), state.shown, state.cursor]
        value = self._signer.sign(PURPOSE, payload)
        if len(value) <= BUTTON_VALUE_LIMIT:
            return value
        key = secrets.token_urlsafe(12)
        self._overflow[key] = payload
        log.warning("a More state of %d characters is kept in this process", len(value))
        return self._signer.sign(PURPOSE, {"ref": key})

    def decode(self, value: object) -> MoreState:
        data = self._signer.unsign(PURPOSE, value)
        if isinstance(data, dict) and set(data) == {"ref"}:
            kept = self._overflow.get(str(data["ref"]))
            if kept is None:
                raise ButtonRefused(EXPIRED)
            data = kept
        return _validated(data)


def _validated(data: object) -> MoreState:
    if not isinstance(data, list) or len(data) != 3:
        raise ButtonRefused()
    words, shown, cursor = data
    if (
        not isinstance(words, list)
        or not 1 <= len(words) <= MAX_WORDS
        or not all(_short_text(word, MAX_WORD_LENGTH) for word in words)
        or type(shown) is not int
        or not 0 <= shown <= MAX_SHOWN
        or not (
            cursor is None or (isinstance(cursor, str) and 0 < len(cursor) <= MAX_CURSOR_LENGTH)
        )
    ):
        raise ButtonRefused()
    try:
        command = parse_words(words)
    except UsageError:
        raise ButtonRefused() from None
    # Sessions page on with the provider's cursor; rooms and conferences by how many
    # were shown.
    if isinstance(command, SessionsCommand) and cursor is not None:
        return MoreState(command, shown, cursor)
    if isinstance(command, ListRoomsCommand | ConferencesCommand) and cursor is None:
        return MoreState(command, shown)
    raise ButtonRefused()


def _short_text(value: object, limit: int) -> bool:
    return isinstance(value, str) and 0 < len(value) <= limit
