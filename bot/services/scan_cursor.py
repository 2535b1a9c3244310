"""Where a filtered scan of sessions stopped: a provider page and how far into it (pure).

Filters applied locally leave pages short, so one reply may read several pages and stop
inside one; the next "More" starts at that page again and skips what was shown. The
written form is `SKIP+PROVIDER_CURSOR` (an empty provider cursor is the first page).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FORM = re.compile(r"(?P<skip>\d{1,5})\+(?P<cursor>[^\s+]{0,1024})")


@dataclass(frozen=True)
class ScanCursor:
    skip: int = 0
    provider_cursor: str | None = None

    def text(self) -> str:
        return f"{self.skip}+{self.provider_cursor or ''}"

    @classmethod
    def parse(cls, text: str | None) -> ScanCursor | None:
        """The position `text` stands for; None when it is not one this module wrote."""
        if text is None:
            return cls()
        found = _FORM.fullmatch(text)
        if found is None:
            return None
        return cls(int(found.group("skip")), found.group("cursor") or None)
