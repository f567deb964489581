"""Storing what customers send, once each, and handing each new message to the agent after commit."""
from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone

from agents.tasks import answer_message

from .events import CustomerMessage, Ignored, InboundEvent
from .models import ChannelConnection, Contact, Conversation, Message

logger = logging.getLogger(__name__)


def store_events(connection: ChannelConnection, events: Iterable[InboundEvent]) -> list[Message]:
    """Store each new customer message; a message id seen before on this connection is skipped."""
    stored = []
    for event in events:
        if isinstance(event, Ignored):
            logger.info("%s connection %s: %s not answered %s", connection.platform, connection.pk, event.kind, event.detail)
            continue
        message = store_customer_message(connection, event)
        if message is None:
            logger.info(
                "%s connection %s: message %s already stored, not answered again",
                connection.platform,
                connection.pk,
                event.platform_message_id,
            )
        else:
            stored.append(message)
    return stored


def store_customer_message(connection: ChannelConnection, event: CustomerMessage) -> Message | None:
    """The stored message, or None when this platform message id was stored before."""
    with transaction.atomic():
        contact, _ = Contact.objects.get_or_create(
            connection=connection,
            platform_user_id=event.sender_id,
            defaults={"display_name": event.sender_name},
        )
        conversation = open_conversation(contact)
        try:
            # A savepoint, so that a duplicate leaves the outer transaction usable.
            with transaction.atomic():
                message = Message.objects.create(
                    conversation=conversation,
                    connection=connection,
                    direction=Message.Direction.INBOUND,
                    author=Message.Author.CUSTOMER,
                    text=event.text,
                    platform_message_id=event.platform_message_id,
                    platform_timestamp=event.sent_at,
                    status=Message.Status.RECEIVED,
                )
        except IntegrityError:
            return None
        Conversation.objects.filter(pk=conversation.pk).update(last_message_at=timezone.now())
        transaction.on_commit(lambda: enqueue_turn(message.pk))
    return message


def open_conversation(contact: Contact) -> Conversation:
    """The contact's conversation that is not closed, created if there is none."""
    conversation = contact.conversations.exclude(status=Conversation.Status.CLOSED).first()
    if conversation is not None:
        return conversation
    try:
        with transaction.atomic():
            return Conversation.objects.create(
                business_id=contact.connection.business_id, connection=contact.connection, contact=contact
            )
    except IntegrityError:
        # Another delivery for the same customer created it a moment ago.
        return contact.conversations.exclude(status=Conversation.Status.CLOSED).get()


def enqueue_turn(message_id: int) -> None:
    try:
        answer_message.delay(message_id)
    except Exception:
        # The message is stored; the broker being down must not turn the webhook into an error.
        logger.exception("could not enqueue the turn for message %s", message_id)
