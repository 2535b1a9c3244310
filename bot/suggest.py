"""The closest known names to what was typed, for "did you mean …?" (pure)."""

from __future__ import annotations

from collections.abc import Iterable
from difflib import get_close_matches

MAX_SUGGESTIONS = 3
# Below this, difflib's ratio pairs names that only share a few letters.
CUTOFF = 0.6


def closest(typed: str, known: Iterable[str], *, limit: int = MAX_SUGGESTIONS) -> list[str]:
    """Known names nearest to `typed`, best first, compared without regard to case."""
    by_folded: dict[str, str] = {}
    for name in known:
        by_folded.setdefault(name.casefold(), name)
    folded = get_close_matches(typed.casefold(), list(by_folded), n=limit, cutoff=CUTOFF)
    return [by_folded[name] for name in folded]
