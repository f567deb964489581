"""Telling a business's staff that a conversation needs them."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from business.models import Membership
from conversations.models import Conversation

logger = logging.getLogger(__name__)


def notify_staff(conversation: Conversation, reason: str) -> None:
    recipients = sorted(
        {
            email
            for email in Membership.objects.filter(business_id=conversation.business_id).values_list(
                "user__email", flat=True
            )
            if email
        }
    )
    logger.info("conversation %s needs a human (%s); notifying %d staff", conversation.pk, reason, len(recipients))
    if not recipients:
        return
    path = reverse("console:transcript", args=[conversation.business.slug, conversation.pk])
    link = f"{settings.PUBLIC_BASE_URL}{path}"
    platform = conversation.connection.get_platform_display()
    send_mail(
        subject=f"[Parley] A customer needs you ({conversation.business.name})",
        message=f"{conversation.contact} on {platform} needs a person: {reason}.\n\n{link}",
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipients,
        fail_silently=True,
    )
