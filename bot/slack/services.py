"""What listeners need, handed to them through Bolt's context by one middleware."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from slack_sdk.web.async_client import AsyncWebClient

from bot.commands.fields import catalogue_for
from bot.providers.catalogue import Catalogue
from bot.services.approvals import ApprovalService
from bot.services.delivery import Deliverer
from bot.services.digests import DigestService
from bot.services.reads import ReadService
from bot.settings import Settings
from bot.slack.buttons import ButtonSigner
from bot.slack.more import MoreStates
from bot.slack.pacing import AckFirst
from bot.slack.responder import Responder
from bot.slack.users import UserZones
from bot.store.store import Store

# Where the middleware puts the Services in Bolt's context: Bolt hands every context key
# to a listener with a parameter of that name, so listeners take `roomops: Services`.
CONTEXT_KEY = "roomops"
# Set by the HTTP edge on requests whose Slack signature it verified (Socket Mode payloads
# come over Slack's own authenticated WebSocket instead).
VERIFIED_KEY = "roomops_verified"
# The delivery's signature, which a replay repeats: what duplicate detection keys on.
DELIVERY_KEY = "roomops_delivery"
REPLY_SECONDS = 25.0


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    settings: Settings
    reads: ReadService
    client: AsyncWebClient
    responder: Responder
    zones: UserZones
    buttons: ButtonSigner
    more: MoreStates
    clock: Callable[[], datetime] = field(default=utc_now)
    pacing: AckFirst = field(default_factory=AckFirst)
    # Approvals, audit and digest claims; None only where a test builds the app without one.
    store: Store | None = None
    # Builds, previews and posts digests; there whenever the store is.
    digest: DigestService | None = None
    # How long a read's reply is worth waiting for: then its work and provider calls stop.
    # Longer than a reply's walk may take (bot/providers/walks.py: REPLY_WALK), so a walk
    # that runs out of time still answers with what it found.
    reply_seconds: float = REPLY_SECONDS
    # Delivers what the outbox says RoomOps owes Slack (poke it after writing a row);
    # there whenever the store is.
    deliverer: Deliverer | None = None
    # The approval workflow, built once with the store (read it as `approvals`).
    approval_workflow: ApprovalService | None = None

    @property
    def approvals(self) -> ApprovalService:
        if self.approval_workflow is None:
            raise RuntimeError("the store is not open, so approvals cannot run")
        return self.approval_workflow

    @property
    def catalogue(self) -> Catalogue:
        """The room fields `/rooms update` takes on the configured provider."""
        return catalogue_for(self.reads.provider.name)
