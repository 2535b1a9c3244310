"""Usage for every subcommand, and the usage shown with a refused command."""

from __future__ import annotations

from bot.commands.usage import EXAMPLES_BY_PROVIDER, SUMMARIES, USAGE
from bot.render.kit import Block, Reply, context, header, section
from bot.slack.blocks.provider_view import SIGNALWIRE_VIEW, ProviderView


def render_help(topic: str | None = None, view: ProviderView = SIGNALWIRE_VIEW) -> Reply:
    """The commands, worded for the configured provider (its update fields, conferences)."""
    summary = SUMMARIES[view.name]
    examples = EXAMPLES_BY_PROVIDER[view.name]
    names = [topic] if topic else list(USAGE)
    blocks: list[Block] = [header("RoomOps: /rooms")]
    lines = ["RoomOps /rooms commands:"]
    for name in names:
        blocks.append(section(f"`{USAGE[name]}`\n{summary[name]}"))
        lines.append(f"{USAGE[name]}: {summary[name]}")
    if topic is None:
        blocks.append(context("Examples: " + " · ".join(f"`{e}`" for e in examples)))
        lines.append("Examples: " + "; ".join(examples))
    return Reply("\n".join(lines), blocks)


def render_problem(
    message: str, usage: str | None = None, *, reference: str | None = None
) -> Reply:
    """A refusal or failure: what went wrong, and what to type instead."""
    blocks: list[Block] = [section(f":warning: {message}")]
    lines = [message]
    if usage == USAGE["help"]:
        blocks.append(context("`/rooms help` lists every command"))
        lines.append("/rooms help lists every command")
    elif usage:
        blocks.append(context(f"Usage: `{usage}` · `/rooms help` lists every command"))
        lines.append(f"Usage: {usage}")
    if reference:
        blocks.append(context(f"Reference: `{reference}`"))
        lines.append(f"Reference: {reference}")
    return Reply("\n".join(lines), blocks)
