"""The satisfaction survey: once a conversation has been quiet for the business's minutes
(Business.satisfaction_survey_minutes, 0 = never) after the agent or an operator answered, the customer
is asked once to rate it, with three choices (WhatsApp shows at most three reply buttons).

A periodic task (Celery beat) finds the conversations due and claims each with a conditional UPDATE
of its `satisfaction_asked_at`, in the transaction that queues the question: asked once per
conversation, whatever the number of beat or worker processes. Only while the platform still takes
a free-form message: a survey is no reason to use a template or a message tag.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext

from business.models import Business
from channels.playground.platform import PLAYGROUND
from conversations import outbox
from conversations.choices import Choice
from conversations.events import Kind
from conversations.models import Conversation, Message

from .models import conversation_language

logger = logging.getLogger(__name__)

# A conversation that became due longer ago than this (the setting was just turned on, the beat was
# down) is not asked: a question about a chat of last month is noise.
LATEST_ASKING = timedelta(hours=24)
# The choices' ids: "satisfaction:<1-3>", picked in outreach_answers.py.
CHOICE_NAMESPACE = "satisfaction"
RATINGS = (Conversation.Rating.GOOD, Conversation.Rating.OK, Conversation.Rating.POOR)
FACES = {Conversation.Rating.GOOD: "😀", Conversation.Rating.OK: "😐", Conversation.Rating.POOR: "😞"}


def choice_id(rating: int) -> str:
    return f"{CHOICE_NAMESPACE}:{int(rating)}"


def ask_for_ratings(now: datetime | None = None) -> int:
    """Ask every conversation due now; returns how many this call claimed."""
    now = now or timezone.now()
    asked = 0
    for business in Business.objects.filter(satisfaction_survey_minutes__gt=0).only(
        "pk", "satisfaction_survey_minutes"
    ):
        for conversation_id in due_conversations(business, now):
            asked += ask(conversation_id, now)
    return asked


def due_conversations(business: Business, now: datetime) -> list[int]:
    """Conversations whose last message is an answer (the agent's to a customer message, or an operator's),
    quiet since for the business's minutes, never asked, still inside their platform's window."""
    quiet_since = now - timedelta(minutes=business.satisfaction_survey_minutes)
    last = Message.objects.filter(conversation=OuterRef("pk")).order_by("-created_at", "-id")
    candidates = (
        Conversation.objects.filter(
            business=business,
            status__in=(Conversation.Status.BOT, Conversation.Status.HUMAN),
            satisfaction_asked_at__isnull=True,
            last_inbound_at__isnull=False,
            last_message_at__lte=quiet_since,
            last_message_at__gt=quiet_since - LATEST_ASKING,
        )
        .exclude(connection__platform=PLAYGROUND.name)
        .annotate(
            last_id=Subquery(last.values("id")[:1]),
        )
    )
    # The answer to a reminder's Confirm or Cancel closes Parley's own question: nothing to rate.
    answers = (
        Message.objects.filter(
            Q(author=Message.Author.OPERATOR) | Q(author=Message.Author.AGENT, reply_to__isnull=False),
            direction=Message.Direction.OUTBOUND,
        )
        .exclude(status=Message.Status.FAILED)
        .exclude(reply_to__kind=Kind.HANDLED_CHOICE)
    )
    due = candidates.filter(last_id__in=answers.values("id")).select_related("connection")
    return [conversation.pk for conversation in due if outbox.reply_window_open(conversation, now)]


def ask(conversation_id: int, now: datetime) -> bool:
    """Claim one conversation's survey and queue the question; False when it was asked already."""
    with transaction.atomic():
        claimed = Conversation.objects.filter(pk=conversation_id, satisfaction_asked_at__isnull=True).update(
            satisfaction_asked_at=now
        )
        if not claimed:
            return False
        conversation = Conversation.objects.select_related("business", "connection").get(pk=conversation_id)
        language = conversation_language(conversation.pk) or conversation.business.language
        with translation.override(language):
            question = gettext("How did we do? Your rating helps us get better.")
            choices = [Choice(choice_id(rating), f"{FACES[rating]} {rating.label}") for rating in RATINGS]
        outbox.queue_reply(
            conversation,
            question,
            author=Message.Author.AGENT,
            choices=choices,
            metadata={"satisfaction_survey": True, "language": language},
        )
    logger.info("conversation %s: satisfaction survey sent", conversation_id)
    return True
