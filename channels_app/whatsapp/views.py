"""WhatsApp's webhook: one Meta app may deliver changes for several business numbers to one URL."""
from __future__ import annotations

import hmac
import logging
from typing import Any

from ..inbound import store_events
from ..meta.webhook import meta_webhook
from ..models import ChannelConnection
from .parser import THIS_CONNECTION, parse_delivery

logger = logging.getLogger(__name__)


def receive(connection: ChannelConnection, payload: Any) -> None:
    for phone_number_id, events in parse_delivery(payload).items():
        target = connection_for(connection, phone_number_id)
        if target is None:
            logger.warning(
                "whatsapp webhook %s: no active connection for phone number id %s, %d events skipped",
                connection.webhook_key, phone_number_id, len(events),
            )  # fmt: skip
            continue
        store_events(target, events)


def connection_for(connection: ChannelConnection, phone_number_id: str) -> ChannelConnection | None:
    """The connection of that business number; another one only if it trusts the same app secret."""
    if phone_number_id in (THIS_CONNECTION, connection.credential("phone_number_id")):
        return connection
    secret = connection.credential("app_secret").encode()
    candidates = ChannelConnection.objects.select_related("business").filter(
        platform="whatsapp", is_active=True, credentials__phone_number_id=phone_number_id
    )
    return next((c for c in candidates if hmac.compare_digest(c.credential("app_secret").encode(), secret)), None)


whatsapp_webhook = meta_webhook("whatsapp", receive)
