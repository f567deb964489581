"""Handing conversations to staff when their platform no longer lets the agent reach the customer."""

from __future__ import annotations

from .models import Conversation


def hand_to_staff(conversation_ids: list[int]) -> None:
    """The bot can no longer reach these customers (the platform's window closed): staff decide."""
    Conversation.objects.filter(pk__in=conversation_ids, status=Conversation.Status.BOT).update(
        status=Conversation.Status.NEEDS_HUMAN
    )
