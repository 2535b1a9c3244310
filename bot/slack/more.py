"""The state a "More" button carries, so that any replica can serve the click and nothing
about a listing is kept in memory.

The state is the command as the user could have typed it (the subcommand's name, then the
words its paging rebuilds), plus how many rows were shown and the provider's cursor. On the
click the words go through that subcommand's parser again, so a button can never ask for
what typed text may not (a page of 1000, a status of "bogus"), and the subcommand's paging
says whether the state must hold a cursor or an offset.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

from cachetools import TTLCache

from bot.commands.errors import UsageError
from bot.render.kit import BUTTON_VALUE_LIMIT
from bot.slack.buttons import ButtonRefused, ButtonSigner
from bot.slack.subcommands.base import MoreState, Paging, Registry

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


class MoreStates:
    """Encodes states into button values and back, refusing anything it did not write."""

    def __init__(
        self, signer: ButtonSigner, registry: Registry, *, overflow_entries: int = 10_000
    ) -> None:
        self._signer = signer
        self._registry = registry
        # A state too long for a button stays here under a short key: the button is never
        # dropped, though only this process can serve it.
        self._overflow: TTLCache[str, list[object]] = TTLCache(
            maxsize=overflow_entries, ttl=OVERFLOW_SECONDS
        )

    def encode(self, state: MoreState) -> str:
        payload: list[object] = [
            self._registry.unparse(state.command),
            state.shown,
            state.cursor,
        ]
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
        return _validated(self._registry, data)

    def paging(self, state: MoreState) -> Paging[Any]:
        """How the listing `state` belongs to pages on (its next page, for the click)."""
        paging = self._registry.unit_of(state.command).paging
        if paging is None:
            raise ButtonRefused()
        return paging


def _validated(registry: Registry, data: object) -> MoreState:
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
        parsed = registry.read(words)
    except UsageError:
        raise ButtonRefused() from None
    paging = parsed.unit.paging
    # A state for a subcommand that does not page, or a cursor where the subcommand pages
    # by offset (or the other way round), was not written by RoomOps.
    if paging is None or (paging.takes == "cursor") != (cursor is not None):
        raise ButtonRefused()
    return MoreState(parsed.command, shown, cursor)


def _short_text(value: object, limit: int) -> bool:
    return isinstance(value, str) and 0 < len(value) <= limit
