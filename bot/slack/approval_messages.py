"""The approval workflow's Slack side: the request message in APPROVAL_CHANNEL, updated in
place, and the requester's direct message; and the workflow built from the app's services.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.approvals.model import ApprovalRequest
from bot.approvals.policy import ApprovalPolicy
from bot.approvals.service import ApprovalService
from bot.settings import Settings
from bot.slack.blocks.approvals import render_outcome_notice, render_request
from bot.slack.blocks.context import RenderContext
from bot.slack.blocks.kit import Reply
from bot.slack.buttons import ButtonSigner
from bot.slack.services import Services


class MessageFailed(Exception):
    """Slack refused or could not take a message; the text is Slack's error code only."""


class SlackApprovalMessages:
    def __init__(
        self,
        client: AsyncWebClient,
        signer: ButtonSigner,
        policy: ApprovalPolicy,
        clock: Callable[[], datetime],
    ) -> None:
        self._client = client
        self._signer = signer
        self._policy = policy
        self._clock = clock

    def render(self, request: ApprovalRequest) -> Reply:
        ctx = RenderContext(now=self._clock(), buttons=self._signer)
        return render_request(request, ctx, approvers=self._policy.approvers)

    async def post_request(self, request: ApprovalRequest) -> tuple[str, str]:
        if not self._policy.channel:
            raise MessageFailed("APPROVAL_CHANNEL is not set")
        response = await self._call(
            self._client.chat_postMessage,
            channel=self._policy.channel,
            unfurl_links=False,
            unfurl_media=False,
            **self.render(request).payload(),
        )
        return str(response["channel"]), str(response["ts"])

    async def update_request(self, request: ApprovalRequest) -> None:
        if not request.message_channel or not request.message_ts:
            return  # never posted: the approvals list shows it as it is
        await self._call(
            self._client.chat_update,
            channel=request.message_channel,
            ts=request.message_ts,
            **self.render(request).payload(),
        )

    async def tell_requester(self, request: ApprovalRequest) -> None:
        # A user id as the channel posts to the app's direct messages with that person.
        ctx = RenderContext(now=self._clock(), buttons=self._signer)
        await self._call(
            self._client.chat_postMessage,
            channel=request.requester,
            unfurl_links=False,
            **render_outcome_notice(request, ctx).payload(),
        )

    async def permalink(self, channel: str, ts: str) -> str | None:
        try:
            response = await self._client.chat_getPermalink(channel=channel, message_ts=ts)
        except SlackApiError:
            return None  # the confirmation names the channel instead
        link = response.get("permalink")
        return link if isinstance(link, str) and link.startswith("https://") else None

    async def _call(self, method: Callable[..., Any], **kwargs: Any) -> Any:
        try:
            return await method(**kwargs)
        except SlackApiError as exc:
            error = exc.response.get("error") if exc.response is not None else None
            raise MessageFailed(f"Slack answered {error or 'an error'}") from None


def approval_policy(settings: Settings) -> ApprovalPolicy:
    return ApprovalPolicy(
        channel=settings.approval_channel,
        approvers=settings.approvers,
        requesters=settings.requesters,
        allow_self_approval=settings.allow_self_approval,
        ttl=timedelta(hours=settings.approval_ttl_hours),
    )


def approval_service(services: Services) -> ApprovalService:
    """The workflow over this app's store, provider and Slack client."""
    if services.store is None:
        raise RuntimeError("the store is not open, so approvals cannot run")
    policy = approval_policy(services.settings)
    messages = SlackApprovalMessages(services.client, services.buttons, policy, services.clock)
    return ApprovalService(
        store=services.store,
        reads=services.reads,
        messages=messages,
        policy=policy,
        clock=services.clock,
        unsettled=services.unsettled,
    )


async def approvals_round(services: Services) -> None:
    """One round of the approvals job: expire what ran out, resume what was cut off."""
    service = approval_service(services)
    await service.settle_unrecorded()
    await service.expire_due()
    await service.resume_unfinished()


async def settle_round(services: Services) -> None:
    """Frequent and cheap: nothing to do (and no database call) unless this process holds
    approvals it could not record; those are settled as soon as the database answers."""
    if len(services.unsettled):
        await approval_service(services).settle_unrecorded()
