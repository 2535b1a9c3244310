"""`make demo` walks the whole approval flow: alice asks, bob approves, the room changes and
the request's message updates in the console (piped input, as a newcomer might script it)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from bot.demo import demo_world
from tests.test_demo_console import demo_argv, demo_env, replies_by_line


def test_ask_switch_to_the_approver_and_approve(tmp_path: Path) -> None:
    lines = [
        "/rooms update standup max_members=25",
        "press 1",
        "as bob",
        "press 1",
        "/rooms room standup",
        "as carol",
    ]
    result = subprocess.run(
        demo_argv(),
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        env=demo_env(tmp_path),
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    pairs = replies_by_line(result.stdout)
    assert [line for line, _ in pairs] == lines
    replies = [reply for _, reply in pairs]
    asked = replies[0]
    assert "(message posted to #roomops-approvals)" in asked
    assert "@alice asks to change *standup*" in asked and "[1] Approve   [2] Reject" in asked
    assert "Asked for approval: request" in asked
    assert "Only approvers can decide room updates (@bob" in replies[1]
    assert replies[2].startswith("(you are bob now)")
    approved = replies[3]
    assert "(message updated in #roomops-approvals)" in approved
    assert "Approved by @bob" in approved and "and applied" in approved
    assert "(direct message to alice)" in approved
    assert "Members: cap 25" in replies[4]
    assert "There is no carol here; try one of: alice, bob." in replies[5]


async def test_the_telnyx_demo_walks_the_same_flow_in_telnyxs_words() -> None:
    # In this process (the flow above already covers the piped console as a process).
    shown: list[str] = []
    async with demo_world(300, shown.append, "telnyx") as (console, banner):
        assert "a Telnyx simulator (300 sessions" in banner
        assert "/rooms update standup max_participants=25" in banner
        for line in (
            "/rooms update standup max_participants=25",
            "as bob",
            "press 1",
            "/rooms room standup",
            "/rooms conferences",
        ):
            shown.append(f"> {line}")
            assert await console.handle(line)
    text = "\n".join(shown)
    assert "Traceback" not in text
    assert "@alice asks to change *standup*" in text and "Approved by @bob" in text
    assert "` · Telnyx" in text  # the request's provider, as people write it
    room = text.split("> /rooms room standup", 1)[1].split("> /rooms conferences", 1)[0]
    assert "Members: cap 25" in room and "Webhook URL: " in room and "Quality" not in room
    assert text.rstrip().endswith("Telnyx has no conferences.")
