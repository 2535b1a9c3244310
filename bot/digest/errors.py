"""What the digest commands refuse, with a message that says what to do instead; and a
digest that could not be built whole."""

from __future__ import annotations

from datetime import date

from bot.providers.walks import WalkCut


class DigestRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DigestIncomplete(Exception):
    """The walk through the day's sessions was cut short: its figures would be a part
    passed off as the whole, so nothing is shown or posted (the scheduler tries again)."""

    def __init__(self, day: date, cut: WalkCut) -> None:
        self.day = day
        self.cut = cut
        self.message = (
            f"The digest for {day.isoformat()} could not be built: {cut.sentence()}, so its "
            "figures would be incomplete. Nothing was posted; try again later."
        )
        super().__init__(self.message)
