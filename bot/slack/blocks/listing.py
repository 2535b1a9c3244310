"""The frame every list reply shares: title, filters, rows, count line and More button."""

from __future__ import annotations

from dataclasses import dataclass

from bot.slack.blocks.kit import Block, Reply, actions, button, context, escape, header, section

MORE_BUTTON = "rooms_more"


@dataclass(frozen=True)
class Row:
    block: Block
    line: str  # the row in the plain-text fallback


def render_listing(
    title: str,
    noun: str,
    rows: list[Row],
    *,
    filters: str,
    first_number: int,
    more_value: str | None,
) -> Reply:
    where = f" matching {escape(filters)}" if filters else ""
    if not rows:
        return Reply(f"No {noun}{where}.", [section(f"No {noun}{where}.")])
    last_number = first_number + len(rows) - 1
    span = f"{first_number}–{last_number}" if first_number > 1 else str(len(rows))
    count_line = f"Showing {span} {noun}{where}, newest first." + (
        " More are available." if more_value else " That is all of them."
    )
    blocks: list[Block] = [header(title)]
    if filters:
        blocks.append(context(f"Filters: {escape(filters)}"))
    blocks += [row.block for row in rows]
    blocks.append(context(count_line))
    if more_value:
        blocks.append(actions(button("More", MORE_BUTTON, more_value), block_id=MORE_BUTTON))
    return Reply("\n".join([f"{title} ({count_line})"] + [row.line for row in rows]), blocks)
