"""What an approver reads before approving cannot lie: whatever a requester types into the
values (and whatever the room is called), the Approve dialog names every requested field
within Slack's 300 characters, and no character that could disguise a value (a line
break, a bidi override, a zero-width space) reaches the dialog, the message or its
`text` fallback. Hypothesis properties, as in tests/test_properties.py."""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

from bot.approvals.model import ApprovalRequest, FieldChange
from bot.providers.catalogue import CATALOGUES, JsonValue
from bot.render.text import visible
from bot.slack.blocks.approvals import CONFIRM_TEXT_LIMIT, approve_confirmation, render_request
from tests.test_approval_blocks import CTX, REQUEST

# Categories that must not survive: controls, format characters (bidi, zero-width),
# line and paragraph separators, lone surrogates.
DISGUISING = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
TRICKS = st.sampled_from(
    [
        *("\n", "\r\n", "\t", "\x00", "\x85", "\u2028"),  # breaks and controls
        *("\u202e", "\u2066", "\u200b", "\u200d", "\ufeff", "\u3164"),  # bidi, invisible
        *("`", "*", "&", "<!channel>", "…", "; max_members 20 → 25"),  # mrkdwn, forgery
    ]
)
# Any unicode (surrogates too), the tricks above woven in, and long runs.
TEXT = st.lists(st.one_of(st.text(st.characters(), max_size=20), TRICKS), max_size=6).map("".join)
LONG = st.builds(
    lambda piece, times: piece * times, st.text(min_size=1, max_size=8), st.integers(40, 400)
)
VALUES: st.SearchStrategy[JsonValue] = st.one_of(
    st.none(),
    st.just(""),
    TEXT,
    LONG,
    st.integers(-(10**12), 10**12),
    st.booleans(),
    st.dictionaries(TEXT, TEXT | st.integers(), max_size=4),
)


@st.composite
def requests(draw: st.DrawFn) -> ApprovalRequest:
    catalogue = draw(st.sampled_from(sorted(CATALOGUES.values(), key=lambda c: c.name)))
    editable = sorted(name for name in catalogue.fields if name not in catalogue.read_only)
    names = draw(st.lists(st.sampled_from(editable), min_size=1, unique=True))
    changes = tuple(FieldChange(name, draw(VALUES), draw(VALUES)) for name in names)
    return replace(REQUEST, provider=catalogue.name, room_name=draw(TEXT | LONG), changes=changes)


def disguising(text: str) -> list[str]:
    return [f"U+{ord(c):04X}" for c in text if unicodedata.category(c) in DISGUISING]


def mrkdwn_texts(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["text"]] if isinstance(node.get("text"), str) else []
        return found + [t for value in node.values() for t in mrkdwn_texts(value)]
    if isinstance(node, list):
        return [t for item in node for t in mrkdwn_texts(item)]
    return []


FORGED = replace(
    REQUEST,
    changes=(
        FieldChange("description", "", "x\nmax_members 20 → 25"),
        FieldChange("display_name", "a", "b" * 400),
        FieldChange("meta", {}, {"k": "\u202eevil" + "v" * 300}),
        FieldChange("max_members", 20, 299),
    ),
)


@given(requests())
@example(FORGED)
def test_the_approve_dialog_names_every_field_and_hides_nothing(request: ApprovalRequest) -> None:
    dialog = approve_confirmation(request)
    assert len(dialog) <= CONFIRM_TEXT_LIMIT
    for change in request.changes:
        assert f"`{change.field}`" in dialog, (change.field, dialog)
    assert disguising(dialog) == []
    reply = render_request(request, CTX)
    approve = next(b for b in reply.blocks if b["type"] == "actions")["elements"][0]
    # The dialog Slack is given is that text, whole: Slack's own cut never applies.
    assert approve["confirm"]["text"]["text"] == dialog
    # The fallback's two lines are its own (the request, its status): no value adds one.
    lines = reply.text.split("\n")
    assert len(lines) == 2 and lines[1].startswith("Status: pending.")
    for shown in [*lines, *mrkdwn_texts(reply.blocks)]:
        assert disguising(shown) == [], shown


def test_a_forged_line_and_a_long_value_cannot_hide_a_change() -> None:
    dialog = approve_confirmation(FORGED)
    # The newline is a space inside the value's code span: no line of its own.
    assert "\n" not in dialog and "`x max_members 20 → 25`" in dialog
    # max_members comes last, after two long values, and is shown with its real change.
    assert "`max_members` `20` → `299`" in dialog
    assert "…" in dialog and "\u202e" not in dialog
    fallback = render_request(FORGED, CTX).text
    assert "max_members 20 → 299" in fallback
    # Text values sit in code spans there too: the forged change stays inside the value.
    assert "description empty → `x max_members 20 → 25`;" in fallback


@given(TEXT | LONG)
def test_visible_keeps_everything_else_as_typed(text: str) -> None:
    shown = visible(text)
    assert disguising(shown) == []
    kept = [c for c in text if unicodedata.category(c) not in DISGUISING]
    assert [c for c in shown if c != " "] == [
        c for c in kept if c != " " and c not in "\u115f\u1160\u3164\uffa0\u034f"
    ]
