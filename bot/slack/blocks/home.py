"""The App Home tab: what RoomOps does, and the sessions live right now."""

from __future__ import annotations

from bot.providers.models import RoomSession
from bot.render.kit import Block, bold, code, context, divider, header, section
from bot.render.timefmt import slack_time
from bot.slack.blocks.context import RenderContext
from bot.slack.blocks.help import render_help
from bot.slack.blocks.sessions import session_duration, session_title
from bot.slack.subcommands.base import Registry


def render_home(
    live: list[RoomSession] | None,
    ctx: RenderContext,
    registry: Registry,
    *,
    problem: str | None,
) -> dict[str, object]:
    """`registry`: the subcommands the tab lists, as `/rooms help` does."""
    blocks: list[Block] = [header("Live now")]
    if problem:
        blocks.append(section(f":warning: {problem}"))  # composed mrkdwn, echoes escaped
    elif not live:
        blocks.append(section("No room session is in progress."))
    else:
        for session in live:
            blocks.append(
                section(
                    f"{bold(session_title(session))} ({code(session.name or '—')}) · "
                    f"started {slack_time(session.start_time, ctx.tz)} · "
                    f"{session_duration(session, ctx)}\n{code(session.id)}"
                )
            )
        blocks.append(context("Newest first. `/rooms sessions status=in-progress` lists them all."))
    blocks.append(divider())
    blocks += render_help(registry, view=ctx.view).blocks
    return {"type": "home", "blocks": blocks}
