"""The update form's shell: opened at once with the command's trigger (it expires in 3 s),
filled once the room is read; its submission checked field by field before it closes, then
taken down the same path as typed fields."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from bot.approvals.diff import current_values
from bot.commands.errors import UsageError
from bot.commands.fields import parse_form
from bot.ids import is_channel_id
from bot.providers.catalogue import Catalogue
from bot.providers.errors import ProviderError
from bot.providers.ids import is_uuid
from bot.render.kit import Reply
from bot.services.approvals import ApprovalService
from bot.slack.blocks.update_form import (
    FORM_PURPOSE,
    Submitted,
    form_view,
    loading_view,
    problem_view,
)
from bot.slack.buttons import ButtonRefused, ButtonSigner
from bot.slack.errors import describe_failure
from bot.slack.services import Services

NOTHING_CHANGED = "Change at least one field, or press Cancel."


@dataclass(frozen=True)
class FormTarget:
    """What the form's signed metadata carries: the room, and where the command was typed."""

    room_id: str
    channel: str | None


async def open_update_modal(
    service: ApprovalService, services: Services, ref: str, body: dict[str, Any]
) -> None:
    trigger = body.get("trigger_id")
    if not isinstance(trigger, str) or not trigger:
        raise UsageError(
            "Slack sent no way to open the form here; type the fields instead, e.g. "
            f"`/rooms update standup {services.catalogue.example}`."
        )
    opened = await services.client.views_open(trigger_id=trigger, view=loading_view(ref))
    view = opened["view"]
    try:
        room = await service.current_room(ref)
    except ProviderError as exc:
        message = describe_failure(exc).reply.text
        await services.client.views_update(
            view_id=view["id"], hash=view.get("hash"), view=problem_view(message)
        )
        return
    channel = body.get("channel_id")
    metadata = services.buttons.sign(
        FORM_PURPOSE, {"room": room.id, "channel": channel if isinstance(channel, str) else None}
    )
    await services.client.views_update(
        view_id=view["id"],
        hash=view.get("hash"),
        view=form_view(
            room.name or str(room.id),
            current_values(room, services.catalogue),
            metadata,
            services.catalogue,
        ),
    )


def read_target(signer: ButtonSigner, metadata: object) -> FormTarget:
    """The form's metadata, signed by this app and re-checked; ButtonRefused otherwise."""
    data = signer.unsign(FORM_PURPOSE, metadata)
    if not isinstance(data, dict) or set(data) != {"room", "channel"}:
        raise ButtonRefused()
    room, channel = data["room"], data["channel"]
    if not isinstance(room, str) or not is_uuid(room):
        raise ButtonRefused()
    if channel is not None and not is_channel_id(channel):
        raise ButtonRefused()
    return FormTarget(room_id=room, channel=channel)


def form_errors(
    submitted: Submitted, catalogue: Catalogue
) -> tuple[dict[str, Any], dict[str, str]]:
    """The values asked for, and what to show under each refused field (plain text)."""
    if not submitted.changed:
        return {}, {first_field(catalogue): NOTHING_CHANGED}
    values, refusals = parse_form(submitted.changed, catalogue=catalogue)
    return values, {field: _plain_text(reason) for field, reason in refusals.items()}


def first_field(catalogue: Catalogue) -> str:
    """The form's first input: where a problem with the whole form is shown."""
    return next(iter(catalogue.fields))


async def tell(services: Services, user: str, channel: str | None, reply: Reply) -> None:
    """The form has closed: answer in the channel it came from, only to this person, or in a
    direct message when that is not possible."""
    if channel is not None:
        try:
            await services.client.chat_postEphemeral(channel=channel, user=user, **reply.payload())
            return
        except Exception:  # not in that channel any more, say: fall back to a DM
            pass
    await services.client.chat_postMessage(channel=user, **reply.payload())


def _plain_text(reason: str) -> str:
    # Modal errors are plain text: no code spans, no entities.
    return html.unescape(reason.replace("`", ""))
