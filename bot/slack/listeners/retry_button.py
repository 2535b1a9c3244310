"""Retry a failed request (approvers only): re-read the room, re-check, apply once."""

from __future__ import annotations

from bot.approvals.model import ApprovalRequest
from bot.services.approvals import ApprovalService
from bot.slack.blocks.approvals import RETRY_BUTTON
from bot.slack.listeners.approval_button import approval_button


async def _retry(service: ApprovalService, request_id: str, user: str | None) -> ApprovalRequest:
    return await service.retry(request_id, user)


retry_button = approval_button(RETRY_BUTTON, _retry)
