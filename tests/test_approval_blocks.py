"""How approval requests read in Slack, in each state (pure renderers, no server)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.approvals.model import ApprovalRequest, ApprovalStatus, FieldChange
from bot.slack.blocks.approvals import (
    APPROVE_BUTTON,
    REJECT_BUTTON,
    RETRY_BUTTON,
    render_approvals,
    render_audit,
    render_request,
    render_requested,
)
from bot.slack.blocks.context import RenderContext
from bot.slack.buttons import ButtonSigner
from bot.store.audit import AuditEvent
from tests.test_pure_core import SHELL_MODULES, _loaded_after_importing

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
SIGNER = ButtonSigner("secret-for-block-tests")
CTX = RenderContext(now=NOW, buttons=SIGNER)
PING = "<!channel>"
REQUEST = ApprovalRequest(
    id="6f1c5b8e-1d7e-4f55-9a55-0c7b1e4f7a10",
    provider="signalwire",
    room_id="3f1c2b7e-8d4a-4c1e-9b7a-2f5e6d7c8b9a",
    room_name=f"ops {PING}",
    requester="U0ALICE001",
    changes=(
        FieldChange("display_name", "Ops", f"Ops {PING} <@U0BOB00002>"),
        FieldChange("max_members", 10, 25),
        FieldChange("join_from", None, "2026-12-01T00:00:00Z"),
        FieldChange("meta", {}, {"a": "`x`"}),
    ),
    status=ApprovalStatus.PENDING,
    created_at=NOW,
    expires_at=NOW + timedelta(hours=24),
    decided_at=None,
    decider=None,
    apply_started_at=None,
    attempts=0,
    finished_at=None,
    message_channel="C0APPROVAL",
    message_ts="1.000001",
    failure_reason=None,
)


def everything(reply_text: str, blocks: list[dict[str, object]]) -> str:
    """The fallback and every mrkdwn text (plain_text, as in headers, never pings)."""
    found: list[str] = [reply_text]

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn":
                found.append(str(node.get("text")))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(blocks)
    return "\n".join(found)


def action_ids(blocks: list[dict[str, object]]) -> list[str]:
    return [
        str(element["action_id"])
        for block in blocks
        if block.get("type") == "actions"
        for element in block["elements"]  # type: ignore[attr-defined]
    ]


def test_renderers_load_no_shell_library() -> None:
    pure = ("bot.slack.blocks.approvals", "bot.slack.blocks.update_form", "bot.approvals.diff")
    loaded = _loaded_after_importing(pure)
    assert set(pure) <= loaded
    assert sorted(name for name in SHELL_MODULES if name in loaded) == []


@pytest.mark.parametrize("status", list(ApprovalStatus))
def test_no_state_pings_anyone(status: ApprovalStatus) -> None:
    request = replace(
        REQUEST, status=status, decider="U0BOB00002", decided_at=NOW, failure_reason=PING
    )
    reply = render_request(request, CTX, approvers=("U0BOB00002",))
    shown = everything(reply.text, reply.blocks)
    assert PING not in shown and "<@U0BOB00002>`" not in shown
    assert "&lt;!channel&gt;" in shown


def test_a_pending_request_has_approve_and_reject_carrying_only_its_id() -> None:
    reply = render_request(REQUEST, CTX, approvers=("U0BOB00002",))
    assert action_ids(reply.blocks) == [APPROVE_BUTTON, REJECT_BUTTON]
    (actions,) = [b for b in reply.blocks if b["type"] == "actions"]
    for element, purpose in zip(actions["elements"], (APPROVE_BUTTON, REJECT_BUTTON), strict=True):
        assert SIGNER.unsign(purpose, element["value"]) == REQUEST.id
        assert element["confirm"]["title"]["text"].endswith("?")
    assert "max_members 10 → 25" in reply.text
    assert "join_from not set → `2026-12-01T00:00:00Z`" in reply.text
    assert "Approvers: <@U0BOB00002>" in json.dumps(reply.blocks)


@pytest.mark.parametrize(
    ("status", "buttons"),
    [
        (ApprovalStatus.APPROVED, []),
        (ApprovalStatus.APPLYING, []),
        (ApprovalStatus.APPLIED, []),
        (ApprovalStatus.REJECTED, []),
        (ApprovalStatus.EXPIRED, []),
        (ApprovalStatus.STALE, []),
        (ApprovalStatus.FAILED, [RETRY_BUTTON]),
    ],
)
def test_a_decided_request_keeps_no_decision_buttons(
    status: ApprovalStatus, buttons: list[str]
) -> None:
    request = replace(REQUEST, status=status, decider="U0BOB00002", decided_at=NOW)
    reply = render_request(request, CTX)
    assert action_ids(reply.blocks) == buttons
    assert f"Status: {status.value}" in reply.text


def test_outcomes_name_who_decided_and_why() -> None:
    decided = replace(REQUEST, decider="U0BOB00002", decided_at=NOW, finished_at=NOW)
    stale = replace(
        decided,
        status=ApprovalStatus.STALE,
        failure_reason="the room changed since the request: max_members was 10 when asked "
        "and is now 12.",
    )
    assert "max_members was 10 when asked and is now 12" in render_request(stale, CTX).text
    failed = replace(decided, status=ApprovalStatus.FAILED, failure_reason="HTTP 503")
    assert "HTTP 503" in render_request(failed, CTX).text
    rejected = render_request(replace(decided, status=ApprovalStatus.REJECTED), CTX)
    assert "Rejected by <@U0BOB00002>" in rejected.text


@pytest.mark.parametrize(
    "reason",
    ["SignalWire has no such resource.", "HTTP 503", "Telnyx refused it!", "cut short…", "x. "],
)
def test_a_failure_reason_ends_one_sentence_whatever_its_last_character(reason: str) -> None:
    failed = replace(
        REQUEST,
        decider="U0BOB00002",
        decided_at=NOW,
        finished_at=NOW,
        status=ApprovalStatus.FAILED,
        failure_reason=reason,
    )
    reply = render_request(failed, CTX)
    shown = everything(reply.text, reply.blocks)
    assert reason.strip() in shown
    assert ".." not in shown.replace("…", "") and "!." not in shown and "….\n" not in shown
    assert f"{reason.strip().rstrip('.')}. An approver can" in shown or (
        f"{reason.strip()} An approver can" in shown
    )


def test_the_confirmation_links_the_message_and_names_the_id() -> None:
    link = "https://example.slack.com/archives/C0APPROVAL/p1000001"
    reply = render_requested(REQUEST, channel="C0APPROVAL", link=link)
    assert REQUEST.id in reply.text and link in reply.text
    assert f"<{link}|the request> in <#C0APPROVAL>" in json.dumps(reply.blocks)
    unlinked = render_requested(REQUEST, channel="not a channel <!here>", link=None)
    assert "<!here>" not in everything(unlinked.text, unlinked.blocks)


def test_the_approvals_list_shows_buttons_to_approvers_only() -> None:
    assert action_ids(render_approvals([REQUEST], CTX, can_decide=False).blocks) == []
    with_buttons = render_approvals([REQUEST, REQUEST], CTX, can_decide=True)
    assert action_ids(with_buttons.blocks) == [APPROVE_BUTTON, REJECT_BUTTON] * 2
    assert "No room update requests" in render_approvals([], CTX, can_decide=True).text
    many = render_approvals([REQUEST] * 40, CTX, can_decide=True)
    assert len(many.blocks) <= 50 and "40 requests, oldest first. Showing the oldest 15." in (
        json.dumps(many.blocks)
    )


def test_audit_lines_escape_what_people_typed() -> None:
    event = AuditEvent(
        id=1,
        at=NOW,
        actor="roomops",
        action="apply",
        outcome="failed",
        request_id=REQUEST.id,
        room_id=REQUEST.room_id,
        room_name=PING,
        detail=f"SignalWire said {PING}",
    )
    reply = render_audit([event], CTX, room=None)
    shown = everything(reply.text, reply.blocks)
    assert PING not in shown and "RoomOps apply → failed" in reply.text
