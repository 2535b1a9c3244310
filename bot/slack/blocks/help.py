"""Usage for every subcommand, and the usage shown with a refused command."""

from __future__ import annotations

from bot.render.kit import Block, Reply, context, header, section
from bot.slack.blocks.provider_view import SIGNALWIRE_VIEW, ProviderView
from bot.slack.subcommands.base import HELP_USAGE, Registry


def render_help(
    registry: Registry, topic: str | None = None, view: ProviderView = SIGNALWIRE_VIEW
) -> Reply:
    """The registry's subcommands, worded for the configured provider (its update fields,
    conferences); `topic`: one subcommand only."""
    units = [registry[topic]] if topic else list(registry)
    blocks: list[Block] = [header("RoomOps: /rooms")]
    lines = ["RoomOps /rooms commands:"]
    for unit in units:
        summary = unit.summary(view.name)
        blocks.append(section(f"`{unit.usage}`\n{summary}"))
        lines.append(f"{unit.usage}: {summary}")
    if topic is None:
        examples = [example for unit in registry for example in unit.examples(view.name)]
        blocks.append(context("Examples: " + " · ".join(f"`{e}`" for e in examples)))
        lines.append("Examples: " + "; ".join(examples))
    return Reply("\n".join(lines), blocks)


def render_problem(
    message: str, usage: str | None = None, *, reference: str | None = None
) -> Reply:
    """A refusal or failure: what went wrong, and what to type instead."""
    blocks: list[Block] = [section(f":warning: {message}")]
    lines = [message]
    if usage == HELP_USAGE:
        blocks.append(context("`/rooms help` lists every command"))
        lines.append("/rooms help lists every command")
    elif usage:
        blocks.append(context(f"Usage: `{usage}` · `/rooms help` lists every command"))
        lines.append(f"Usage: {usage}")
    if reference:
        blocks.append(context(f"Reference: `{reference}`"))
        lines.append(f"Reference: {reference}")
    return Reply("\n".join(lines), blocks)
