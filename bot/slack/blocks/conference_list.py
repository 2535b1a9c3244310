"""`/rooms conferences`: the list, so that conference names can be found (pure)."""

from __future__ import annotations

from bot.providers.models import Conference
from bot.providers.walks import WalkCut
from bot.render.kit import Reply, bold, code, plain, section
from bot.render.timefmt import plain_time, slack_time
from bot.slack.blocks.context import RenderContext
from bot.slack.blocks.listing import Row, render_listing


def render_conference_list(
    conferences: list[Conference],
    ctx: RenderContext,
    *,
    filters: str,
    first_number: int,
    more_value: str | None,
    cut: WalkCut | None = None,
) -> Reply:
    rows = []
    for conference in conferences:
        name = conference.name or "—"
        title = conference.display_name or conference.name or "(unnamed)"
        active = conference.active_session is not None
        block = section(
            f"{bold(title)} ({code(name)})"
            + (" · :large_green_circle: in session" if active else "")
            + f"\ncreated {slack_time(conference.created_at, ctx.tz)}"
            + (f" · {code('/rooms conference ' + conference.name)}" if conference.name else "")
            + f"\n{code(conference.id or '—')}"
        )
        created = plain_time(conference.created_at, ctx.tz)
        line = f"• {plain(name)} | {plain(title)} | created {created} | id {plain(conference.id)}"
        rows.append(Row(block, line))
    return render_listing(
        "Conferences",
        "conferences",
        rows,
        filters=filters,
        first_number=first_number,
        more_value=more_value,
        cut=cut,
    )
