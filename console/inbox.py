"""The inbox's conversations: one business's, filtered as the operator asked, those needing attention first."""

from __future__ import annotations

import re

from django import forms
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet, Subquery
from django.db.models.fields.json import KeyTextTransform
from django.utils.translation import gettext_lazy as _

from business.models import Business
from channels.playground.platform import PLAYGROUND
from channels.registry import PLATFORMS
from conversations.models import Conversation, Message

from .operator_actions import waiting_for_the_agent

CUSTOMER_NUMBER = re.compile(r"#\s*(\d{1,18})\b")


class InboxFilter(forms.Form):
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *Conversation.Status.choices])
    channel = forms.ChoiceField(
        required=False, choices=[("", "Any channel"), *((name, spec.label) for name, spec in PLATFORMS.items())]
    )
    since = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))
    q = forms.CharField(
        required=False, label="Search", widget=forms.TextInput(attrs={"placeholder": "Text or customer"})
    )
    # Staff's own tries (the playground, the chat command) are no customer's: hidden unless asked for.
    staff_tries = forms.BooleanField(required=False, label=_("Show staff tries"))

    def shows_staff_tries(self) -> bool:
        self.is_valid()
        wanted = getattr(self, "cleaned_data", {})
        return bool(wanted.get("staff_tries")) or wanted.get("channel") == PLAYGROUND.name


def conversations(business: Business, filters: InboxFilter) -> QuerySet[Conversation]:
    """Invalid filters are ignored one by one (the form shows why), never an error page."""
    queryset = matching(business, filters)
    if not filters.shows_staff_tries():
        queryset = queryset.exclude(connection__platform=PLAYGROUND.name)
    latest = Message.objects.filter(conversation=OuterRef("pk")).order_by("-created_at", "-id")
    # The web chat's widget sends the page the visitor wrote from: the last one they were on.
    page = latest.filter(direction=Message.Direction.INBOUND, metadata__has_key="page_url")
    attention = ExpressionWrapper(
        Q(status=Conversation.Status.NEEDS_HUMAN) | Q(has_failed=True), output_field=BooleanField()
    )
    return queryset.annotate(
        needs_attention=attention,
        waiting_for_agent=waiting_for_the_agent(),
        last_text=Subquery(latest.values("text")[:1]),
        last_author=Subquery(latest.values("author")[:1]),
        page_url=Subquery(page.annotate(url=KeyTextTransform("page_url", "metadata")).values("url")[:1]),
    ).order_by("-needs_attention", "-last_message_at", "-id")


def hidden_staff_tries(business: Business, filters: InboxFilter) -> int:
    """How many staff tries the other filters match but the inbox hides, for it to say so."""
    if filters.shows_staff_tries():
        return 0
    return matching(business, filters).filter(connection__platform=PLAYGROUND.name).count()


def matching(business: Business, filters: InboxFilter) -> QuerySet[Conversation]:
    """The conversations the filters ask for, staff tries included. Invalid filters are ignored one by one (the
    form shows why), never an error page."""
    queryset = (
        Conversation.objects.filter(business=business)
        .select_related("contact", "connection")
        .annotate(
            has_failed=Exists(Message.objects.filter(conversation=OuterRef("pk"), status=Message.Status.FAILED)),
        )
    )
    filters.is_valid()
    wanted = {name: value for name, value in getattr(filters, "cleaned_data", {}).items() if value}
    if "status" in wanted:
        queryset = queryset.filter(status=wanted["status"])
    if "channel" in wanted:
        queryset = queryset.filter(connection__platform=wanted["channel"])
    if "since" in wanted:
        queryset = queryset.filter(last_message_at__date__gte=wanted["since"])
    if "until" in wanted:
        queryset = queryset.filter(last_message_at__date__lte=wanted["until"])
    if "q" in wanted:
        text = wanted["q"]
        matches = Message.objects.filter(conversation=OuterRef("pk"), text__icontains=text)
        named = (
            Q(contact__display_name__icontains=text) | Q(contact__platform_user_id__icontains=text) | Q(Exists(matches))
        )
        # "Website visitor #17", "Messenger customer #4": the names the inbox gives customers without one.
        if number := CUSTOMER_NUMBER.search(text):
            named |= Q(contact_id=int(number.group(1)))
        queryset = queryset.filter(named)
    return queryset
