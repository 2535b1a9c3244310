"""Who was (or is) in a room session: one row per member, with a summary line (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.providers.models import Member
from bot.providers.walks import WalkCut
from bot.render.kit import Block, Reply, bold, code, plain, plural, section
from bot.render.timefmt import elapsed_seconds, format_duration, plain_time, slack_time
from bot.slack.blocks.context import RenderContext
from bot.slack.blocks.details import dollars
from bot.slack.blocks.listing import Row, render_listing


def render_member_list(
    members: Sequence[Member],
    ctx: RenderContext,
    *,
    session_id: str,
    first_number: int,
    more_value: str | None,
    cut: WalkCut | None = None,
) -> Reply:
    rows = [Row(_member_row(member, ctx), _member_line(member, ctx)) for member in members]
    whole = first_number <= 1 and more_value is None and cut is None
    return render_listing(
        f"Members of session {session_id}",
        "members",
        rows,
        filters="",
        first_number=first_number,
        more_value=more_value,
        cut=cut,
        order="in the order they joined",
        summary=member_summary(members, whole=whole) if members else None,
    )


def member_summary(members: Sequence[Member], *, whole: bool) -> str:
    """How many, how many are still in, and (for the whole list) the most at once."""
    still = sum(1 for member in members if member.still_in)
    counted = (
        plural(len(members), "member")
        if whole
        else f"{plural(len(members), 'member')} on this page"
    )
    line = f"{counted}, {still} still in"
    most = peak(members) if whole else None
    if most is not None:
        line += f", at most {most} at once"
    return line + "."


def peak(members: Sequence[Member]) -> int | None:
    """The most members in the session at one moment; None when a join time is unknown."""
    moments: list[tuple[datetime, int]] = []
    for member in members:
        if member.joined_at is None:
            return None
        moments.append((member.joined_at, 1))
        if member.left_at is not None:
            moments.append((member.left_at, -1))
        elif not member.still_in:
            return None  # left at a time nobody knows
    # At one instant, leaves count before joins: a hand-over is not two at once.
    moments.sort(key=lambda moment: (moment[0], moment[1]))
    now = most = 0
    for _, change in moments:
        now += change
        most = max(most, now)
    return most


def _member_row(member: Member, ctx: RenderContext) -> Block:
    cost = f" · {dollars(member.cost_in_dollars)}" if member.cost_in_dollars is not None else ""
    text = (
        f"{bold(member.name or '(no name)')} · {_presence(member, ctx, slack=True)}\n"
        f"Joined {slack_time(member.joined_at, ctx.tz)} · in the session "
        f"{_time_in(member, ctx)}{cost}\n"
        f"{code(member.id or '—')}"
    )
    return section(text)


def _member_line(member: Member, ctx: RenderContext) -> str:
    cost = dollars(member.cost_in_dollars)
    return (
        f"• {plain(member.name or '(no name)')} | {_presence(member, ctx, slack=False)} | "
        f"joined {plain_time(member.joined_at, ctx.tz)} | {_time_in(member, ctx)}"
        f"{f' | {cost}' if cost else ''} | id {plain(member.id or '—')}"
    )


def _presence(member: Member, ctx: RenderContext, *, slack: bool) -> str:
    if member.still_in:
        return "🟢 still in" if slack else "still in"
    if member.left_at is None:
        return "left (time unknown)"
    shown = slack_time if slack else plain_time
    return f"left {shown(member.left_at, ctx.tz)}"


def _time_in(member: Member, ctx: RenderContext) -> str:
    if member.duration is not None:
        return format_duration(member.duration)
    if member.still_in:
        return f"{format_duration(elapsed_seconds(member.joined_at, ctx.now))} so far"
    return "unknown"
