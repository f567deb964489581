"""The inbox's conversations: one business's, filtered as the operator asked, those needing attention first."""

from __future__ import annotations

from django import forms
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet

from business.models import Business
from channels.playground.platform import PLAYGROUND
from channels.registry import PLATFORMS
from conversations.models import Conversation, Message


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


def conversations(business: Business, filters: InboxFilter) -> QuerySet[Conversation]:
    """Invalid filters are ignored one by one (the form shows why), never an error page."""
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
    else:
        # Staff's own tries (the playground, the chat command) are no customer's: shown when that channel is asked for.
        queryset = queryset.exclude(connection__platform=PLAYGROUND.name)
    if "since" in wanted:
        queryset = queryset.filter(last_message_at__date__gte=wanted["since"])
    if "until" in wanted:
        queryset = queryset.filter(last_message_at__date__lte=wanted["until"])
    if "q" in wanted:
        text = wanted["q"]
        matches = Message.objects.filter(conversation=OuterRef("pk"), text__icontains=text)
        queryset = queryset.filter(
            Q(contact__display_name__icontains=text) | Q(contact__platform_user_id__icontains=text) | Exists(matches)
        )
    attention = ExpressionWrapper(
        Q(status=Conversation.Status.NEEDS_HUMAN) | Q(has_failed=True), output_field=BooleanField()
    )
    return queryset.annotate(needs_attention=attention).order_by("-needs_attention", "-last_message_at", "-id")
