"""The `text` fallback derived from blocks (pure): each block type in reading order, mrkdwn
made readable, mentions kept as Slack writes them, nothing escaped let loose, and clipped to
what Slack takes."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from bot.demo.render_text import render_message
from bot.providers.models import Room
from bot.render.fallback import FALLBACK_LIMIT, fallback_text, mrkdwn_to_fallback
from bot.render.kit import (
    Block,
    Reply,
    actions,
    button,
    context,
    divider,
    fields,
    header,
    plain,
    section,
)
from bot.render.timefmt import slack_time
from bot.slack.blocks.context import UTC_ZONE, RenderContext
from bot.slack.blocks.rooms import render_room, render_room_list

CTX = RenderContext(now=datetime(2026, 11, 20, 12, tzinfo=UTC))
PINGS = ("<!channel>", "<!here>", "<!everyone>", "<@U0BOSS0001>")


def test_each_block_type_in_reading_order_without_buttons() -> None:
    blocks: list[Block] = [
        header("Room standup"),
        section("*Daily* standup", button("Details", "a", "v")),
        *fields([("Members", "cap 20"), ("Started", "09:00\n+1 vs Monday")]),
        divider(),
        context("one", "two"),
        actions(button("More", "more", "v"), button("Approve", "ok", "v")),
        {"type": "image", "image_url": "https://x.example/c.png", "alt_text": "Bar chart"},
    ]
    assert fallback_text(blocks) == (
        "Room standup\nDaily standup\nMembers: cap 20\nStarted: 09:00, +1 vs Monday\n"
        "one · two\nBar chart"
    )
    # The demo console walks the same blocks and, unlike the fallback, numbers the buttons.
    shown = render_message(Reply.of(blocks).payload())
    assert [b.label for b in shown.buttons] == ["Details", "More", "Approve"]
    assert not any(label in fallback_text(blocks) for label in ("Details", "More", "Approve"))


def test_a_section_keeps_its_lines_and_a_bold_first_line_reads_as_a_label() -> None:
    assert fallback_text([section("a\nb")]) == "a\nb"
    assert fallback_text([section("*Participants*\nNobody joined.")]) == (
        "Participants: Nobody joined."
    )
    assert fallback_text([section("*Theme*\nDark: a\nLight: b")]) == "Theme:\nDark: a\nLight: b"
    # Bold that is not the whole first line is only emphasis.
    assert fallback_text([section("*Active session* · live\nx")]) == "Active session · live\nx"


def test_emphasis_goes_where_slack_would_draw_it_and_code_spans_stay_whole() -> None:
    text = "*Bold* _it_ ~gone~ `a*b*c_d_` max_members 2*3*4 a * b snake_case_name"
    assert mrkdwn_to_fallback(text) == (
        "Bold it gone `a*b*c_d_` max_members 2*3*4 a * b snake_case_name"
    )
    # A value that could close a span is written with a look-alike in blocks; it stays so.
    assert mrkdwn_to_fallback("*&lt;!channel&gt; ∗bold∗* (`all-hands`)") == (
        "&lt;!channel&gt; ∗bold∗ (`all-hands`)"
    )
    # Emoji shortcodes are kept: Slack draws them in the fallback too.
    assert mrkdwn_to_fallback(":white_check_mark: Done at 12:30:45") == (
        ":white_check_mark: Done at 12:30:45"
    )


def test_mentions_stay_as_slack_writes_them_links_and_dates_become_words() -> None:
    moment = datetime(2026, 11, 20, 9, tzinfo=UTC)
    text = (
        f"<@U0ALICE001> in <#C0APPROVAL> for <!subteam^S0OPS00001> at "
        f"{slack_time(moment, UTC_ZONE)}: see <https://x.example/p1|the request> or "
        "<https://x.example/p2>"
    )
    assert mrkdwn_to_fallback(text) == (
        "<@U0ALICE001> in <#C0APPROVAL> for <!subteam^S0OPS00001> at 2026-11-20 09:00 UTC: "
        "see the request (https://x.example/p1) or https://x.example/p2"
    )


def test_a_broadcast_in_blocks_is_written_out_not_repeated_as_a_ping() -> None:
    assert mrkdwn_to_fallback("<!here> and <!channel|channel>") == "@here and @channel"


def test_escaped_text_stays_escaped_and_plain_text_is_escaped() -> None:
    assert fallback_text([section(plain("<!channel> & <@U0BOSS0001>"))]) == (
        "&lt;!channel&gt; &amp; &lt;@U0BOSS0001&gt;"
    )
    # Headers are plain_text: Slack shows them as typed, but the fallback is mrkdwn.
    assert fallback_text([header("Room <!channel> & co")]) == "Room &lt;!channel&gt; &amp; co"


@given(st.text(max_size=200))
def test_nothing_typed_pings_anyone_from_the_fallback(typed: str) -> None:
    text = fallback_text([header(typed), section(plain(typed)), *fields([("Name", plain(typed))])])
    assert "<" not in text and ">" not in text


def test_a_room_named_and_described_as_a_ping_pings_nobody() -> None:
    room = Room.model_validate(
        {
            "id": "3f1c2b7e-8d4a-4c1e-9b7a-2f5e6d7c8b9a",
            "name": "<!channel>",
            "display_name": "<!here> <@U0BOSS0001>",
            "description": "<!channel> all of you, <!everyone>",
        }
    )
    for reply in (
        render_room(room, CTX),
        render_room_list([room], CTX, filters="match=<!channel>", first_number=1, more_value=None),
    ):
        text = reply.payload()["text"]
        assert not [ping for ping in PINGS if ping in text], text
        assert "&lt;!channel&gt;" in text and "&lt;!here&gt; &lt;@U0BOSS0001&gt;" in text
    detail = render_room(room, CTX).text
    assert detail.startswith("Room &lt;!here&gt; &lt;@U0BOSS0001&gt;\n")
    assert "\n&lt;!channel&gt; all of you, &lt;!everyone&gt;\n" in detail


def test_rich_text_reads_as_its_words_with_its_mentions() -> None:
    block: Block = {
        "type": "rich_text",
        "elements": [
            {
                "type": "rich_text_section",
                "elements": [
                    {"type": "text", "text": "Hi <!channel> "},
                    {"type": "user", "user_id": "U0ALICE001"},
                    {"type": "text", "text": ", see "},
                    {"type": "link", "url": "https://x.example", "text": "this"},
                    {"type": "broadcast", "range": "here"},
                ],
            },
            {
                "type": "rich_text_list",
                "elements": [
                    {"type": "rich_text_section", "elements": [{"type": "text", "text": "one"}]},
                    {"type": "rich_text_section", "elements": [{"type": "emoji", "name": "x"}]},
                ],
            },
        ],
    }
    assert fallback_text([block]) == (
        "Hi &lt;!channel&gt; <@U0ALICE001>, see this@here\n• one\n• :x:"
    )


def test_clipped_to_the_limit_keeping_the_start_and_the_closing_line() -> None:
    rows = [section(f"row {i} `{i:04d}` &amp; <@U0ALICE001>") for i in range(400)]
    blocks = [header("Room sessions"), *rows, context("Showing 400 rooms. More are available.")]
    text = fallback_text(blocks)
    assert len(text) <= FALLBACK_LIMIT
    assert text.startswith("Room sessions\nrow 0 `0000` &amp; <@U0ALICE001>\n")
    assert text.endswith("…\nShowing 400 rooms. More are available.")
    cut = text.rsplit("\n", 2)[-2]
    # The cut splits no entity, code span or mention.
    assert cut.count("`") % 2 == 0 and cut.count("<") == cut.count(">")
    assert not cut.rstrip("…").endswith(("&", "&am", "&amp"))
    assert Reply.of(blocks).payload()["text"] == text


def test_a_cut_never_leaves_half_a_mention() -> None:
    for width in range(1, 40):
        text = fallback_text([section("x" * (100 - width) + " <@U0ALICE001> tail")], limit=100)
        assert len(text) <= 100
        assert text.count("<") == text.count(">"), text


def test_reply_of_fills_the_text_from_the_blocks() -> None:
    blocks = [section(":white_check_mark: *Done*: request `r1` for <@U0ALICE001>")]
    reply = Reply.of(blocks)
    assert reply.blocks is blocks
    assert reply.text == ":white_check_mark: Done: request `r1` for <@U0ALICE001>"
    assert Reply.of([]).text == ""
