"""What the transcript shows beside the messages: who the customer is to the business, and what else they did."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain

from django.db.models import Q, QuerySet

from business.models import Booking, Customer, Order
from conversations.models import Conversation, Message

from .models import Handover

SHOWN = 10


@dataclass(frozen=True)
class CustomerPanel:
    customer: Customer | None
    orders: list[Order]
    bookings: list[Booking]
    past_conversations: list[Conversation]


def customer_panel(conversation: Conversation) -> CustomerPanel:
    """The linked customer's latest orders and bookings, and the contact's (or that customer's) other conversations."""
    customer = conversation.contact.customer
    same_person = Q(contact=conversation.contact)
    if customer is not None:
        same_person |= Q(contact__customer=customer)
    past = (
        Conversation.objects.filter(same_person, business=conversation.business)
        .exclude(pk=conversation.pk)
        .select_related("contact", "connection")
        .order_by("-last_message_at", "-id")[:SHOWN]
    )
    return CustomerPanel(
        customer=customer,
        orders=list(customer.orders.order_by("-updated_at")[:SHOWN]) if customer else [],
        bookings=list(customer.bookings.order_by("-starts_at")[:SHOWN]) if customer else [],
        past_conversations=list(past),
    )


def transcript_messages(conversation: Conversation) -> QuerySet[Message]:
    return conversation.messages.select_related("agent_run", "annotation__faq_entry").order_by("created_at", "id")


@dataclass(frozen=True)
class OfferedChoice:
    title: str
    taken: bool


def timeline(conversation: Conversation) -> list[Message | Handover]:
    """The messages and the operators' takeovers and hand-backs, in the order they happened; each reply
    that offered choices has them as `offered`, the one the customer took marked."""
    handovers = conversation.handovers.select_related("operator")
    messages = list(transcript_messages(conversation))
    for index, message in enumerate(messages):
        if message.choices:
            ids = {choice["id"] for choice in message.choices}
            taken = next((later.chosen for later in messages[index + 1 :] if later.chosen in ids), "")
            message.offered = [OfferedChoice(choice["title"], choice["id"] == taken) for choice in message.choices]  # type: ignore[attr-defined]
    return sorted(chain(messages, handovers), key=lambda entry: entry.created_at)
