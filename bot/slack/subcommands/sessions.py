"""`/rooms sessions [room=NAME] [room_id=UUID] [status=…] [match=TEXT] [since=DATE]
[until=DATE] [limit=N]`: the newest sessions, paged on with the provider's cursor."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC

from bot.commands.errors import Usage
from bot.commands.moments import Moment, is_aware, moment_text, session_window
from bot.commands.options import (
    DEFAULT_LIMIT,
    limit,
    limit_words,
    moment_option,
    options,
    require_match,
    require_name,
)
from bot.providers.base import SessionQuery, SessionStatus
from bot.providers.ids import is_uuid
from bot.render.kit import Reply
from bot.render.text import echo
from bot.slack.answers import local_filters, quote, render_context, reply_deadline
from bot.slack.blocks.context import RenderContext
from bot.slack.blocks.sessions import render_session_list
from bot.slack.services import Services
from bot.slack.subcommands.base import Caller, Grammar, MoreState, Paging, Subcommand, by_provider

USAGE = Usage(
    "sessions",
    "/rooms sessions [room=NAME] [room_id=UUID] [status=in-progress|completed] "
    "[match=TEXT] [since=DATE] [until=DATE] [limit=N]",
)
STATUSES: tuple[SessionStatus, ...] = ("in-progress", "completed")


@dataclass(frozen=True)
class SessionsCommand:
    query: SessionQuery
    limit: int = DEFAULT_LIMIT
    # Sessions that started from `since` (a date: its first moment) up to `until` (a date:
    # through its end); `query` gets them as UTC instants once the caller's zone is known.
    since: Moment | None = None
    until: Moment | None = None


def parse(args: list[str], _grammar: Grammar) -> SessionsCommand:
    given = options(
        USAGE, args, allowed=("room", "room_id", "status", "match", "since", "until", "limit")
    )
    room_id = given.get("room_id")
    if room_id is not None and not is_uuid(room_id):
        raise USAGE.refuse(f"room_id must be a room UUID, not `{echo(room_id)}`.")
    room = given.get("room")
    if room is not None:
        require_name(USAGE, "room", room)
    status = given.get("status")
    if status is not None:
        status = status.lower()
        if status not in STATUSES:
            raise USAGE.refuse(
                f"status must be `in-progress` or `completed`, not `{echo(given['status'])}`."
            )
    match = given.get("match")
    if match is not None:
        require_match(USAGE, match)
    since = moment_option(USAGE, "since", given.get("since"))
    until = moment_option(USAGE, "until", given.get("until"))
    if since is not None and until is not None and is_aware(since) == is_aware(until):
        # Checked again in the caller's zone; here, what every zone would refuse.
        session_window(since, until, UTC, USAGE)
    query = SessionQuery(
        room_id=room_id.lower() if room_id else None,
        room_name=room,
        matches=match,
        status=status,
    )
    return SessionsCommand(
        query=query, limit=limit(USAGE, given.get("limit")), since=since, until=until
    )


def unparse(command: SessionsCommand) -> list[str]:
    query = command.query
    pairs: list[tuple[str, str | None]] = [
        ("room", query.room_name),
        ("room_id", query.room_id),
        ("status", query.status),
        ("match", query.matches),
        ("since", moment_text(command.since)),
        ("until", moment_text(command.until)),
    ]
    return [f"{key}={value}" for key, value in pairs if value] + limit_words(command.limit)


async def answer(command: SessionsCommand, services: Services, caller: Caller) -> Reply:
    async with reply_deadline(services):
        ctx = await render_context(services, caller.user_id)
        return await sessions_reply(services, command, ctx)


async def next_page(state: MoreState, services: Services, user_id: str | None) -> Reply:
    async with reply_deadline(services):
        ctx = await render_context(services, user_id)
        return await sessions_reply(
            services, state.command, ctx, cursor=state.cursor, shown=state.shown
        )


async def sessions_reply(
    services: Services,
    command: SessionsCommand,
    ctx: RenderContext,
    *,
    cursor: str | None = None,
    shown: int = 0,
) -> Reply:
    # since=/until= are in the caller's zone, known only now.
    after, before = session_window(command.since, command.until, ctx.tz, USAGE)
    query = replace(command.query, started_after=after, started_before=before)
    page = await services.reads.sessions(query, limit=command.limit, cursor=cursor)
    more = None
    if page.next_cursor:
        state = MoreState(command, shown + len(page.items), page.next_cursor)
        more = services.more.encode(state)
    return render_session_list(
        page.items,
        ctx,
        filters=session_filters(command),
        first_number=shown + 1,
        more_value=more,
        local=local_filters(services, query),
        cut=page.cut,
    )


def session_filters(command: SessionsCommand) -> str:
    """The filters as the user typed them (the words a More button carries)."""
    return " ".join(quote(word) for word in unparse(command) if not word.startswith("limit="))


UNIT = Subcommand(
    name=USAGE.name,
    usage=USAGE.line,
    summary=by_provider(
        "newest room sessions, with a More button to page on; match= searches names and "
        "display names, since=/until= take dates or times in your time zone",
        telnyx="newest room sessions, with a More button to page on; match= searches room "
        "names, since=/until= take dates or times in your time zone",
    ),
    examples=by_provider(
        (
            "/rooms sessions status=in-progress",
            "/rooms sessions room=standup limit=5",
            "/rooms sessions match=daily since=2026-11-01",
        )
    ),
    parse=parse,
    answer=answer,
    forms=(SessionsCommand,),
    paging=Paging(takes="cursor", unparse=unparse, next_page=next_page),
)
