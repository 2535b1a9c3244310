"""Room sessions: the list with its More button, and one session with every field."""

from __future__ import annotations

from bot.providers.ids import is_uuid
from bot.providers.models import Participant, RoomSession
from bot.providers.walks import WalkCut
from bot.render.kit import (
    Block,
    Reply,
    actions,
    bold,
    button,
    code,
    context,
    header,
    plain,
    plural,
    section,
)
from bot.render.timefmt import elapsed_seconds, format_duration, plain_time, slack_time
from bot.slack.blocks.context import RenderContext
from bot.slack.blocks.details import (
    Detail,
    detail_blocks,
    detail_lines,
    dollars,
    label,
    member_cap,
    model_detail,
    same,
)
from bot.slack.blocks.listing import LocalFilters, Row, render_listing

SESSION_BUTTON = "rooms_session_details"
# Drill-down from one session: who was in it.
SESSION_MEMBERS_BUTTON = "rooms_session_members"
SESSION_EVENTS_BUTTON = "rooms_session_events"
SESSION_RECORDINGS_BUTTON = "rooms_session_recordings"
DRILL_DOWN = "rooms_session_drill_down"
# A Details view lists this many participants, then says how many more there were: ten
# lines with two date tokens each stay within one section's 3,000 characters.
PARTICIPANTS_SHOWN = 10


def status_label(status: str | None) -> str:
    return {"in-progress": "🟢 in progress", "completed": "✅ completed"}.get(
        status or "", plain(status or "unknown", 40)
    )


def session_duration(session: RoomSession, ctx: RenderContext) -> str:
    if session.duration is not None:
        return format_duration(session.duration)
    if session.status == "in-progress":
        return f"running {format_duration(elapsed_seconds(session.start_time, ctx.now))}"
    return "—"


def session_title(session: RoomSession) -> str:
    return session.display_name or session.name or "(unnamed room)"


def render_session_list(
    sessions: list[RoomSession],
    ctx: RenderContext,
    *,
    filters: str,
    first_number: int,
    more_value: str | None,
    local: LocalFilters | None = None,
    cut: WalkCut | None = None,
) -> Reply:
    rows = [
        Row(
            _session_row(session, ctx),
            f"• {plain(session.name or '(no room)')} | {plain(session.status or 'unknown')} | "
            f"started {plain_time(session.start_time, ctx.tz)} | "
            f"{session_duration(session, ctx)}{_plain_cost(session)} | id {plain(session.id)}",
        )
        for session in sessions
    ]
    return render_listing(
        "Room sessions",
        "room sessions",
        rows,
        filters=filters,
        first_number=first_number,
        more_value=more_value,
        local=local,
        cut=cut,
    )


def _plain_cost(session: RoomSession) -> str:
    cost = dollars(session.cost_in_dollars)
    return f" | {cost}" if cost else ""


def _session_row(session: RoomSession, ctx: RenderContext) -> Block:
    cost = f" · {dollars(session.cost_in_dollars)}" if session.cost_in_dollars is not None else ""
    members = f" · {member_cap(session.max_members)}" if session.max_members else ""
    text = (
        f"{bold(session_title(session))} ({code(session.name or '—')}) · "
        f"{status_label(session.status)}\n"
        f"Started {slack_time(session.start_time, ctx.tz)} · "
        f"{session_duration(session, ctx)}{members}{cost}\n"
        f"{code(session.id)}"
    )
    return section(text, details_button(session, ctx))


def details_button(session: RoomSession, ctx: RenderContext) -> Block | None:
    """A signed Details button, for sessions whose id the grammar would accept."""
    if not session.id or not is_uuid(session.id):
        return None
    return button("Details", SESSION_BUTTON, ctx.buttons.sign(SESSION_BUTTON, session.id))


def session_detail(session: RoomSession, name: str, ctx: RenderContext) -> Detail:
    if name == "duration":
        duration = session_duration(session, ctx)
        return same(name, None if duration == "—" else duration)
    if name == "status" and session.status:
        return Detail(label(name), status_label(session.status), plain(session.status))
    return model_detail(session, name, ctx)


def session_details(session: RoomSession, ctx: RenderContext) -> list[Detail]:
    """The seed's fields, with the cost after the duration when the provider gives it
    (SignalWire puts it on list items only)."""
    names = ctx.view.session_fields
    details = [session_detail(session, name, ctx) for name in names]
    if session.cost_in_dollars is not None and "duration" in names:
        at = names.index("duration") + 1
        details.insert(at, model_detail(session, "cost_in_dollars", ctx))
    return details


def render_session(session: RoomSession, ctx: RenderContext) -> Reply:
    title = session_title(session)
    summary = [status_label(session.status), session_duration(session, ctx)]
    cost = dollars(session.cost_in_dollars)
    if cost:
        summary.append(cost)
    details = session_details(session, ctx)
    extra = {k: v for k, v in session.extra_fields().items() if k not in ctx.view.mapped}
    notes = []
    if extra:
        also = ", ".join(f"{plain(k, 60)}={plain(v)}" for k, v in sorted(extra.items()))
        notes.append(context(f"Also: {also}"))
    blocks: list[Block] = [
        header(f"Session of {title}"),
        context(" · ".join(summary)),
        *detail_blocks(details, notes=notes),
    ]
    lines = [f"Session {plain(session.id)} of {plain(session.name or '(no room)')}:"]
    lines += detail_lines(details)
    if session.participants is not None:
        people = participant_lines(session.participants, ctx)
        blocks.append(section("*Participants*\n" + "\n".join(b for b, _ in people)))
        lines += ["Participants:", *(t for _, t in people)]
    drill = drill_down_buttons(session, ctx)
    if drill is not None:
        blocks.append(drill)
    return Reply("\n".join(lines), blocks)


def drill_down_buttons(session: RoomSession, ctx: RenderContext) -> Block | None:
    """Members, (where the provider keeps one) Events, and Recordings: the same replies as
    `/rooms members ID`, `/rooms events ID` and `/rooms recordings ID`, for a session id the
    grammar takes."""
    if not session.id or not is_uuid(session.id):
        return None
    drills = [("Members", SESSION_MEMBERS_BUTTON)]
    if ctx.view.session_events:
        drills.append(("Events", SESSION_EVENTS_BUTTON))
    drills.append(("Recordings", SESSION_RECORDINGS_BUTTON))
    buttons = [
        button(label, action, ctx.buttons.sign(action, session.id)) for label, action in drills
    ]
    return actions(*buttons, block_id=DRILL_DOWN)


def participant_lines(people: list[Participant], ctx: RenderContext) -> list[tuple[str, str]]:
    """One line per participant, for blocks and for the fallback: who (the name their
    client gave, else the id), when they joined and left, and for how long."""
    if not people:
        return [("Nobody joined.", "Nobody joined.")]
    lines = [_participant_line(person, ctx) for person in people[:PARTICIPANTS_SHOWN]]
    hidden = len(people) - PARTICIPANTS_SHOWN
    if hidden > 0:
        more = f"…and {plural(hidden, 'more participant')}."
        lines.append((more, more))
    return lines


def _participant_line(person: Participant, ctx: RenderContext) -> tuple[str, str]:
    def stay(left: str) -> str:
        if person.left_at is None:
            return "still in the session"
        return f"left {left} after {format_duration(person.duration)}"

    who = bold(person.name, 80) or code(person.id or "(no id)", 60)
    block = (
        f"• {who} · joined {slack_time(person.joined_at, ctx.tz)} · "
        f"{stay(slack_time(person.left_at, ctx.tz))}"
    )
    text = (
        f"• {plain(' '.join((person.name or person.id or '(no id)').split()), 80)} · joined "
        f"{plain_time(person.joined_at, ctx.tz)} · {stay(plain_time(person.left_at, ctx.tz))}"
    )
    return block, text
