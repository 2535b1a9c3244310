"""`make demo` walks the whole approval flow on either provider: alice asks, bob approves,
the room changes and the request's message updates in the console. In this process: the
console as a process is covered by tests/test_demo_console.py."""

from __future__ import annotations

import pytest

from bot.demo import EXAMPLE_CHANGES, DemoProvider, demo_world

ROOM_LINES = {"signalwire": "Layout", "telnyx": "Webhook URL: "}
LABELS = {"signalwire": "SignalWire", "telnyx": "Telnyx"}


@pytest.mark.parametrize("provider", ["signalwire", "telnyx"])
async def test_ask_switch_to_the_approver_and_approve(provider: DemoProvider) -> None:
    change = EXAMPLE_CHANGES[provider]
    lines = [
        f"/rooms update standup {change}",
        "press 1",
        "as bob",
        "press 1",
        "/rooms room standup",
        "as carol",
        "/rooms conferences",
    ]
    replies: list[list[str]] = []
    async with demo_world(300, lambda text: replies[-1].append(text), provider) as (
        console,
        banner,
    ):
        assert f"a {LABELS[provider]} simulator (300 sessions" in banner
        assert f"/rooms update standup {change}" in banner
        for line in lines:
            replies.append([])
            assert await console.handle(line)
    asked, refused, switched, approved, room, carol, conferences = (
        "\n".join(reply) for reply in replies
    )
    assert "(message posted to #roomops-approvals)" in asked
    assert "@alice asks to change *standup*" in asked and "[1] Approve   [2] Reject" in asked
    assert "Asked for approval: request" in asked
    assert f"` · {LABELS[provider]}" in asked  # the request's provider, as people write it
    assert "Only approvers can decide room updates (@bob" in refused
    assert switched.startswith("(you are bob now)")
    assert "(message updated in #roomops-approvals)" in approved
    assert "Approved by @bob" in approved and "and applied" in approved
    assert "(direct message to alice)" in approved
    assert "Members: cap 25" in room and ROOM_LINES[provider] in room
    assert "Traceback" not in "\n".join([asked, refused, approved, room, carol, conferences])
    assert "There is no carol here; try one of: alice, bob." in carol
    if provider == "telnyx":
        assert "Quality" not in room
        assert conferences.rstrip().endswith("Telnyx has no conferences.")
    else:
        assert "== Conferences ==" in conferences
