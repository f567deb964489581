"""Booking reminders: some hours before a booking (Business.booking_reminder_hours), the customer is
reminded of it with two choices, Confirm and Cancel, in the conversation they last wrote in.

A periodic task (Celery beat) finds the bookings due and claims each with a conditional UPDATE of
its `reminder_claimed_at`, in the transaction that queues the reminder: of two beat or worker
processes finding the same booking due, the second's UPDATE waits for the first to commit, then
changes no row, so a booking never gets two reminders.

Inside the platform's window the reminder is an ordinary message. Past it, WhatsApp takes only an
approved template (the business's booking-reminder template: none, and the reminder is skipped and
recorded), Messenger a message tagged CONFIRMED_EVENT_UPDATE, allowed for an upcoming event the
customer booked (the outbox decides at send time, outbox._late_send), other Meta apps nothing.
"""

from __future__ import annotations

import logging
import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from business.locale_format import clock, full_date
from business.models import Booking, Business
from conversations import outbox
from conversations.choices import Choice
from conversations.models import Conversation, Message, MessageTemplate
from conversations.platforms import platform as platform_named

from .models import conversation_language

logger = logging.getLogger(__name__)

# A booking a customer may still be asked about: one cancelled needs no reminder.
REMINDED_STATUSES = (Booking.Status.REQUESTED, Booking.Status.CONFIRMED)
# The choices' ids: "reminder:confirm:<booking id>" and "reminder:cancel:<booking id>", picked in
# outreach_answers.py.
CHOICE_NAMESPACE = "reminder"
CONFIRM = "confirm"
CANCEL = "cancel"


def choice_id(booking_id: int, action: str) -> str:
    return f"{CHOICE_NAMESPACE}:{action}:{booking_id}"


def remind_due_bookings(now: datetime | None = None) -> int:
    """Send every reminder due now; returns how many bookings this call claimed."""
    now = now or timezone.now()
    claimed = 0
    for business in Business.objects.filter(booking_reminder_hours__gt=0).only("pk", "booking_reminder_hours"):
        for booking_id in due_bookings(business, now).values_list("pk", flat=True):
            claimed += remind(booking_id, now)
    return claimed


def due_bookings(business: Business, now: datetime):
    """Bookings starting within the business's reminder hours, not reminded yet. A booking made later
    than its reminder time (this evening's, made this morning) was just read back: it gets none."""
    ahead = timedelta(hours=business.booking_reminder_hours)
    return Booking.objects.filter(
        business=business,
        status__in=REMINDED_STATUSES,
        reminder_claimed_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + ahead,
        created_at__lt=F("starts_at") - ahead,
    ).order_by("starts_at")


def remind(booking_id: int, now: datetime) -> bool:
    """Claim one booking's reminder and queue it; False when another process claimed it first."""
    with transaction.atomic():
        claimed = Booking.objects.filter(pk=booking_id, reminder_claimed_at__isnull=True).update(
            reminder_claimed_at=now
        )
        if not claimed:
            return False
        booking = Booking.objects.select_related("business", "customer").get(pk=booking_id)
        outcome = _queue_reminder(booking, now)
        Booking.objects.filter(pk=booking_id).update(reminder=outcome)
    logger.info("booking %s: reminder %s", booking_id, outcome)
    return True


@dataclass(frozen=True)
class ReminderWords:
    text: str
    date: str
    time: str
    confirm: str
    cancel: str


def reminder_words(booking: Booking, language: str) -> ReminderWords:
    """The reminder in the conversation's language, its date and time in the business's timezone."""
    local = booking.starts_at.astimezone(zoneinfo.ZoneInfo(booking.business.timezone))
    with translation.override(language):
        day, time = full_date(local), clock(local)
        text = ngettext(
            "A reminder of your booking at %(business)s for %(people)s person on %(day)s at %(time)s. "
            "Will you be there?",
            "A reminder of your booking at %(business)s for %(people)s people on %(day)s at %(time)s. "
            "Will you be there?",
            booking.party_size,
        ) % {"business": booking.business.name, "people": booking.party_size, "day": day, "time": time}
        return ReminderWords(text, day, time, gettext("Confirm"), gettext("Cancel"))


def _queue_reminder(booking: Booking, now: datetime) -> str:
    conversation = customer_conversation(booking)
    if conversation is None:
        return Booking.Reminder.NO_CONVERSATION
    language = conversation_language(conversation.pk) or booking.business.language
    words = reminder_words(booking, language)
    platform = platform_named(conversation.connection.platform)
    if outbox.reply_window_open(conversation, now):
        _queue_message(conversation, booking, words, language)
        return Booking.Reminder.SENT
    if platform.send_template is not None:
        template = reminder_template(booking.business, language)
        if template is None:
            return Booking.Reminder.NO_TEMPLATE
        values = [words.date, words.time, str(booking.party_size)][: template.parameter_count()]
        choices = _choices(booking, words)
        # The template's quick-reply buttons carry the choices' ids: a tap comes back as that choice.
        outbox.queue_reply(
            conversation,
            template.filled(values),
            author=Message.Author.AGENT,
            kind=outbox.TEMPLATE,
            choices=choices,
            metadata={
                **template.message_metadata(values, [choice.id for choice in choices]),
                "booking_reminder": booking.pk,
            },
        )
        return Booking.Reminder.SENT_AS_TEMPLATE
    if platform.send_event_update_text is not None:
        _queue_message(conversation, booking, words, language)
        return Booking.Reminder.SENT_TAGGED
    return Booking.Reminder.WINDOW_CLOSED


def _choices(booking: Booking, words: ReminderWords) -> list[Choice]:
    return [Choice(choice_id(booking.pk, CONFIRM), words.confirm), Choice(choice_id(booking.pk, CANCEL), words.cancel)]


def _queue_message(conversation: Conversation, booking: Booking, words: ReminderWords, language: str) -> None:
    outbox.queue_reply(
        conversation,
        words.text,
        author=Message.Author.AGENT,
        choices=_choices(booking, words),
        # When the booking starts: past the window, Messenger's event-update tag is allowed until then.
        metadata={
            "booking_reminder": booking.pk,
            "event_starts_at": booking.starts_at.isoformat(),
            "language": language,
        },
    )


def customer_conversation(booking: Booking) -> Conversation | None:
    """Where the customer last wrote to the business, on whichever app."""
    return (
        Conversation.objects.filter(business=booking.business, contact__customer=booking.customer)
        .select_related("connection", "contact")
        .order_by(F("last_inbound_at").desc(nulls_last=True), "-id")
        .first()
    )


def reminder_template(business: Business, language: str) -> MessageTemplate | None:
    """The business's booking-reminder template in the conversation's language, else its first one."""
    templates = list(
        MessageTemplate.objects.filter(business=business, purpose=MessageTemplate.Purpose.BOOKING_REMINDER)
    )
    in_language = [template for template in templates if template.language.split("_")[0] == language]
    return next(iter(in_language or templates), None)
