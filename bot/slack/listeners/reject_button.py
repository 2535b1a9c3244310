"""Reject: one compare-and-set decides; nothing is sent to the provider."""

from __future__ import annotations

from bot.approvals.model import ApprovalRequest
from bot.services.approvals import ApprovalService
from bot.slack.blocks.approvals import REJECT_BUTTON
from bot.slack.listeners.approval_button import approval_button


async def _reject(service: ApprovalService, request_id: str, user: str | None) -> ApprovalRequest:
    return (await service.decide(request_id, user, approve=False)).request


reject_button = approval_button(REJECT_BUTTON, _reject)
