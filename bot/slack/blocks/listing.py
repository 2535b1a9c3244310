"""The frame every list reply shares: title, filters, rows, count line and More button."""

from __future__ import annotations

from dataclasses import dataclass

from bot.providers.walks import WalkCut
from bot.render.kit import (
    Block,
    Reply,
    actions,
    button,
    context,
    escape,
    header,
    plural,
    section,
)

MORE_BUTTON = "rooms_more"


@dataclass(frozen=True)
class LocalFilters:
    """Filters the provider could not apply, so RoomOps applied them to what it returned."""

    names: tuple[str, ...]
    provider: str

    def note(self) -> str:
        if not self.names:
            return ""
        *rest, last = self.names
        named = f"{', '.join(rest)} and {last}" if rest else last
        them = "them" if rest else "it"
        return f" ({named} applied by RoomOps: {self.provider} cannot filter by {them})"


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
    one: str | None = None,
    local: LocalFilters | None = None,
    cut: WalkCut | None = None,
    order: str = "newest first",
    summary: str | None = None,
) -> Reply:
    """`noun` is the plural ("room sessions"); `one` the singular, if not `noun` minus "s".
    `local`: the filters RoomOps applied itself, which the reply names. `cut`: the
    provider's listing was cut short, so the rows are not the whole list, and it says so.
    `order`: how the rows are ordered; `summary`: a line about the whole list, above it."""
    where = f" matching {escape(filters)}" if filters else ""
    note = local.note() if local is not None and filters else ""
    if not rows:
        empty = f"No {noun}{where}."
        if cut is not None:
            empty = f"No {noun}{where} in what it returned. {cut_note(cut)}"
        return Reply(empty, [section(empty)])
    end = (
        cut_note(cut)
        if cut is not None
        else list_end(len(rows), first_number, more=more_value is not None)
    )
    count_line = (
        f"Showing {shown_span(len(rows), first_number, one or noun.removesuffix('s'), noun)}"
        f"{where}{f', {order}' if len(rows) > 1 else ''}. {end}"
    )
    blocks: list[Block] = [header(title)]
    if filters:
        blocks.append(context(f"Filters: {escape(filters)}{note}"))
    if summary:
        blocks.append(context(summary))
    blocks += [row.block for row in rows]
    blocks.append(context(count_line))
    if more_value:
        blocks.append(actions(button("More", MORE_BUTTON, more_value), block_id=MORE_BUTTON))
    first = f"{title} ({count_line}{note})" + (f"\n{summary}" if summary else "")
    return Reply("\n".join([first] + [row.line for row in rows]), blocks)


def cut_note(cut: WalkCut) -> str:
    """E.g. "Telnyx's room listing repeated itself after 3 pages; showing what it returned
    before that." """
    return f"{escape(cut.sentence())}; showing what it returned before that."


def shown_span(count: int, first_number: int, one: str, many: str) -> str:
    """`3 rooms` on the first page; `rooms 11–13` or `room 11` on later ones."""
    if first_number <= 1:
        return plural(count, one, many)
    if count == 1:
        return f"{one} {first_number}"
    return f"{many} {first_number}–{first_number + count - 1}"


def list_end(count: int, first_number: int, *, more: bool) -> str:
    if more:
        return "More are available."
    if first_number > 1:
        return "That is the end of the list."
    return "That is the only one." if count == 1 else "That is all of them."
