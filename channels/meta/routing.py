"""Which connection each entry of a Meta delivery belongs to.

A Meta app has one webhook URL for all its Pages (Instagram accounts, WhatsApp numbers), so the
delivery arriving at one connection's URL may hold entries for another Page of the same app. Each
entry goes to the connection of its own Page; an entry for a Page no connection of the app holds is
logged and acknowledged, never stored under the connection whose URL it came to. The credential that
holds the id an entry carries: Messenger's page_id, Instagram's account_id, WhatsApp's phone_number_id.
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


def store_by_account(connection: ChannelConnection, key: str, events_by_account: dict[str, list[InboundEvent]]) -> None:
    """Store each account's events under its connection; `key` is the credential holding the account's id."""
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
    claimed = next((c for c in candidates if hmac.compare_digest(c.credential("app_secret").encode(), secret)), None)
    # A connection set up without the id its deliveries carry (sending as the token's own, `me`) cannot
    # tell its entries from others: it takes those that no connection of its app claims.
    return claimed or (None if own_id else connection)
