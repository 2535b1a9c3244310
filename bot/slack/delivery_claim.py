"""Duplicate deliveries across replicas: after the ack, the store has the last word.

Each process drops the duplicates it has seen itself before acknowledging (the middleware,
from memory: cheap). A replay that reaches another replica is caught here instead, once
the acknowledgement has gone, so no database round trip ever delays an ack.

While the database does not answer, the claim falls back to the process's own memory
(already checked by the middleware), so reads keep being served; a command that needs the
database then says so itself. One WARNING line a minute says the check is degraded.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.slack.services import CONTEXT_KEY, Services
from bot.store.errors import DatabaseUnavailable
from bot.store.outage import OutageLog

log = logging.getLogger("bot.slack.deliveries")
_outage = OutageLog(log)
# The delivery's key (bot/slack/deliveries.py delivery_key), set by the middleware.
DELIVERY_ID_KEY = "roomops_delivery_id"


class DuplicateDelivery(Exception):
    """This delivery was already served, by this replica or another: do nothing."""


async def claim_delivery(context: Any) -> None:
    """Raise DuplicateDelivery unless this is the first time any replica serves it."""
    services = context.get(CONTEXT_KEY)
    key = context.get(DELIVERY_ID_KEY)
    if not isinstance(services, Services) or services.store is None or not isinstance(key, str):
        return
    try:
        first = await services.store.deliveries.first_time(key)
    except DatabaseUnavailable as exc:
        _outage.warning("duplicate deliveries are checked in this process only: %s", exc)
        return
    if not first:
        log.info("duplicate delivery ignored after the ack (%s)", key.split(":", 1)[0])
        raise DuplicateDelivery()
