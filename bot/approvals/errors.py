"""Why an approval step was refused, in words the person can act on (pure).

Each message names the setting, the rule or the command to try instead; bot/slack/errors.py
shows them as they are. Nothing was stored, posted or sent when one of these is raised,
unless the message says otherwise.
"""

from __future__ import annotations


class ApprovalRefused(Exception):
    """A refused approval step; `message` is what the person reads (mrkdwn, escaped)."""

    def __init__(self, message: str, *, audit: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        # The reason as the audit keeps it: plain words, no markup.
        self.audit = audit or type(self).__name__


class UpdatesDisabled(ApprovalRefused):
    """APPROVERS or APPROVAL_CHANNEL is not set."""


class NotARequester(ApprovalRefused):
    """REQUESTERS is set and does not list this user."""


class NoChange(ApprovalRefused):
    """Every requested field already has the requested value."""


class NotAnApprover(ApprovalRefused):
    """The user is not in APPROVERS, or is the requester without ALLOW_SELF_APPROVAL."""


class RequestExpired(ApprovalRefused):
    """The request's time ran out before anyone decided."""


class AlreadyDecided(ApprovalRefused):
    """Someone else (or an earlier click) decided first."""


class UnknownRequest(ApprovalRefused):
    """A signed request id this store does not hold (another workspace's, or deleted)."""


class ApprovalOutcomeUnknown(Exception):
    """The database stopped answering part-way through an approval: what was done before it
    stopped is known, the rest is settled once it answers again. `message` says exactly
    what happened (was the change sent to the provider?) and never claims more."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
