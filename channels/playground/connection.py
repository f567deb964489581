"""The playground channel's connection and messages: typed by a person at Parley itself, not on a platform."""

from __future__ import annotations

import uuid
from typing import cast

from django.utils import timezone

from business.models import Business
from conversations.events import CustomerMessage
from conversations.inbound import store_customer_message
from conversations.models import ChannelConnection, Message


def playground_connection(business: Business) -> ChannelConnection:
    """The business's one playground connection, shared by the chat command and the admin's playground."""
    connection, _ = ChannelConnection.objects.get_or_create(
        business=business, platform="console", defaults={"name": "Terminal and playground"}
    )
    return connection


def store_playground_message(connection: ChannelConnection, sender_id: str, text: str) -> Message:
    """Store what the person typed as a webhook stores a customer's message; its turn follows on commit."""
    event = CustomerMessage(
        platform_message_id=f"console-{uuid.uuid4()}", sender_id=sender_id, text=text, sent_at=timezone.now()
    )
    # Stored: a fresh id was never stored before.
    return cast(Message, store_customer_message(connection, event))
