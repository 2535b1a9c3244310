"""The digest as a Slack message and as plain text for a terminal (pure).

Room names come from the provider: in blocks and in the `text` fallback they pass through
`bot.render.text` (escaped, clipped), so a room called `<!channel>` pings nobody; in the terminal
text they lose their control characters instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from zoneinfo import ZoneInfo

from bot.digest.summary import DaySummary, DigestReport, LongestSession, RoomTotal
from bot.digest.wording import (
    change,
    clock,
    day_title,
    dollars,
    hour_name,
    number,
    printable,
    sparkline,
    weekday,
)
from bot.render.kit import (
    Block,
    Reply,
    bold,
    code,
    context,
    fields,
    header,
    plain,
    plural,
    section,
)
from bot.render.timefmt import format_duration

NAME_LIMIT = 80


@dataclass(frozen=True)
class Figure:
    label: str
    value: str
    change: str | None  # against the day before, where that means something


@dataclass(frozen=True)
class _Style:
    """How a room's display name and its name are written in one kind of output."""

    title: Callable[[str], str]
    ident: Callable[[str], str]


BLOCKS = _Style(partial(bold, limit=NAME_LIMIT), partial(code, limit=NAME_LIMIT))
FALLBACK = _Style(partial(plain, limit=NAME_LIMIT), partial(plain, limit=NAME_LIMIT))
TERMINAL = _Style(partial(printable, limit=NAME_LIMIT), partial(printable, limit=NAME_LIMIT))


def render_digest(report: DigestReport, *, note: str | None = None) -> Reply:
    """The digest for a channel. `note` (safe mrkdwn from the caller) closes it."""
    summary = report.summary
    notes = [context(note)] if note else []
    if summary.empty:
        line = empty_line(summary, plain)
        return Reply("\n".join([line, *([note] if note else [])]), [section(line), *notes])
    zone = ZoneInfo(summary.zone)
    blocks: list[Block] = [
        header(f"Rooms digest · {day_title(summary.day)}"),
        context(
            f"{plain(summary.zone)} · {plain(report.provider)} · "
            f"compared with {day_title(report.previous.day)}"
        ),
    ]
    blocks += fields(
        [(f.label, f"{f.value}\n{f.change}" if f.change else f.value) for f in figures(report)]
    )
    if summary.busiest:
        rows = [
            f"{i}. {busiest_row(room, BLOCKS, ' · ')}" for i, room in enumerate(summary.busiest, 1)
        ]
        blocks.append(section("*Busiest rooms*\n" + "\n".join(rows)))
    if summary.longest is not None:
        blocks.append(section(f"*Longest session*\n{longest_row(summary.longest, zone, BLOCKS)}"))
    blocks.append(section(f"*Sessions by hour*\n{hours_line(summary, code)}"))
    blocks.append(context(rule_line(summary, zone)))
    blocks += notes
    lines = text_lines(report, FALLBACK, plain)
    return Reply("\n".join([*lines, *([note] if note else [])]), blocks)


def render_digest_text(report: DigestReport) -> str:
    """The digest for `python -m bot digest --dry-run`: plain lines, no mrkdwn."""
    if report.summary.empty:
        return empty_line(report.summary, printable)
    return "\n".join(text_lines(report, TERMINAL, printable))


def empty_line(summary: DaySummary, safe: Callable[[str], str]) -> str:
    return f"No room sessions on {day_title(summary.day)} ({safe(summary.zone)})."


def figures(report: DigestReport) -> list[Figure]:
    """The day's key numbers with their change; the cost only when the provider gave one."""
    now, before = report.summary, report.previous
    day = weekday(before.day)
    zone = ZoneInfo(now.zone)
    peak = number(now.peak_concurrent)
    if now.peak_at is not None:
        peak += f" at {clock(now.peak_at, zone)}"
    result = [
        Figure("Sessions", number(now.sessions), change(now.sessions, before.sessions, before=day)),
        Figure(
            "Total minutes", number(now.minutes), change(now.minutes, before.minutes, before=day)
        ),
        Figure(
            "Distinct rooms",
            number(now.distinct_rooms),
            change(now.distinct_rooms, before.distinct_rooms, before=day),
        ),
        Figure(
            "Peak concurrent",
            peak,
            change(now.peak_concurrent, before.peak_concurrent, before=day),
        ),
        # Yesterday's leftovers say nothing about today's: no change shown.
        Figure("Still in progress", number(now.in_progress), None),
    ]
    if now.cost is not None:
        against = (
            None if before.cost is None else change(now.cost, before.cost, before=day, money=True)
        )
        result.append(Figure("Total cost", dollars(now.cost), against))
    return result


def room_label(name: str | None, display_name: str | None, key: str | None, style: _Style) -> str:
    if display_name and name and display_name != name:
        return f"{style.title(display_name)} ({style.ident(name)})"
    shown = display_name or name
    if shown:
        return style.title(shown)
    return style.ident(key) if key else "(unnamed room)"


def busiest_row(room: RoomTotal, style: _Style, separator: str) -> str:
    minutes = round(room.seconds / 60)
    return separator.join(
        [
            room_label(room.name, room.display_name, room.key, style),
            f"{number(minutes)} min",
            plural(room.sessions, "session"),
        ]
    )


def longest_row(longest: LongestSession, zone: ZoneInfo, style: _Style) -> str:
    room = room_label(longest.room_name, longest.display_name, None, style)
    row = f"{room} · {format_duration(longest.seconds)} · started {clock(longest.start, zone)}"
    return row + (" · still in progress" if longest.in_progress else "")


def hours_line(summary: DaySummary, spark: Callable[[str], str]) -> str:
    """The shape of the day for readers without the chart, and its busiest hour."""
    counts = [count for _, count in summary.hours]
    labels = [label for label, _ in summary.hours]
    busiest = max(range(len(counts)), key=lambda i: (counts[i], -i))
    return (
        f"{spark(sparkline(counts))} {labels[0]}–{labels[-1]} · busiest hour "
        f"{hour_name(labels[busiest])} ({plural(counts[busiest], 'session')})"
    )


def rule_line(summary: DaySummary, zone: ZoneInfo) -> str:
    until = clock(summary.counted_until, zone)
    local = summary.counted_until.astimezone(zone).date()
    if local != summary.day + timedelta(days=1):
        until += f" on {day_title(local)}"
    return (
        f"A session counts on the day it started; sessions still in progress count up to {until}."
    )


def text_lines(report: DigestReport, style: _Style, safe: Callable[[str], str]) -> list[str]:
    """The key numbers and names as lines: the `text` fallback and the terminal alike."""
    summary = report.summary
    zone = ZoneInfo(summary.zone)
    lines = [
        f"Rooms digest for {day_title(summary.day)} ({safe(summary.zone)}, {safe(report.provider)})"
    ]
    for figure in figures(report):
        lines.append(
            f"{figure.label}: {figure.value}" + (f", {figure.change}" if figure.change else "")
        )
    if summary.busiest:
        lines.append("Busiest rooms:")
        lines += [
            f"{i}. {busiest_row(room, style, ', ')}" for i, room in enumerate(summary.busiest, 1)
        ]
    if summary.longest is not None:
        lines.append(f"Longest session: {longest_row(summary.longest, zone, style)}")
    lines.append(f"Sessions by hour: {hours_line(summary, str)}")
    lines.append(rule_line(summary, zone))
    return lines
