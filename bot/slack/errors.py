"""One place that turns any exception into what the user reads (after Netflix Dispatch's
Slack plugin): typed failures become specific, friendly replies; anything else becomes a
short reference that is also in the log, never a traceback."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.approvals.errors import ApprovalOutcomeUnknown, ApprovalRefused
from bot.commands.errors import UsageError
from bot.digest.errors import DigestIncomplete
from bot.providers.errors import (
    Invalid,
    NotFound,
    NotSupported,
    ProviderError,
    ProviderUnavailable,
    RateLimited,
    Unauthorized,
)
from bot.providers.walks import WalkCutShort
from bot.references import new_reference
from bot.render.kit import Reply
from bot.render.text import escape
from bot.slack.blocks.help import render_problem
from bot.slack.buttons import ButtonRefused
from bot.slack.subcommands.base import HELP_USAGE
from bot.store.errors import DatabaseUnavailable
from bot.store.outage import is_unavailable

log = logging.getLogger("bot.slack.errors")

CREDENTIAL_SETTINGS = {
    "SignalWire": "SIGNALWIRE_SPACE, SIGNALWIRE_PROJECT_ID and SIGNALWIRE_API_TOKEN",
    "Telnyx": "TELNYX_API_KEY",
}


DATABASE_NOT_ANSWERING = (
    "RoomOps' database is not answering, so this could not be done, and nothing was stored "
    "or changed. Try again in a minute; reads such as `/rooms list` still work meanwhile."
)


class AccessDenied(Exception):
    """The user or channel is not allowed to use RoomOps; the message says why."""


@dataclass(frozen=True)
class Failure:
    reply: Reply
    reference: str | None = None


def describe_failure(error: BaseException) -> Failure:
    """Pure: the reply for an error, plus a reference when the error was unexpected."""
    if isinstance(error, UsageError):
        # One line and the usage that fits, never the whole help.
        return Failure(render_problem(error.message, error.usage or HELP_USAGE))
    if isinstance(error, ButtonRefused):
        return Failure(render_problem(error.message))
    if isinstance(error, AccessDenied):
        return Failure(render_problem(str(error)))
    if isinstance(error, ApprovalRefused):
        # Who may ask or decide, settings that turn updates off, no change, expired: each
        # message names the rule and what to do instead.
        return Failure(render_problem(error.message))
    if isinstance(error, ProviderError):
        return Failure(render_problem(_provider_message(error)))
    if isinstance(error, WalkCutShort):
        return Failure(
            render_problem(
                f"{escape(error.cut.sentence())}, so RoomOps cannot answer that in full. "
                "Try again later; if it keeps happening, the provider's listing is broken."
            )
        )
    if isinstance(error, DigestIncomplete):
        return Failure(render_problem(error.message))
    if isinstance(error, ApprovalOutcomeUnknown):
        return Failure(render_problem(error.message))
    if isinstance(error, DatabaseUnavailable) or is_unavailable(error):
        return Failure(render_problem(DATABASE_NOT_ANSWERING))
    reference = new_reference()
    return Failure(
        render_problem(
            "Something went wrong on our side and nothing was changed. "
            "If it keeps happening, give this reference to your RoomOps admin.",
            reference=reference,
        ),
        reference,
    )


def _provider_message(error: ProviderError) -> str:
    name = error.provider
    if isinstance(error, NotFound):
        return str(error)
    if isinstance(error, Unauthorized):
        settings = CREDENTIAL_SETTINGS.get(name, "the provider credentials")
        return (
            f"{name} refused RoomOps' credentials. An admin should check {settings} "
            "(`python -m bot check-config` tests them)."
        )
    if isinstance(error, RateLimited):
        if error.retry_after is not None:
            wait = max(1, round(error.retry_after))
            return f"{name} is rate limiting RoomOps; try again in {wait} s."
        return f"{name} is rate limiting RoomOps; try again in a minute."
    if isinstance(error, ProviderUnavailable):
        return f"{name} is not answering right now ({escape(str(error))}). Try again in a minute."
    if isinstance(error, Invalid):
        return f"{name} refused the request: {escape(str(error))}"
    if isinstance(error, NotSupported):
        return str(error)
    return f"{name} failed: {escape(str(error))}"


def log_failure(failure: Failure, error: BaseException, where: str) -> None:
    if failure.reference:
        log.error("unexpected error in %s [ref %s]", where, failure.reference, exc_info=error)
    else:
        log.info("refused in %s: %s", where, type(error).__name__)
