"""The customer's tap on a choice of a message Parley started: a reminder's Confirm or Cancel changes the
booking, a survey's rating is stored. Each gets a short fixed answer, not an agent turn, whoever has the
conversation: the tap answers Parley's own question, and staff see the booking or the rating change.
"""

from __future__ import annotations

import logging
import zoneinfo

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from business.locale_format import clock, full_date
from business.models import Booking
from conversations import outbox
from conversations.models import Conversation, Message

from . import booking_reminders, satisfaction
from .customer_language import conversation_language
from .reply_choices import chosen_id

logger = logging.getLogger(__name__)


def answer_outreach_choice(inbound: Message) -> bool:
    """Answer the message when it is a tap on a reminder's or a survey's choice; False for any other."""
    prefix, _, rest = chosen_id(inbound).partition(":")
    if prefix == booking_reminders.CHOICE_PREFIX:
        answer = _answer_booking(inbound, rest)
    elif prefix == satisfaction.CHOICE_PREFIX:
        answer = _answer_rating(inbound, rest)
    else:
        return False
    if answer is None:
        return False
    try:
        with transaction.atomic():
            outbox.queue_reply(inbound.conversation, answer, author=Message.Author.AGENT, reply_to=inbound)
    except IntegrityError:
        logger.info("message %s was answered already", inbound.pk)
    return True


def _language(conversation: Conversation) -> str:
    return conversation_language(conversation.pk) or conversation.business.language


def _answer_booking(inbound: Message, rest: str) -> str | None:
    """Confirm or cancel the booking the reminder was about: only one of this customer's at this business."""
    booking_id, _, action = rest.partition(":")
    conversation = inbound.conversation
    customer_id = conversation.contact.customer_id
    if (
        not booking_id.isdigit()
        or customer_id is None
        or action not in (booking_reminders.CONFIRM, booking_reminders.CANCEL)
    ):
        return None
    booking = (
        Booking.objects.select_related("business")
        .filter(pk=int(booking_id), business_id=conversation.business_id, customer_id=customer_id)
        .first()
    )
    if booking is None:
        logger.warning("message %s: a reminder's choice names booking %s, not this customer's", inbound.pk, booking_id)
        return None
    local = booking.starts_at.astimezone(zoneinfo.ZoneInfo(booking.business.timezone))
    with translation.override(_language(conversation)):
        when = {"day": full_date(local), "time": clock(local)}
        if booking.starts_at <= timezone.now():
            return gettext("That booking, on %(day)s at %(time)s, has passed.") % when
        if action == booking_reminders.CONFIRM:
            confirmed = Booking.objects.filter(pk=booking.pk, status__in=booking_reminders.REMINDED_STATUSES).update(
                status=Booking.Status.CONFIRMED
            )
            if not confirmed:
                return (
                    gettext("Your booking on %(day)s at %(time)s was cancelled. Write to us any time to book again.")
                    % when
                )
            return gettext("Thank you: your booking on %(day)s at %(time)s is confirmed. See you then!") % when
        Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.CANCELLED)
        return gettext("Your booking on %(day)s at %(time)s is cancelled. Write to us any time to book again.") % when


def _answer_rating(inbound: Message, rest: str) -> str | None:
    """Store the rating on the conversation that asked for it (the customer's latest asked, when the tap
    came in a conversation of its own); the first tap counts."""
    if rest not in {str(int(rating)) for rating in satisfaction.RATINGS}:
        return None
    conversation = inbound.conversation
    asked = (
        Conversation.objects.filter(contact=conversation.contact, satisfaction_asked_at__isnull=False)
        .order_by("-satisfaction_asked_at")
        .first()
    )
    if asked is None:
        return None
    Conversation.objects.filter(pk=asked.pk, rating__isnull=True).update(rating=int(rest), rated_at=timezone.now())
    with translation.override(_language(conversation)):
        return gettext("Thank you for your rating!")
