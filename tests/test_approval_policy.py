"""Who may ask and who may decide (pure)."""

from __future__ import annotations

import pytest

from bot.approvals.errors import NotAnApprover, NotARequester, UpdatesDisabled
from bot.approvals.policy import ApprovalPolicy, mention, mentions

POLICY = ApprovalPolicy(channel="C0APPROVAL", approvers=("U0BOB00002", "U0CAROL003"))


def test_approvers_decide_but_not_their_own_request() -> None:
    POLICY.check_decider("U0BOB00002", "U0ALICE001")
    with pytest.raises(NotAnApprover, match="another approver must decide it"):
        POLICY.check_decider("U0BOB00002", "U0BOB00002")
    with pytest.raises(NotAnApprover, match=r"<@U0BOB00002>, <@U0CAROL003> are listed"):
        POLICY.check_decider("U0ALICE001", "U0BOB00002")
    allowed = ApprovalPolicy("C0APPROVAL", ("U0BOB00002",), allow_self_approval=True)
    allowed.check_decider("U0BOB00002", "U0BOB00002")


def test_an_empty_approver_list_says_so() -> None:
    with pytest.raises(NotAnApprover, match="APPROVERS is empty") as refused:
        ApprovalPolicy("C0APPROVAL", ()).check_approver("U0BOB00002")
    assert refused.value.audit == "APPROVERS is empty"


def test_requesters_empty_means_everyone() -> None:
    POLICY.check_requester("U0ANYONE01")
    limited = ApprovalPolicy("C0APPROVAL", ("U0BOB00002",), requesters=("U0ALICE001",))
    limited.check_requester("U0ALICE001")
    with pytest.raises(NotARequester):
        limited.check_requester("U0BOB00002")


def test_updates_are_off_naming_each_missing_setting() -> None:
    with pytest.raises(UpdatesDisabled, match="APPROVAL_CHANNEL is not set"):
        ApprovalPolicy(None, ("U0BOB00002",)).check_enabled()
    POLICY.check_enabled()


def test_only_user_ids_become_mentions() -> None:
    assert mention("U0BOB00002") == "<@U0BOB00002>"
    assert mention("<!channel>") == "someone" and mention(None) == "someone"
    six = tuple(f"U0USER000{n}" for n in range(7))
    assert mentions(six).endswith("and 2 more")
