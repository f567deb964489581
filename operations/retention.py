"""Deleting transcripts older than each business's retention period."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import cast

from django.db import transaction
from django.utils import timezone

from business.models import Business
from console.operator_actions import drafts_made_from
from conversations.models import Conversation, Message

logger = logging.getLogger(__name__)


def purge_expired_transcripts(now: datetime | None = None) -> dict[str, int]:
    """Delete, per business, messages older than its retention period and conversations left empty.

    Returns the number of messages deleted per business slug. The agent's record of a turn goes
    with the customer message it answered, and an FAQ draft still holding a customer's words with
    the message it was made from.
    """
    now = now or timezone.now()
    purged = {}
    for business in Business.objects.filter(transcript_retention_days__isnull=False):
        # Set: the query leaves out businesses that keep transcripts for good.
        cutoff = now - timedelta(days=cast(int, business.transcript_retention_days))
        with transaction.atomic():
            expired = Message.objects.filter(conversation__business=business, created_at__lt=cutoff)
            drafts_made_from(expired).delete()
            _, by_model = expired.delete()
            Conversation.objects.filter(business=business, created_at__lt=cutoff, messages__isnull=True).delete()
        purged[business.slug] = by_model.get("conversations.Message", 0)
        if purged[business.slug]:
            logger.info(
                "business %s: %s messages older than %s days deleted",
                business.pk,
                purged[business.slug],
                business.transcript_retention_days,
            )
    return purged
