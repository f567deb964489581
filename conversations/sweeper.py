"""Work the broker lost: turns and replies that were stored but whose task never ran to its end.

A broker outage loses the tasks enqueued meanwhile, and a worker killed outright leaves its task
unacknowledged in Redis until the visibility timeout (an hour). Every minute (Celery beat, or the
`sweep_unfinished_work` command) this enqueues again each customer message still waiting for its
turn and each reply still waiting to be sent. Enqueuing twice is harmless: a turn skips a message
that is answered, one turn per conversation runs at a time, and a reply is sent only by the worker
that claims its pending row.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from . import outbox
from .events import Kind
from .models import Conversation, Message
from .outbox import MAX_BACKOFF_SECONDS
from .task_queue import ANSWER_MESSAGE, DELIVER_MESSAGE, TRANSCRIBE_VOICE_NOTE, enqueue

logger = logging.getLogger(__name__)

# Older messages are left alone: a reply days late helps nobody, and Meta would refuse it anyway.
MAX_AGE = timedelta(hours=24)


@dataclass(frozen=True)
class SweepResult:
    turns: int
    replies: int
    interrupted: int


def sweep_unfinished_work(now: datetime | None = None) -> SweepResult:
    now = now or timezone.now()
    settled_before = now - timedelta(seconds=settings.PARLEY_SWEEP_GRACE_SECONDS)
    turns = sum(
        enqueue(ANSWER_MESSAGE, pk) for pk in unanswered_messages(now, settled_before).values_list("pk", flat=True)
    )
    # A voice note's turn starts with its transcription, which enqueues the turn.
    turns += sum(
        enqueue(TRANSCRIBE_VOICE_NOTE, pk)
        for pk in untranscribed_voice_notes(now, settled_before).values_list("pk", flat=True)
    )
    replies = sum(
        enqueue(DELIVER_MESSAGE, pk) for pk in unsent_replies(now, settled_before).values_list("pk", flat=True)
    )
    interrupted = sum(outbox.recover_interrupted_send(pk) for pk in interrupted_sends(now).values_list("pk", flat=True))
    result = SweepResult(turns=turns, replies=replies, interrupted=interrupted)
    if turns or replies or interrupted:
        logger.warning(
            "sweeper: enqueued %s turns and %s replies, recovered %s interrupted sends", turns, replies, interrupted
        )
    return result


def unanswered_messages(now: datetime, settled_before: datetime) -> QuerySet[Message]:
    """The last customer message of each agent-run conversation when nothing answered it, and its turn
    was due to start (agents/turn_quota.py) longer ago than the grace: a deferred turn waits on the broker."""
    same_conversation_after = {"conversation": OuterRef("conversation"), "id__gt": OuterRef("id")}
    later_turn = Message.objects.filter(direction=Message.Direction.INBOUND, **same_conversation_after).exclude(
        kind__in=Kind.NOT_ANSWERED
    )
    later_reply = Message.objects.filter(direction=Message.Direction.OUTBOUND, **same_conversation_after)
    return (
        Message.objects.filter(
            direction=Message.Direction.INBOUND,
            conversation__status=Conversation.Status.BOT,
            reply__isnull=True,
            created_at__lt=settled_before,
            created_at__gte=now - MAX_AGE,
        )
        .exclude(kind__in=Kind.NOT_ANSWERED)
        .exclude(transcription=Message.Transcription.PENDING)
        .exclude(turn_not_before__gte=settled_before)
        .exclude(Exists(later_turn))
        .exclude(Exists(later_reply))
        .order_by("id")
    )


def untranscribed_voice_notes(now: datetime, settled_before: datetime) -> QuerySet[Message]:
    """Voice notes still waiting for their transcript: their task was lost, or is retrying a platform's refusal
    (transcribing twice stores one transcript and enqueues one turn)."""
    return Message.objects.filter(
        transcription=Message.Transcription.PENDING,
        conversation__status=Conversation.Status.BOT,
        created_at__lt=settled_before,
        created_at__gte=now - MAX_AGE,
    ).order_by("id")


def unsent_replies(now: datetime, settled_before: datetime) -> QuerySet[Message]:
    """Pending replies never tried, or tried longer ago than any retry's backoff."""
    return Message.objects.filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - timedelta(seconds=MAX_BACKOFF_SECONDS)),
        direction=Message.Direction.OUTBOUND,
        status=Message.Status.PENDING,
        created_at__lt=settled_before,
        created_at__gte=now - MAX_AGE,
    ).order_by("id")


def interrupted_sends(now: datetime) -> QuerySet[Message]:
    """Replies claimed by a sender so long ago that the sender must have died in the middle."""
    return Message.objects.filter(
        direction=Message.Direction.OUTBOUND,
        status=Message.Status.SENDING,
        claimed_at__lt=now - timedelta(seconds=settings.PARLEY_SEND_CLAIM_TIMEOUT_SECONDS),
    ).order_by("id")
