"""`/rooms help [TOPIC]` (also empty text): usage for every subcommand, or for one."""

from __future__ import annotations

from dataclasses import dataclass

from bot.render.kit import Reply
from bot.slack.blocks.help import render_help
from bot.slack.blocks.provider_view import view_for
from bot.slack.services import Services
from bot.slack.subcommands.base import HELP, HELP_USAGE, Caller, Grammar, Subcommand, by_provider


@dataclass(frozen=True)
class HelpCommand:
    topic: str | None = None


def parse(args: list[str], grammar: Grammar) -> HelpCommand:
    topic = args[0].lower() if args else None
    return HelpCommand(topic if topic in grammar.topics else None)


async def answer(command: HelpCommand, services: Services, caller: Caller) -> Reply:
    return render_help(caller.registry, command.topic, view_for(services.reads.provider.name))


UNIT = Subcommand(
    name=HELP,
    usage=HELP_USAGE,
    summary=by_provider("this help"),
    examples=by_provider(()),
    parse=parse,
    answer=answer,
    forms=(HelpCommand,),
)
