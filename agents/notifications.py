"""Telling a business's staff that a conversation needs them."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

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
    # Staff read the business's main language, whatever language the customer wrote in.
    with translation.override(conversation.business.language):
        subject = gettext("[Parley] A customer needs you (%(business)s)") % {"business": conversation.business.name}
        body = gettext("%(contact)s on %(platform)s needs a person: %(reason)s.") % {
            "contact": conversation.contact,
            "platform": platform,
            "reason": reason,
        }
    send_mail(
        subject=subject,
        message=f"{body}\n\n{link}",
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipients,
        fail_silently=True,
    )
