"""Which connection each entry of a Meta delivery belongs to.

A Meta app has one webhook URL for all its Pages (Instagram accounts, WhatsApp numbers), so the
delivery arriving at one connection's URL may hold entries for another Page of the same app. Each
entry goes to the connection of its own Page; an entry for a Page no connection of the app holds is
logged and acknowledged, never stored under the connection whose URL it came to.
"""

from __future__ import annotations

import hmac
import logging

from conversations.events import InboundEvent
from conversations.inbound import store_events
from conversations.models import ChannelConnection

logger = logging.getLogger(__name__)

# Events of an entry that names no Page or number belong to the connection the delivery came to.
THIS_CONNECTION = ""
# The credential holding the id each platform's entries carry.
ROUTING_KEYS = {"messenger": "page_id", "instagram": "account_id", "whatsapp": "phone_number_id"}


def store_by_account(connection: ChannelConnection, events_by_account: dict[str, list[InboundEvent]]) -> None:
    """Store each account's events under its connection."""
    key = ROUTING_KEYS[connection.platform]
    for account_id, events in events_by_account.items():
        target = connection_for(connection, key, account_id)
        if target is None:
            logger.warning(
                "%s webhook %s: no active connection of this app for %s %s, %d events acknowledged and skipped",
                connection.platform, connection.webhook_key, key, account_id, len(events),
            )  # fmt: skip
            continue
        store_events(target, events)


def connection_for(connection: ChannelConnection, key: str, account_id: str) -> ChannelConnection | None:
    """The connection of that account: this one, or another of the platform's only if it trusts the same
    app secret, since only that app's owner could have signed the delivery."""
    own_id = connection.credential(key)
    if account_id in (THIS_CONNECTION, own_id):
        return connection
    secret = connection.credential("app_secret").encode()
    candidates = ChannelConnection.objects.select_related("business").filter(
        platform=connection.platform, is_active=True, **{f"credentials__{key}": account_id}
    )
    claimed = next((c for c in candidates if _same_app(c, secret)), None)
    if claimed is not None or own_id:
        return claimed
    # A connection set up without the id its deliveries carry (sending as the token's own, `me`; Instagram
    # before account_id) cannot tell its entries from another Page's: it takes them only alone in its app.
    others = ChannelConnection.objects.filter(platform=connection.platform, is_active=True).exclude(pk=connection.pk)
    return None if any(_same_app(other, secret) for other in others.iterator()) else connection


def _same_app(connection: ChannelConnection, secret: bytes) -> bool:
    return hmac.compare_digest(connection.credential("app_secret").encode(), secret)
