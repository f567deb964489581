"""Replies waiting to be sent, and the one place that sends them.

Each reply is a Message row created in the transaction that decides to send it; delivery claims
it with a conditional UPDATE, so two workers holding the same task can never both send it.
"""
from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import Conversation, Message
from .registry import PLATFORMS
from .sending import PermanentSendError, SendError, TemporarySendError

logger = logging.getLogger(__name__)


def queue_reply(
    conversation: Conversation, text: str, *, author: str, reply_to: Message | None = None
) -> Message:
    """Store a reply as pending and send it once the surrounding transaction commits."""
    from .tasks import deliver_message  # tasks.py imports this module

    message = Message.objects.create(
        conversation=conversation,
        connection=conversation.connection,
        direction=Message.Direction.OUTBOUND,
        author=author,
        text=text,
        reply_to=reply_to,
        status=Message.Status.PENDING,
    )
    transaction.on_commit(lambda: deliver_message.delay(message.pk))
    return message


def deliver(message_id: int) -> None:
    """Send one pending message; raises TemporarySendError when it should be tried again."""
    claimed = Message.objects.filter(pk=message_id, status=Message.Status.PENDING).update(
        status=Message.Status.SENDING, attempts=F("attempts") + 1
    )
    if not claimed:
        logger.info("message %s is not pending any more, nothing to send", message_id)
        return
    message = Message.objects.select_related("connection", "conversation__contact").get(pk=message_id)
    platform = PLATFORMS[message.connection.platform]
    try:
        sent = platform.send_text(message.connection, message.conversation.contact.platform_user_id, message.text)
    except TemporarySendError as error:
        _record_failure(message_id, Message.Status.PENDING, error)
        raise
    except PermanentSendError as error:
        logger.warning("message %s not sent (%s): %s", message_id, error.code, error.reason)
        _record_failure(message_id, Message.Status.FAILED, error)
        return
    Message.objects.filter(pk=message_id).update(
        status=Message.Status.SENT,
        platform_message_id=sent.platform_message_id,
        sent_at=timezone.now(),
        error_code="",
        error_detail="",
    )


def give_up(message_id: int, error: SendError) -> None:
    """After the last retry: the message stays failed, with the platform's last reason."""
    _record_failure(message_id, Message.Status.FAILED, error)


def _record_failure(message_id: int, status: str, error: SendError) -> None:
    Message.objects.filter(pk=message_id).update(status=status, error_code=error.code, error_detail=error.reason)
