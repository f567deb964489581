"""The customer's pick of a choice of a message Parley started: a reminder's Confirm or Cancel changes the
booking, a survey's rating is stored. Registered with the store (conversations/choices.py, from apps.py),
each runs in the webhook's transaction, whoever has the conversation, and is answered with a short fixed
sentence, not an agent turn: the pick answers Parley's own question, and staff see the booking or rating."""

from __future__ import annotations

import logging
import zoneinfo

from django.utils import timezone, translation
from django.utils.translation import gettext

from business.locale_format import clock, full_date
from business.models import Booking
from conversations import outbox
from conversations.choices import Choice
from conversations.models import Conversation, Message

from .booking_reminders import CANCEL, CONFIRM, REMINDED_STATUSES
from .models import conversation_language
from .satisfaction import RATINGS

logger = logging.getLogger(__name__)


def on_reminder_choice(message: Message, choice: Choice) -> None:
    """Confirm or cancel the booking the reminder was about: only one of this customer's at this business."""
    _, action, booking_id = choice.id.split(":", 2)
    conversation = message.conversation
    customer_id = conversation.contact.customer_id
    booking = (
        Booking.objects.select_related("business")
        .filter(pk=int(booking_id) if booking_id.isdigit() else 0, business_id=conversation.business_id)
        .filter(customer_id=customer_id)
        .first()
        if customer_id is not None and action in (CONFIRM, CANCEL)
        else None
    )
    if booking is None:
        logger.warning("message %s: the reminder's choice %s names no booking of this customer", message.pk, choice.id)
        return
    local = booking.starts_at.astimezone(zoneinfo.ZoneInfo(booking.business.timezone))
    with translation.override(_language(conversation)):
        when = {"day": full_date(local), "time": clock(local)}
        if booking.starts_at <= timezone.now():
            answer = gettext("That booking, on %(day)s at %(time)s, has passed.") % when
        elif action == CONFIRM:
            confirmed = Booking.objects.filter(pk=booking.pk, status__in=REMINDED_STATUSES).update(
                status=Booking.Status.CONFIRMED
            )
            answer = (
                gettext("Thank you: your booking on %(day)s at %(time)s is confirmed. See you then!")
                if confirmed
                else gettext("Your booking on %(day)s at %(time)s was cancelled. Write to us any time to book again.")
            ) % when
        else:
            Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.CANCELLED)
            answer = gettext("Your booking on %(day)s at %(time)s is cancelled. Write to us any time to book again.")
            answer %= when
    outbox.queue_reply(conversation, answer, author=Message.Author.AGENT, reply_to=message)


def on_rating_choice(message: Message, choice: Choice) -> None:
    """Store the rating on the conversation that asked for it; the first pick counts."""
    rating = choice.id.rpartition(":")[2]
    conversation = message.conversation
    if rating not in {str(int(value)) for value in RATINGS} or conversation.satisfaction_asked_at is None:
        return
    Conversation.objects.filter(pk=conversation.pk, rating__isnull=True).update(
        rating=int(rating), rated_at=timezone.now()
    )
    with translation.override(_language(conversation)):
        answer = gettext("Thank you for your rating!")
    outbox.queue_reply(conversation, answer, author=Message.Author.AGENT, reply_to=message)


def _language(conversation: Conversation) -> str:
    return conversation_language(conversation.pk) or conversation.business.language
