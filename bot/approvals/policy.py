"""Who may ask for a room update and who may decide one (pure).

REQUESTERS (empty: everyone allowed to use RoomOps) may ask; APPROVERS decide, never their
own request unless ALLOW_SELF_APPROVAL. Without APPROVERS or APPROVAL_CHANNEL there is
nobody to decide or nowhere to ask, so updates are off and the refusal names the setting.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from bot.approvals.errors import NotAnApprover, NotARequester, UpdatesDisabled
from bot.ids import is_user_id

SYSTEM = "roomops"  # the actor of steps nobody clicked (posting, expiry, resuming)
MENTIONED = 5


@dataclass(frozen=True)
class ApprovalPolicy:
    channel: str | None
    approvers: tuple[str, ...]
    requesters: tuple[str, ...] = ()
    allow_self_approval: bool = False
    ttl: timedelta = timedelta(hours=24)

    def check_enabled(self) -> None:
        missing = [
            name
            for name, value in (("APPROVERS", self.approvers), ("APPROVAL_CHANNEL", self.channel))
            if not value
        ]
        if not missing:
            return
        what = " and ".join(missing)
        verb = "is" if len(missing) == 1 else "are"
        raise UpdatesDisabled(
            f"Room updates are turned off here: {what} {verb} not set, so nobody could "
            "approve the change. Ask your RoomOps admin to set APPROVERS (the user ids who "
            "approve, comma-separated) and APPROVAL_CHANNEL (the channel id requests go to). "
            "Nothing was stored or sent."
        )

    def check_requester(self, user: str | None) -> None:
        if self.requesters and user not in self.requesters:
            raise NotARequester(
                "Only the people listed in REQUESTERS may ask for room updates, and you are "
                "not one of them. Ask your RoomOps admin to add you. Nothing was stored or sent."
            )

    def check_decider(self, user: str | None, requester: str) -> None:
        self.check_approver(user)
        if user == requester and not self.allow_self_approval:
            raise NotAnApprover(
                "You asked for this change, so another approver must decide it (two people "
                "see every change; ALLOW_SELF_APPROVAL is off). Nothing was changed.",
                audit="own request (ALLOW_SELF_APPROVAL is off)",
            )

    def check_approver(self, user: str | None) -> None:
        if not self.approvers:
            raise NotAnApprover(
                "Nobody can decide room updates now: APPROVERS is empty. Ask your RoomOps "
                "admin to set it. Nothing was changed.",
                audit="APPROVERS is empty",
            )
        if user not in self.approvers:
            raise NotAnApprover(
                "Only approvers can decide room updates "
                f"({mentions(self.approvers)} {_are(self.approvers)} listed in APPROVERS). "
                "Nothing was changed.",
                audit="not in APPROVERS",
            )

    def is_approver(self, user: str | None) -> bool:
        return user in self.approvers


def mention(user: str | None) -> str:
    """A user as Slack shows them; anything not shaped like a user id is shown as text."""
    if is_user_id(user):
        return f"<@{user}>"
    return "someone"


def mentions(users: Sequence[str]) -> str:
    shown = [mention(user) for user in users[:MENTIONED]]
    more = len(users) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def _are(users: Sequence[str]) -> str:
    return "is" if len(users) == 1 else "are"
