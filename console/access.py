"""The console's one rule of access: a user reaches a business's pages only through a membership."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from business.models import Business
from business.tenancy import businesses_of
from conversations.models import Conversation


def business_or_404(request: HttpRequest, slug: str) -> Business:
    # Another tenant's business is "not found", not "forbidden": its existence is not revealed either.
    return get_object_or_404(businesses_of(request.user), slug=slug)


def conversation_or_404(business: Business, pk: int) -> Conversation:
    return get_object_or_404(
        Conversation.objects.select_related("contact", "connection", "business"), pk=pk, business=business
    )
