"""Erasing one customer's data on request, leaving only a record that it was done.

A customer may write from several apps; once staff linked those contacts to one business customer,
erasing any of them erases the person: every linked contact, their conversations (messages and the
agent's runs with them), bookings and leads, and the FAQ drafts made from their messages that staff
have not published. Orders are the business's accounts: they stay, with the customer record emptied
of name, email, phone and reference; a customer with no order is deleted.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q

from business.models import Booking, Business, Customer, Lead
from console.operator_actions import drafts_made_from
from conversations.models import Contact, Conversation, Message

from .models import ErasureRecord

logger = logging.getLogger(__name__)


class ContactNotFound(Exception):
    pass


def forget_contact(business: Business, platform: str, platform_user_id: str, requested_by: str) -> ErasureRecord:
    contacts = Contact.objects.filter(
        connection__business=business, connection__platform=platform, platform_user_id=platform_user_id
    )
    if not contacts.exists():
        raise ContactNotFound(f"{business.slug} has no {platform} contact with the id {platform_user_id!r}")
    return forget(business, contacts, requested_by)


def forget(business: Business, contacts: Iterable[Contact], requested_by: str) -> ErasureRecord:
    """Erase these contacts of one business and the people they are linked to."""
    with transaction.atomic():
        named = list(
            Contact.objects.filter(
                pk__in=[contact.pk for contact in contacts], connection__business=business
            ).values_list("pk", flat=True)
        )
        customer_ids = list(
            Customer.objects.filter(business=business, contacts__pk__in=named).values_list("pk", flat=True).distinct()
        )
        everyone = Contact.objects.filter(Q(pk__in=named) | Q(customer_id__in=customer_ids))
        platforms = sorted(set(everyone.values_list("connection__platform", flat=True)))
        customers = Customer.objects.filter(pk__in=customer_ids)
        messages = Message.objects.filter(conversation__contact__in=everyone)
        removed = {"faq_drafts": drafts_made_from(messages).delete()[1].get("business.FaqEntry", 0)}
        removed["messages"] = messages.count()
        removed["conversations"] = (
            Conversation.objects.filter(contact__in=everyone).delete()[1].get("conversations.Conversation", 0)
        )
        removed["bookings"] = Booking.objects.filter(customer__in=customers).delete()[0]
        removed["leads"] = Lead.objects.filter(customer__in=customers).delete()[0]
        removed["contacts"] = everyone.delete()[1].get("conversations.Contact", 0)
        # Orders stay for the business's accounts, under a customer record that no longer names anyone.
        removed["customers_emptied"] = customers.filter(orders__isnull=False).update(
            name="", email="", phone="", reference=""
        )
        removed["customers_deleted"] = customers.filter(orders__isnull=True).delete()[1].get("business.Customer", 0)
        record = ErasureRecord.objects.create(
            business=business, platform=",".join(platforms), requested_by=requested_by, removed=removed
        )
    logger.info("erasure %s at business %s: %s", record.pk, business.pk, removed)
    return record
