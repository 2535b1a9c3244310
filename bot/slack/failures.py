"""Where failures are reported to the user: the one path for every listener."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from bot.slack.delivery_claim import DuplicateDelivery
from bot.slack.errors import describe_failure, log_failure
from bot.slack.services import CONTEXT_KEY, Services


async def report_failure(error: BaseException, body: dict[str, Any], services: Services) -> None:
    failure = describe_failure(error)
    where = body.get("command") or body.get("type") or "request"
    log_failure(failure, error, str(where))
    url = body.get("response_url")
    if isinstance(url, str):
        await services.responder.send(url, failure.reply)


@asynccontextmanager
async def replying_errors(body: dict[str, Any], context: Any) -> AsyncIterator[None]:
    """The work after ack(): it waits its turn behind other requests' acknowledgements
    (bot/slack/pacing.py), and any failure of it is reported to the user. A body that
    starts with `await claim_delivery(context)` does nothing for a duplicate delivery.

    Bolt's own error path cannot be used there: when a listener raises within ~10 ms of
    ack(), Bolt's runner resets the acknowledgement and Slack gets a 404 after 3 s.
    """
    services = context.get(CONTEXT_KEY)
    if isinstance(services, Services):
        await services.pacing.turn()
    try:
        yield
    except DuplicateDelivery:
        return
    except Exception as error:
        services = context.get(CONTEXT_KEY)
        if not isinstance(services, Services):
            raise
        await report_failure(error, body, services)
