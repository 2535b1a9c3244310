"""The App Home tab, published when a user opens it."""

from __future__ import annotations

from typing import Any

from bot.providers.base import SessionQuery
from bot.providers.errors import ProviderError
from bot.slack.answers import render_context
from bot.slack.blocks.home import render_home
from bot.slack.errors import describe_failure
from bot.slack.services import Services
from bot.slack.subcommands.registry import REGISTRY

LIVE_SHOWN = 10


async def app_home_opened(event: dict[str, Any], roomops: Services) -> None:
    """Bolt passes `roomops` from the context key the services middleware sets."""
    if event.get("tab", "home") != "home":
        return
    user_id = event.get("user")
    if not isinstance(user_id, str):
        return
    ctx = await render_context(roomops, user_id)
    live, problem = None, None
    try:
        page = await roomops.reads.sessions(SessionQuery(status="in-progress"), limit=LIVE_SHOWN)
        live = page.items
    except ProviderError as exc:
        problem = describe_failure(exc).reply.text
    await roomops.client.views_publish(
        user_id=user_id, view=render_home(live, ctx, REGISTRY, problem=problem)
    )
