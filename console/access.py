"""The console's one rule of access: a user reaches a business's pages only through a membership."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from business.models import Business
from business.tenancy import live_businesses_of
from conversations.models import Conversation


def business_or_404(request: HttpRequest, slug: str) -> Business:
    # Another tenant's business is "not found", not "forbidden": its existence is not revealed either. A draft
    # has no inbox: its pages are the live business's drafts pages.
    return get_object_or_404(live_businesses_of(request.user), slug=slug)


def staff_business_or_404(request: HttpRequest, slug: str) -> Business:
    """A business whose agent the user may change: drafts, their tests and publishing are for staff, who edit the
    draft in the admin; operators answer customers."""
    business = business_or_404(request, slug)
    if not request.user.is_staff:
        raise PermissionDenied
    return business


def conversation_or_404(business: Business, pk: int) -> Conversation:
    return get_object_or_404(
        Conversation.objects.select_related("contact", "connection", "business"), pk=pk, business=business
    )
