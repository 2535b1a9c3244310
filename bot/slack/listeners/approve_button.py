"""Approve: one compare-and-set decides; the winner applies the change with one PUT."""

from __future__ import annotations

from bot.approvals.model import ApprovalRequest
from bot.services.approvals import ApprovalService
from bot.slack.blocks.approvals import APPROVE_BUTTON
from bot.slack.listeners.approval_button import approval_button


async def _approve(service: ApprovalService, request_id: str, user: str | None) -> ApprovalRequest:
    return (await service.decide(request_id, user, approve=True)).request


approve_button = approval_button(APPROVE_BUTTON, _approve)
