"""Conversations as the webhooks and the worker store them, written straight to the database for page tests."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.utils import timezone

from business.models import Business
from conversations.models import ChannelConnection, Contact, Conversation, Message


def talk(
    business: Business,
    platform: str,
    *lines: tuple[str, str],
    display_name: str = "",
    status: str = Conversation.Status.BOT,
    page_url: str = "",
    at: datetime | None = None,
    contact: Contact | None = None,
) -> Conversation:
    """A conversation on `platform` whose messages are `lines`, each (author, text), a minute apart, ending at `at`,
    with `contact` or a new one."""
    connection, _ = ChannelConnection.objects.get_or_create(business=business, platform=platform)
    contact = contact or Contact.objects.create(
        connection=connection, platform_user_id=str(uuid.uuid4()), display_name=display_name
    )
    end = at or timezone.now()
    conversation = Conversation.objects.create(
        business=business, connection=connection, contact=contact, status=status, last_message_at=end
    )
    asked = None
    for index, (author, text) in enumerate(lines):
        inbound = author == Message.Author.CUSTOMER
        message = Message.objects.create(
            conversation=conversation, connection=connection, author=author, text=text,
            direction=Message.Direction.INBOUND if inbound else Message.Direction.OUTBOUND,
            status=Message.Status.RECEIVED if inbound else Message.Status.SENT,
            metadata={"page_url": page_url} if inbound and page_url else {},
            reply_to=None if inbound or asked is None or hasattr(asked, "reply") else asked,
        )  # fmt: skip
        Message.objects.filter(pk=message.pk).update(created_at=end - timedelta(minutes=len(lines) - 1 - index))
        asked = message if inbound else None
    return conversation
