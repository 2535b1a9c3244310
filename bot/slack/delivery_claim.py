"""Duplicate deliveries across replicas: after the ack, the store has the last word.

Each process drops the duplicates it has seen itself before acknowledging (the middleware,
from memory: cheap). A replay that reaches another replica is caught here instead, once
the acknowledgement has gone, so no database round trip ever delays an ack.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.slack.services import CONTEXT_KEY, Services

log = logging.getLogger("bot.slack.deliveries")
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
    if not await services.store.deliveries.first_time(key):
        log.info("duplicate delivery ignored after the ack (%s)", key.split(":", 1)[0])
        raise DuplicateDelivery()
